// One jest run for the whole repo. Workspace packages are mapped to their TypeScript sources, so
// tests never depend on a previous build; type checking is `npm run typecheck`'s job.
const fs = require('node:fs');
const path = require('node:path');

const moduleNameMapper = {};
for (const group of ['libs', 'apps', 'tools']) {
  for (const dir of fs.readdirSync(path.join(__dirname, group))) {
    moduleNameMapper[`^@subtrack/${dir}$`] = `<rootDir>/${group}/${dir}/src/index.ts`;
  }
}

module.exports = {
  testEnvironment: 'node',
  roots: ['<rootDir>/libs', '<rootDir>/apps', '<rootDir>/tools'],
  testMatch: ['**/*.spec.ts', '**/*.e2e-spec.ts'],
  transform: { '^.+\\.ts$': ['ts-jest', { tsconfig: 'tsconfig.jest.json' }] },
  moduleNameMapper,
  testPathIgnorePatterns: ['/node_modules/', '/dist/'],
  setupFiles: ['reflect-metadata'],
  globalSetup: '<rootDir>/scripts/jest/servers-setup.js',
  globalTeardown: '<rootDir>/scripts/jest/servers-teardown.js',
  // Suites share two cores with a Kafka broker and FerretDB.
  maxWorkers: 2,
};
