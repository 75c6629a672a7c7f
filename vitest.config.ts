import { defineConfig } from 'vitest/config';
import { fileURLToPath } from 'node:url';

const src = (p: string) => fileURLToPath(new URL(p, import.meta.url));

export default defineConfig({
  resolve: {
    alias: {
      '@tsdbt/core': src('./packages/core/src/index.ts'),
      '@tsdbt/duckdb': src('./packages/adapters/duckdb/src/index.ts'),
      '@tsdbt/postgres': src('./packages/adapters/postgres/src/index.ts'),
    },
  },
  test: {
    include: ['packages/**/src/**/*.test.ts', 'tests/**/*.test.ts'],
    // Finds (or starts) the PostgreSQL server every Postgres test uses.
    globalSetup: ['./tests/support/pg-global-setup.ts'],
    testTimeout: 60_000,
    hookTimeout: 60_000,
    pool: 'forks',
    reporters: ['default', 'json'],
    outputFile: { json: 'test-output/vitest.json' },
  },
});
