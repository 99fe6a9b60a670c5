/**
 * The baseline's worker: the minimal workflow of bench/baseline-workflow.ts on its own task queue, with SDK
 * defaults (as worker.ts uses them), in its own process so its CPU is measured on its own. It reaches Temporal as the
 * product's worker does (the same TEMPORAL_* environment), on the task queue BENCH_TASK_QUEUE.
 */
import { fileURLToPath } from 'node:url';
import { NativeConnection, Runtime, Worker, type LogLevel } from '@temporalio/worker';
import { loadConfigOrExit } from '../config';
import { temporalConnectionOptions } from '../config/temporal';
import { dataConverterForKeyring } from '../config/data-converter';
import { parseKeyList } from '../config/payload-keys';

const config = loadConfigOrExit();
const taskQueue = process.env.BENCH_TASK_QUEUE ?? 'bench-baseline';

Runtime.install({
  logger: {
    log: (level: LogLevel, message: string) => {
      if (level === 'ERROR' || level === 'WARN')
        process.stderr.write(`[baseline-worker] ${level} ${message}\n`);
    },
    trace() {},
    debug() {},
    info() {},
    warn: (m: string) => process.stderr.write(`[baseline-worker] WARN ${m}\n`),
    error: (m: string) => process.stderr.write(`[baseline-worker] ERROR ${m}\n`),
  },
  telemetryOptions: { logging: { filter: { core: 'WARN', other: 'ERROR' }, forward: {} } },
  shutdownSignals: [],
});

const connection = await NativeConnection.connect(temporalConnectionOptions(config));
const worker = await Worker.create({
  connection,
  // The same data converter as worker.ts (the bench gives both PAYLOAD_KEYS), so the comparison is the engine's cost.
  dataConverter: dataConverterForKeyring({
    keys: parseKeyList(process.env.PAYLOAD_KEYS ?? ''),
    source: 'PAYLOAD_KEYS',
  }).dataConverter,
  namespace: config.temporal.namespace,
  taskQueue,
  workflowsPath: fileURLToPath(new URL('./baseline-workflow.ts', import.meta.url)),
});

let stopping = false;
const stop = (): void => {
  if (stopping) return;
  stopping = true;
  worker.shutdown();
};
for (const signal of ['SIGINT', 'SIGTERM', 'SIGHUP'] as const) process.on(signal, stop);
process.on('disconnect', stop);

const running = worker.run();
process.send?.({ type: 'ready' });
await running;
await connection.close();
if (process.connected) process.disconnect();
