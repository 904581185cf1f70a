/**
 * Three projects, one gate (`npm test` runs all three after a build):
 *   unit         pure code in-process, no database, no CLI: `npm run test:unit`, well under 15 s
 *   integration  real Kuzu databases in temporary folders, through the library
 *   e2e          the built CLI (bin/run.js over dist/) as users run it
 * ts-jest only transpiles (isolatedModules): type errors in tests are caught once, by
 * `npm run typecheck` (tsc -b over test, against src's declarations; the build checked src),
 * instead of once per test file and worker.
 */
const transform = {
  '^.+\\.ts$': [
    'ts-jest',
    { tsconfig: { module: 'commonjs', esModuleInterop: true, strict: true, skipLibCheck: true, resolveJsonModule: true, target: 'ES2022', isolatedModules: true } },
  ],
};

const project = (name, timeout, extra = {}) => ({
  displayName: name,
  testEnvironment: 'node',
  roots: [`<rootDir>/test/${name}`],
  testMatch: ['**/*.test.ts'],
  transform,
  testTimeout: timeout,
  ...extra,
});
// The other engine releases, installed (or found in the cache) once before any file of these
// projects starts; `npm run test:unit` never needs them.
const engines = { globalSetup: '<rootDir>/test/global-setup.ts' };
// KM_CPU_LOG=file: every test's CPU seconds (jest worker, and the CLI and engine processes it
// started and reaped) appended to that file, to find where a slow file spends (test/cpu-profile.js).
const profile = process.env.KM_CPU_LOG ? { setupFilesAfterEnv: ['<rootDir>/test/cpu-profile.js'] } : {};

module.exports = {
  testTimeout: 120000,
  // jest's default is cores - 1 (one worker on 2 cores); the suite is mostly child processes and
  // file I/O, so two workers on two cores halve its wall time (measured: 1 worker used ~1 core).
  maxWorkers: 2,
  // Slowest files first (test/timings.json when jest has no timings of its own: a fresh clone),
  // so that both workers finish together.
  testSequencer: '<rootDir>/test/sequencer.js',
  projects: [project('unit', 10000), project('integration', 120000, { ...engines, ...profile }), project('e2e', 120000, { ...engines, ...profile })],
};
