// One jest configuration for the whole repo, one project per test tier:
//   unit  *.unit.spec.ts  pure code, no I/O: seconds, no servers
//   int   *.int.spec.ts   real I/O: SQLite files, local HTTP, Kafka and the MongoDB-protocol server
//   e2e   *.e2e-spec.ts   the product as users run it, embedded and distributed
// Only int and e2e start the servers (scripts/jest). Workspace packages are mapped to their
// TypeScript sources, so tests never depend on a previous build; type checking is
// `npm run typecheck`'s job.
const fs = require('node:fs');
const path = require('node:path');

const moduleNameMapper = {};
for (const group of ['libs', 'apps', 'tools']) {
  for (const dir of fs.readdirSync(path.join(__dirname, group))) {
    moduleNameMapper[`^@subtrack/${dir}$`] = `<rootDir>/${group}/${dir}/src/index.ts`;
  }
}

const shared = {
  testEnvironment: 'node',
  roots: ['<rootDir>/libs', '<rootDir>/apps', '<rootDir>/tools'],
  transform: { '^.+\\.ts$': ['ts-jest', { tsconfig: 'tsconfig.jest.json' }] },
  moduleNameMapper,
  testPathIgnorePatterns: ['/node_modules/', '/dist/'],
  setupFiles: ['reflect-metadata'],
};
const servers = {
  globalSetup: '<rootDir>/scripts/jest/servers-setup.js',
  globalTeardown: '<rootDir>/scripts/jest/servers-teardown.js',
};

module.exports = {
  projects: [
    { ...shared, displayName: 'unit', testMatch: ['**/*.unit.spec.ts'] },
    { ...shared, ...servers, displayName: 'int', testMatch: ['**/*.int.spec.ts'] },
    { ...shared, ...servers, displayName: 'e2e', testMatch: ['**/*.e2e-spec.ts'] },
  ],
  // Suites share two cores with a Kafka broker and FerretDB.
  maxWorkers: 2,
};
