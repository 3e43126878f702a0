import { defineConfig } from 'vitest/config';

// TEST_DATABASE_URL set → every test file gets its own PostgreSQL database cloned from a
// migrated template; unset → a PGlite instance cloned from a migrated dump. Migrations run once.
export default defineConfig({
  test: {
    include: ['test/**/*.test.ts'],
    globalSetup: ['test/support/global-setup.ts'],
    testTimeout: 30_000,
    hookTimeout: 60_000,
    pool: 'forks',
    maxWorkers: 2,
    // The one uncaught error the service survives on purpose (src/entry/crash-guard.ts): a
    // postgres.js write after its connection closed, seen when a test cuts the database away.
    onUnhandledError(e) {
      const stack = 'stack' in e && typeof e.stack === 'string' ? e.stack : '';
      return !(/reading 'write'/.test(e.message ?? '') && /postgres[\\/]src[\\/]connection\.js/.test(stack));
    },
  },
});
