// The same project under Jest: the kit's globalSetup/globalTeardown entries, native ESM.
export default {
  globalSetup: '@s3enc/testing/jest-global-setup',
  globalTeardown: '@s3enc/testing/jest-global-teardown',
  testMatch: ['**/*.jest.test.js'],
  transform: {},
  testTimeout: 60_000,
};
