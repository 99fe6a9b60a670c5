import { configDefaults, defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    // The Temporal core is a native addon; worker threads have crashed with it, child processes do not.
    pool: 'forks',
    include: ['test/**/*.test.ts'],
    // The production-profile cluster test builds Temporal from source: `npm run test:cluster` (vitest.cluster.config.ts).
    exclude: [...configDefaults.exclude, 'test/cluster/**'],
    // Starts the dev server and the time-skipping server(s), bundles the workflows once; see the file.
    globalSetup: ['test/setup/global-setup.ts'],
    testTimeout: 30_000,
    hookTimeout: 60_000,
    reporters: ['default', './test/setup/summary-reporter.ts'],
  },
});
