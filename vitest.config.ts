import { defineConfig } from 'vitest/config'

// Three projects: `unit` (pure logic, routes and repositories on in-memory PGlite; `npm test`),
// `db` (the database-touching suite again on PostgreSQL, TEST_DATABASE_URL required; `npm run test:pg`;
// test/multiprocess/ runs only here: three real server processes on one PostgreSQL database),
// `e2e` (real Chromium through playwright-core against a started server; `npm run test:e2e`).
// `unit` and `db` share one module graph per worker (isolate: false, ADR 25): re-importing the app for
// each of 110 files cost as much as the tests themselves. Each file still gets its own database and app.
// Two workers in every project: on a two-core machine vitest's default is one.
export default defineConfig({
  test: {
    globalSetup: ['./test/support/global-setup.ts'],
    projects: [
      {
        extends: true,
        test: {
          name: 'unit',
          isolate: false,
          maxWorkers: 2,
          include: ['src/**/*.test.ts', 'test/**/*.test.ts'],
          exclude: ['test/e2e/**', 'test/multiprocess/**'],
          // Limits for a hung test, not timing checks: the command-line tests start real `wtc`
          // processes (backup, restore, a kill -9), which on a busy two-core machine take tens of seconds.
          testTimeout: 120_000,
          hookTimeout: 120_000,
          env: { NODE_ENV: 'test' },
        },
      },
      {
        extends: true,
        test: {
          name: 'db',
          isolate: false,
          maxWorkers: 2,
          include: ['test/**/*.test.ts'],
          exclude: ['test/e2e/**', 'test/unit/**'],
          testTimeout: 120_000,
          hookTimeout: 120_000,
          env: { NODE_ENV: 'test', WTC_TEST_REQUIRE_PG: '1' },
        },
      },
      {
        extends: true,
        test: {
          name: 'e2e',
          include: ['test/e2e/**/*.test.ts'],
          // A hang guard, not a timing assertion: a journey checks every page at three widths with
          // axe, and two run at once on a two-core machine (ADR 25).
          testTimeout: 300_000,
          hookTimeout: 120_000,
          maxWorkers: 2,
          env: { NODE_ENV: 'test' },
        },
      },
    ],
  },
})
