/**
 * The sizes of `npm run chaos` (full) and of its short version (`--quick`, and test/chaos/ in `npm test`). The server
 * stays down longer than the API's bound on a Temporal call (10 s), so that requests made while it is down are
 * answered (503) before it comes back rather than merely delayed.
 */
export const CHAOS_SETTINGS = {
  full: {
    worker: { registrations: 1000, actions: 100, concurrency: 600, killAfter: 100 },
    api: { registrations: 400, actions: 60, concurrency: 64, killAfter: 120 },
    server: {
      registrations: 400,
      actions: 60,
      concurrency: 32,
      killAfter: 100,
      downMs: 20_000,
      probeEveryMs: 100,
    },
    backup: { registrations: 300, actions: 40, concurrency: 32, backupAfter: 60 },
  },
  quick: {
    worker: { registrations: 100, actions: 20, concurrency: 100, killAfter: 10 },
    api: { registrations: 50, actions: 15, concurrency: 32, killAfter: 15 },
    server: {
      registrations: 40,
      actions: 10,
      concurrency: 16,
      killAfter: 10,
      downMs: 11_000,
      probeEveryMs: 100,
    },
    backup: { registrations: 40, actions: 10, concurrency: 16, backupAfter: 10 },
  },
} as const;
