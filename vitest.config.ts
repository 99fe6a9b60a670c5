import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    // The Temporal core is a native addon; worker threads have crashed with it, child processes do not.
    pool: 'forks',
    include: ['test/**/*.test.ts'],
    // Starts the dev server and the time-skipping server(s), bundles the workflows once; see the file.
    globalSetup: ['test/setup/global-setup.ts'],
    testTimeout: 30_000,
    hookTimeout: 60_000,
    reporters: ['default', './test/setup/summary-reporter.ts'],
  },
});
