/** Unit tests are pure and fast; e2e tests run the built CLI (npm test builds first). */
module.exports = {
  preset: 'ts-jest',
  testEnvironment: 'node',
  roots: ['<rootDir>/test'],
  testMatch: ['**/*.test.ts'],
  testTimeout: 120000,
  transform: { '^.+\\.ts$': ['ts-jest', { tsconfig: { module: 'commonjs', esModuleInterop: true, strict: true, skipLibCheck: true, resolveJsonModule: true, target: 'ES2022' }, diagnostics: { warnOnly: false } }] },
};
