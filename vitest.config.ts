import { defineConfig } from 'vitest/config';

// Every database test runs twice: once on SQLite (node:sqlite) and once on PostgreSQL (127.0.0.1:5432, database
// `test`).
// Pure unit tests (*.unit.test.ts) and the browser tests run once.
export default defineConfig({
  test: {
    testTimeout: 120_000,
    hookTimeout: 120_000,
    pool: 'forks',
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
