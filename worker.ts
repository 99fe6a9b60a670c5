/**
 * Worker entry point (`npm run worker`): polls the configured task queue for workflow and activity tasks.
 * Run several for scale-out; they share the task queue. Only wiring lives here.
 */
import { readFileSync } from 'node:fs';
import { NativeConnection, Runtime, Worker } from '@temporalio/worker';
import { createActivities } from './activities';
import { createCalendarProvider } from './config/calendar';
import { createRegistryDirectory, loadDepartmentSeed } from './activities/connectors/directory';
import { loadConfigOrExit } from './config';
import { createLogger, temporalLogger } from './config/logger';
import { dataConverterFromConfig } from './config/data-converter';
import { temporalConnectionOptions } from './config/temporal';
import { startTracing } from './config/tracing';
import { bundleHasTracing, workflowBundlerOptions, workflowsPath } from './config/workflow-bundle';

const config = loadConfigOrExit();
const logger = createLogger(config, 'worker');

const { worker: metricsListen } = config.metrics;
const metricsAddress =
  metricsListen &&
  `${metricsListen.host.includes(':') ? `[${metricsListen.host}]` : metricsListen.host}:${metricsListen.port}`;
try {
  Runtime.install({
    logger: temporalLogger(logger),
    telemetryOptions: {
      logging: { filter: { core: 'WARN', other: 'ERROR' }, forward: {} },
      // The SDK's own metrics (task latencies, slots, sticky cache, activity and workflow outcomes) on /metrics.
      ...(metricsAddress && { metrics: { prometheus: { bindAddress: metricsAddress } } }),
    },
    // We stop the worker ourselves (below) so that the supervisor's signal order is respected.
    shutdownSignals: [],
  });
} catch (err) {
  // Most likely the metrics port is taken (another worker on this machine): say which setting to change.
  process.stderr.write(
    `The worker's runtime did not start: ${(err as Error).message}` +
      (metricsAddress
        ? ` (WORKER_METRICS_ADDRESS=${metricsAddress}: give each worker its own host:port, or 0 for none)\n`
        : '\n'),
  );
  process.exit(1);
}

// Nothing is loaded without OTEL_EXPORTER_OTLP_ENDPOINT; with it, spans of workflows and activities are exported.
const tracing = await startTracing(config, 'petition-worker');

// A prebuilt bundle serves only if it was built for this tracing setting; otherwise the worker bundles for itself.
const prebuilt = config.worker.workflowBundle;
const usePrebuilt =
  prebuilt !== undefined && bundleHasTracing(readFileSync(prebuilt, 'utf8')) === (tracing !== undefined);
if (prebuilt !== undefined && !usePrebuilt) {
  logger.warn(
    { bundle: prebuilt },
    tracing
      ? 'WORKER_WORKFLOW_BUNDLE has no tracing interceptors (build it with npm run worker:bundle -- --tracing); bundling the workflows here instead'
      : 'WORKER_WORKFLOW_BUNDLE was built with --tracing but tracing is off; bundling the workflows here instead',
  );
}

const { dataConverter, codec } = dataConverterFromConfig(config, logger);
const connection = await NativeConnection.connect(temporalConnectionOptions(config));
const worker = await Worker.create({
  connection,
  dataConverter,
  namespace: config.temporal.namespace,
  taskQueue: config.temporal.taskQueue,
  // A bundle prebuilt from this checkout (`npm run worker:bundle`) starts a worker in about a second; without one the
  // worker bundles the workflows itself, which takes 10–20 s on 2 cores (and again after every restart).
  ...(usePrebuilt
    ? { workflowBundle: { codePath: prebuilt } }
    : { workflowsPath, bundlerOptions: workflowBundlerOptions }),
  // The SDK sizes its default cache from the heap limit, not from what a petition costs, and once let a worker grow
  // past 4 GB and stall. A cached petition costs about 170–260 KiB (bench/README.md); a bounded cache trades a
  // replay on the next task for a steady footprint.
  maxCachedWorkflows: config.worker.maxCachedWorkflows,
  activities: createActivities({
    logger,
    dataDir: config.dataDir,
    // Official holiday data plus DATA_DIR/calendar/*.json supplements, re-read when a new one is published.
    calendar: createCalendarProvider(config.dataDir),
    smtp: config.smtp,
    // The archive is a payload store of ours: its files are encrypted like the histories.
    archiveCodec: codec,
    // The embedded default seeds the department registry from config/departments.seed.json at its first start.
    departments: createRegistryDirectory({
      taskQueue: config.temporal.taskQueue,
      seed: config.temporal.embedded ? loadDepartmentSeed() : [],
    }),
  }),
  ...tracing?.workerOptions(),
});

let stopping = false;
const stop = (reason: string): void => {
  if (stopping) return;
  stopping = true;
  logger.info({ reason }, 'worker shutting down');
  worker.shutdown();
};
for (const signal of ['SIGINT', 'SIGTERM', 'SIGHUP'] as const) process.on(signal, () => stop(signal));
// Started by scripts/start.ts with an IPC channel: if the supervisor dies, so do we (no orphan workers).
process.on('disconnect', () => stop('supervisor exited'));

const running = worker.run();
logger.info(
  {
    address: config.temporal.address,
    namespace: config.temporal.namespace,
    taskQueue: config.temporal.taskQueue,
    ...(metricsAddress && { metrics: `http://${metricsAddress}/metrics` }),
    ...(tracing && { tracing: { serviceName: tracing.serviceName, endpoint: config.tracing?.tracesUrl } }),
  },
  'worker polling',
);
process.send?.({ type: 'ready' });
await running;
await connection.close();
await tracing?.shutdown().catch(() => undefined);
logger.info('worker stopped');
// An open IPC channel to the supervisor would keep this process alive.
if (process.connected) process.disconnect();
