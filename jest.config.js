// Type checking happens in `npm run build` and `npm run typecheck`; Jest only transpiles.
const { pathsToModuleNameMapper } = require('ts-jest');
const { compilerOptions } = require('./tsconfig.json');

module.exports = {
  testEnvironment: 'node',
  rootDir: '.',
  roots: ['<rootDir>/src', '<rootDir>/libs', '<rootDir>/test'],
  testRegex: '.*\\.spec\\.ts$',
  transform: {
    // isolatedModules (in tsconfig.json) makes ts-jest transpile each file on its own.
    '^.+\\.ts$': ['ts-jest', { tsconfig: compilerOptions }],
  },
  moduleFileExtensions: ['ts', 'js', 'json'],
  moduleNameMapper: pathsToModuleNameMapper(compilerOptions.paths, { prefix: '<rootDir>/' }),
  globalSetup: '<rootDir>/test/support/global-setup.ts',
  globalTeardown: '<rootDir>/test/support/global-teardown.ts',
  testTimeout: 120000,
  // A test that fails mid-way can leave a handle open (a worker waiting on a job that was never
  // released): the failure is reported, and the run must still end instead of hanging CI.
  forceExit: true,
};
