import { defineConfig } from 'vitest/config';

// Every database test runs twice: once on SQLite (node:sqlite) and once on PostgreSQL (127.0.0.1:5432, database
// `test`).
// Pure unit tests (*.unit.test.ts) and the browser tests run once.
export default defineConfig({
  test: {
    testTimeout: 120_000,
    hookTimeout: 120_000,
    pool: 'forks',
    // Two test files at a time: most of a database test's time is spent waiting on the database or the browser, so
    // on the two-core machines CI runs on, two forks finish the suite in far less time than Vitest's default of one.
    // SLI_TEST_WORKERS overrides it (1 to debug).
    maxWorkers: Number(process.env.SLI_TEST_WORKERS ?? 2),
    projects: [
      {
        extends: true,
        test: {
          name: 'unit',
          include: ['src/**/*.unit.test.ts', 'test/**/*.unit.test.ts'],
        },
      },
      {
        extends: true,
        test: {
          name: 'sqlite',
          include: ['src/**/*.test.ts', 'test/**/*.test.ts'],
          exclude: ['**/*.unit.test.ts', 'test/browser/**', '**/node_modules/**'],
          env: { SLI_TEST_DIALECT: 'sqlite' },
        },
      },
      {
        extends: true,
        test: {
          name: 'postgres',
          include: ['src/**/*.test.ts', 'test/**/*.test.ts'],
          exclude: ['**/*.unit.test.ts', 'test/browser/**', '**/node_modules/**'],
          env: { SLI_TEST_DIALECT: 'postgres' },
        },
      },
      {
        extends: true,
        test: {
          name: 'browser',
          include: ['test/browser/**/*.test.ts'],
          env: { SLI_TEST_DIALECT: 'sqlite' },
        },
      },
    ],
  },
});
