// Three tiers, told apart by suffix (see STYLE.md): *.spec.ts pure, *.int-spec.ts against
// PostgreSQL, test/*.e2e-spec.ts over HTTP. `npm test` runs all of them through scripts/test.js,
// which provides a PostgreSQL server when DATABASE_URL is not set.
const { pathsToModuleNameMapper } = require('ts-jest');
const { compilerOptions } = require('./tsconfig.json');

const base = {
  moduleFileExtensions: ['ts', 'js', 'json'],
  transform: { '^.+\\.ts$': ['ts-jest', { tsconfig: '<rootDir>/tsconfig.spec.json' }] },
  // Only our own aliases: the others in tsconfig.json exist for types alone.
  moduleNameMapper: pathsToModuleNameMapper(
    Object.fromEntries(Object.entries(compilerOptions.paths).filter(([alias]) => alias.startsWith('@ledger/'))),
    { prefix: '<rootDir>/' },
  ),
  testEnvironment: 'node',
  rootDir: __dirname,
  modulePathIgnorePatterns: ['<rootDir>/dist/', '<rootDir>/.data/'],
  // LEDGER_TEST_CLOCK moves Node's clock for a whole run (test/support/test-clock.ts).
  setupFiles: ['<rootDir>/test/support/test-clock.ts'],
  setupFilesAfterEnv: ['<rootDir>/test/support/test-clock-teardown.ts'],
};

module.exports = {
  // Most int and e2e tests wait on PostgreSQL, not on the CPU.
  maxWorkers: 2,
  // A loaded two-core machine runs an HTTP test far slower than Jest's 5 s default allows
  // (issue 9): a generous bound that only a hung test reaches. Speed is measured in benchmarks.
  testTimeout: 120_000,
  projects: [
    { ...base, displayName: 'unit', testMatch: ['<rootDir>/{apps,libs,projections,scripts}/**/*.spec.ts'] },
    { ...base, displayName: 'int', testMatch: ['<rootDir>/**/*.int-spec.ts'], testPathIgnorePatterns: ['/node_modules/'] },
    { ...base, displayName: 'e2e', testMatch: ['<rootDir>/test/**/*.e2e-spec.ts'] },
    // The console in Chromium (test/support/browser.ts): skipped, saying why, without a browser.
    {
      ...base,
      displayName: 'browser',
      testMatch: ['<rootDir>/test/browser/*.browser-spec.ts'],
      globalSetup: '<rootDir>/test/browser/global-setup.ts',
    },
  ],
};
