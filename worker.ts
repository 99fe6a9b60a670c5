/**
 * Worker entry point (`npm run worker`): polls the configured task queue for workflow and activity tasks.
 * Run several for scale-out; they share the task queue. Only wiring lives here.
 */
import { NativeConnection, Runtime, Worker } from '@temporalio/worker';
import { createActivities } from './activities';
import { createCalendarProvider } from './config/calendar';
import { createRegistryDirectory, loadDepartmentSeed } from './activities/connectors/directory';
import { loadConfigOrExit } from './config';
import { createLogger, temporalLogger } from './config/logger';
import { dataConverterFromConfig } from './config/data-converter';
import { temporalConnectionOptions } from './config/temporal';
import { workflowBundlerOptions, workflowsPath } from './config/workflow-bundle';

const config = loadConfigOrExit();
const logger = createLogger(config, 'worker');

Runtime.install({
  logger: temporalLogger(logger),
  telemetryOptions: { logging: { filter: { core: 'WARN', other: 'ERROR' }, forward: {} } },
  // We stop the worker ourselves (below) so that the supervisor's signal order is respected.
  shutdownSignals: [],
});

const { dataConverter, codec } = dataConverterFromConfig(config, logger);
const connection = await NativeConnection.connect(temporalConnectionOptions(config));
const worker = await Worker.create({
  connection,
  dataConverter,
  namespace: config.temporal.namespace,
  taskQueue: config.temporal.taskQueue,
  // A bundle prebuilt from this checkout (`npm run worker:bundle`) starts a worker in about a second; without one the
  // worker bundles the workflows itself, which takes 10–20 s on 2 cores (and again after every restart).
  ...(config.worker.workflowBundle
    ? { workflowBundle: { codePath: config.worker.workflowBundle } }
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
  },
  'worker polling',
);
process.send?.({ type: 'ready' });
await running;
await connection.close();
logger.info('worker stopped');
// An open IPC channel to the supervisor would keep this process alive.
if (process.connected) process.disconnect();
