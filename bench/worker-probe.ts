/**
 * Runs the product's worker (worker.ts, unchanged, with the environment the bench gives it) and answers the
 * bench's memory probes over IPC: `{ type: 'mem' }` → a full GC (node --expose-gc) and process.memoryUsage().
 * The workflow sandbox runs in a worker thread, whose heap process.memoryUsage().heapUsed does not include; RSS
 * covers the whole process.
 */
import v8 from 'node:v8';

const heapLimitMiB = v8.getHeapStatistics().heap_size_limit / 1024 / 1024;

process.on('message', (msg: { type?: string }) => {
  if (msg?.type !== 'mem') return;
  (globalThis as { gc?: () => void }).gc?.();
  const m = process.memoryUsage();
  process.send?.({
    type: 'mem',
    rss: m.rss,
    heapUsed: m.heapUsed,
    heapTotal: m.heapTotal,
    external: m.external,
    arrayBuffers: m.arrayBuffers,
    heapLimitMiB,
    // @temporalio/worker 1.24 default with reuseV8Context (worker-options.js): max((heapMiB − 200) × 600 / 1024, 10).
    defaultMaxCachedWorkflows: Math.max(Math.floor((Math.max(heapLimitMiB - 200, 0) * 600) / 1024), 10),
  });
});

// worker.ts runs until it is stopped (top-level await), so this import settles only at shutdown.
void import('../worker');
