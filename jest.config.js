// One jest configuration for the whole repo, one project per test tier:
//   unit  *.unit.spec.ts  pure code, no I/O: seconds, no servers
//   int   *.int.spec.ts   real I/O: SQLite files, local HTTP, Kafka and the MongoDB-protocol server
//   e2e   *.e2e-spec.ts   the product as users run it, embedded and distributed
// Only int and e2e start the servers (scripts/jest). Workspace packages resolve through their
// `exports` maps like everywhere else, under the `@subtrack/source` condition, which points at
// their TypeScript sources: tests never depend on a previous build, and type checking is
// `npm run typecheck`'s job.
const shared = {
  testEnvironment: 'node',
  roots: ['<rootDir>/libs', '<rootDir>/apps', '<rootDir>/tools', '<rootDir>/tooling'],
  transform: { '^.+\\.ts$': ['ts-jest', { tsconfig: 'tsconfig.jest.json' }] },
  testEnvironmentOptions: { customExportConditions: ['@subtrack/source', 'node', 'node-addons'] },
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
