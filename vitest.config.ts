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
  },
});
