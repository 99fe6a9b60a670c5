import { defineConfig } from 'vitest/config';

/**
 * `npm run test:cluster`: the production-profile test (test/cluster/), which starts `npm run cluster` — PostgreSQL,
 * Temporal's server built from its Go module, two workers and two APIs. Kept out of `npm test` because its first
 * run builds the server (minutes on 2 cores) and it needs PostgreSQL installed; `.ci/run` runs both.
 */
export default defineConfig({
  test: {
    pool: 'forks',
    include: ['test/cluster/**/*.test.ts'],
    // The cluster is one set of processes on fixed-at-start ports: its files run one after another.
    fileParallelism: false,
    testTimeout: 180_000,
    // The first start builds the Temporal server from source.
    hookTimeout: 30 * 60_000,
    reporters: ['default', './test/setup/summary-reporter.ts'],
  },
});
