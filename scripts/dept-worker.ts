/**
 * An example department worker (`npm run dept-worker -- --dept CODE [--inbox DIR]`): polls task queue `dept.<CODE>`
 * and implements `receivePetition` (workflows/department-activities.ts), keeping each delivery in an inbox folder
 * once per idempotency key. Start it next to `npm start` after registering the department with connector
 * `{ "kind": "worker" }`; it reads the same TEMPORAL_* variables as the engine.
 */
import path from 'node:path';
import { parseArgs } from 'node:util';
import { NativeConnection, Runtime, Worker } from '@temporalio/worker';
import { createExampleDepartmentActivities } from '../activities/connectors/example-department';
import { loadConfigOrExit } from '../config';
import { createLogger, temporalLogger } from '../config/logger';
import { dataConverterFromConfig } from '../config/data-converter';
import { temporalConnectionOptions } from '../config/temporal';
import { departmentTaskQueue } from '../workflows/department-activities';
import { DepartmentCodeSchema } from '../workflows/department-registry';

const usage = 'usage: npm run dept-worker -- --dept CODE [--inbox DIR]';
let args: { dept?: string; inbox?: string };
try {
  args = parseArgs({ options: { dept: { type: 'string' }, inbox: { type: 'string' } } }).values;
} catch (err) {
  process.stderr.write(`${(err as Error).message}\n${usage}\n`);
  process.exit(2);
}
const code = DepartmentCodeSchema.safeParse(args.dept);
if (!code.success) {
  process.stderr.write(
    `--dept ${args.dept === undefined ? 'is required' : code.error.issues[0]?.message}\n${usage}\n`,
  );
  process.exit(2);
}

const config = loadConfigOrExit();
const logger = createLogger(config, `dept-worker:${code.data}`);
Runtime.install({
  logger: temporalLogger(logger),
  telemetryOptions: { logging: { filter: { core: 'WARN', other: 'ERROR' }, forward: {} } },
  shutdownSignals: [],
});

const taskQueue = departmentTaskQueue(code.data);
const inboxDir = args.inbox ?? path.join(config.dataDir, 'departments', code.data, 'inbox');
const { dataConverter } = dataConverterFromConfig(config, logger);
const connection = await NativeConnection.connect(temporalConnectionOptions(config));
const worker = await Worker.create({
  connection,
  dataConverter,
  namespace: config.temporal.namespace,
  taskQueue,
  activities: createExampleDepartmentActivities({ code: code.data, inboxDir, logger }),
});

let stopping = false;
const stop = (reason: string): void => {
  if (stopping) return;
  stopping = true;
  logger.info({ reason }, 'department worker shutting down');
  worker.shutdown();
};
for (const signal of ['SIGINT', 'SIGTERM', 'SIGHUP'] as const) process.on(signal, () => stop(signal));
process.on('disconnect', () => stop('parent exited'));

const running = worker.run();
logger.info({ taskQueue, inboxDir, address: config.temporal.address }, 'department worker polling');
process.send?.({ type: 'ready', taskQueue });
await running;
await connection.close();
if (process.connected) process.disconnect();
