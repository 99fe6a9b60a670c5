/**
 * What the bench runs against: a Temporal dev server of its own on 127.0.0.1, started exactly as the embedded default
 * starts it (scripts/temporal-servers.ts: a fresh SQLite file with journal_mode=WAL and synchronous=NORMAL, every
 * search attribute, Web UI with news fetching off) — or an existing Temporal (`--address`, e.g. `npm run cluster`'s)
 * in a namespace it registers when missing; then the product's worker (worker.ts) and API (api/server.ts) as child
 * processes configured as `npm start` configures them (against an existing Temporal: on task queues of the run's
 * own, so that no other worker takes their tasks), and the baseline's worker. `stop()` stops everything it started,
 * and against an existing Temporal terminates the workflows the run left open on its task queues; it is idempotent
 * and also runs on Ctrl-C and on failure (see run.ts).
 */
import { randomBytes } from 'node:crypto';
import { spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { Client, Connection } from '@temporalio/client';
import { msToTs } from '@temporalio/common/lib/time';
import { configVariableNames, loadConfig } from '../../config';
import { ensureSearchAttributes, temporalConnectionOptions } from '../../config/temporal';
import { dataConverterForKeyring } from '../../config/data-converter';
import { formatKeyList, generateKey } from '../../config/payload-keys';
import { ensureTemporalBinaries, projectRoot } from '../../scripts/fetch-temporal';
import {
  devServerArgs,
  freePort,
  startDevServer,
  startOnFreePort,
  stopServer,
  type DevServerOptions,
  type ServerProcess,
} from '../../scripts/temporal-servers';
import { searchAttributeRegistrations } from '../../workflows/search-attributes';
import { waitFor } from './load';
import { CpuMeter, killOnExit, rssBytes, spawnNode, type NodeChild } from './processes';
import { progress } from './progress';

export interface BenchEnvironmentOptions {
  /** Product log level for worker and API (the default of `npm start` is info). */
  logLevel: string;
  /** Write V8 CPU profiles of the worker and API into this directory. */
  cpuProfileDir?: string;
  /** Keep the temp directory (SQLite file, logs) after the run. */
  keep: boolean;
  /**
   * An existing Temporal to run against instead of a dev server of the bench's own. TLS and an API key are taken
   * from the caller's TEMPORAL_TLS_* and TEMPORAL_API_KEY, as the product takes them.
   */
  existing?: { address: string; namespace: string };
}

export interface BenchEnvironment {
  dir: string;
  address: string;
  namespace: string;
  /** What the figures were taken on. */
  deployment: 'dev-server' | 'existing';
  /** The product's task queue (worker.ts and api/server.ts), and the baseline's. */
  taskQueue: string;
  baselineTaskQueue: string;
  apiUrl: string;
  client: Client;
  connection: Connection;
  jwtSecret: string;
  /** The dev server the bench started (none against an existing Temporal: its CPU is not measured). */
  server?: ServerProcess;
  worker: NodeChild;
  baselineWorker: NodeChild;
  api: NodeChild;
  /** A second worker.ts on a task queue of its own, for the memory probe (idle until then). */
  memWorker: NodeChild;
  memTaskQueue: string;
  /** The dev server's SQLite file (none against an existing Temporal). */
  dbFile?: string;
  devServerArgs: string[];
  versions: { temporal: string; sdk: string };
  cpu: CpuMeter;
  /** Peak RSS (bytes) of each process since the last call, sampled every second; resets the peaks. */
  rssPeaks(): Record<string, number>;
  /** Extra processes measured by `cpu` (e.g. the memory probe's worker). */
  extraPids: Record<string, number | undefined>;
  /** The environment for product child processes (worker.ts, api/server.ts). */
  childEnv(extra?: Record<string, string>): NodeJS.ProcessEnv;
  spawnChild(name: string, entry: string, extraEnv?: Record<string, string>, nodeArgs?: string[]): NodeChild;
  /** SQLite file + WAL size in bytes (undefined against an existing Temporal). */
  dbBytes(): number | undefined;
  stop(): Promise<void>;
}

/** The product's configuration variables a caller may give for an existing Temporal (TLS, API key). */
const CONNECTION_VARIABLES = configVariableNames.filter(
  (name) => name.startsWith('TEMPORAL_TLS') || name === 'TEMPORAL_API_KEY',
);

function sdkVersion(): string {
  try {
    return (
      JSON.parse(
        readFileSync(path.join(projectRoot, 'node_modules/@temporalio/worker/package.json'), 'utf8'),
      ) as { version: string }
    ).version;
  } catch {
    return 'unknown';
  }
}

/** Stops of environments being started or running, for the signal handlers of run.ts. */
export const pendingStops = new Set<() => Promise<void>>();
export async function startBenchEnvironment(opts: BenchEnvironmentOptions): Promise<BenchEnvironment> {
  const existing = opts.existing;
  const dir = mkdtempSync(path.join(tmpdir(), 'petition-bench-'));
  const dataDir = path.join(dir, 'data');
  mkdirSync(dataDir);
  const runTag = randomBytes(3).toString('hex');
  const jwtSecret = randomBytes(32).toString('base64url');
  // One keyring for the bench's children and its own client, as a deployment shares one (PAYLOAD_KEYS).
  const payloadKeys = [generateKey()];
  const children: NodeChild[] = [];
  let server: ServerProcess | undefined;
  let connection: Connection | undefined;
  let stopping: Promise<void> | undefined;
  const extraPids: Record<string, number | undefined> = {};
  let sampler: NodeJS.Timeout | undefined;
  // On a Temporal of its own the product keeps its usual task queues; on an existing one, queues of this run.
  const taskQueue = existing ? `bench-petitions-${runTag}` : 'petitions';
  const baselineTaskQueue = existing ? `bench-baseline-${runTag}` : 'bench-baseline';
  const memTaskQueue = `bench-mem-${runTag}`;
  const namespace = existing?.namespace ?? 'default';
  // What the product's processes (and the bench's own client) are told about the Temporal they use.
  const callerConnection: Record<string, string> = {};
  if (existing)
    for (const name of CONNECTION_VARIABLES)
      if (process.env[name]) callerConnection[name] = process.env[name]!;

  // Every caller (the run's finally, the failure path, a signal) waits for the same, single shutdown.
  const stop = (): Promise<void> => (stopping ??= doStop());
  const doStop = async (): Promise<void> => {
    clearInterval(sampler);
    // The API first, then the workers, then the server: the order of `npm start`.
    for (const child of [...children].reverse()) await child.stop(10_000).catch(() => undefined);
    if (existing && connection) await terminateLeftovers(connection, namespace, [taskQueue, memTaskQueue]);
    await connection?.close().catch(() => undefined);
    if (server) await stopServer(server, 10_000);
    if (!opts.keep) rmSync(dir, { recursive: true, force: true });
    else progress.say(`kept ${dir} (${existing ? '' : 'SQLite file and '}logs)`);
    pendingStops.delete(stop);
  };
  pendingStops.add(stop);

  try {
    let address: string;
    let temporalVersion: string;
    let serverOptions: DevServerOptions | undefined;
    let dbFile: string | undefined;
    let temporalEnv: Record<string, string>;
    if (existing) {
      address = existing.address;
      const config = loadConfig({
        ...callerConnection,
        TEMPORAL_ADDRESS: address,
        TEMPORAL_NAMESPACE: namespace,
      });
      progress.say(`connecting to the existing Temporal at ${address}, namespace ${namespace}`);
      connection = await Connection.connect({ ...temporalConnectionOptions(config), connectTimeout: '10s' });
      const info = await connection.workflowService.getSystemInfo({});
      temporalVersion = `Temporal server ${info.serverVersion ?? 'unknown'} at ${address}`;
      await ensureNamespace(connection, namespace);
      await ensureSearchAttributes(connection, namespace, searchAttributeRegistrations);
      temporalEnv = { ...callerConnection, TEMPORAL_ADDRESS: address, TEMPORAL_NAMESPACE: namespace };
    } else {
      const binaries = ensureTemporalBinaries(process.env, (line) => progress.say(line));
      temporalVersion = spawnSync(binaries.cli, ['--version'], { encoding: 'utf8' })
        .stdout.trim()
        .split('\n')[0]!;
      const uiPort = await freePort();
      const file = path.join(dir, 'temporal.sqlite');
      dbFile = file;
      progress.say(`starting Temporal dev server (${temporalVersion}) on a fresh SQLite file in ${dir}`);
      server = await startOnFreePort(
        (port) => {
          serverOptions = {
            cli: binaries.cli,
            ip: '127.0.0.1',
            port,
            uiPort,
            dbFile: file,
            searchAttributes: searchAttributeRegistrations,
          };
          const s = startDevServer(serverOptions, 'capture');
          killOnExit(s.child);
          return s;
        },
        { namespace: 'default', timeoutMs: 60_000 },
      );
      address = server.address;
      connection = await Connection.connect({ address });
      temporalEnv = { TEMPORAL_PORT: address.split(':').pop()!, TEMPORAL_UI_PORT: String(uiPort) };
    }
    const apiPort = await freePort();

    const childEnv = (extra: Record<string, string> = {}): NodeJS.ProcessEnv => {
      const env: NodeJS.ProcessEnv = { ...process.env };
      // Nothing of the caller's product configuration leaks in: the children see the embedded default's settings,
      // or the existing Temporal's address, namespace and connection settings.
      for (const name of configVariableNames) delete env[name];
      return {
        ...env,
        ...temporalEnv,
        TEMPORAL_TASK_QUEUE: taskQueue,
        DATA_DIR: dataDir,
        API_HOST: '127.0.0.1',
        API_PORT: String(apiPort),
        JWT_SECRET: jwtSecret,
        // One keyring for every child and the bench's own client, as a deployment shares one.
        PAYLOAD_KEYS: formatKeyList(payloadKeys),
        // The default (600 a minute per token) would refuse a load test at once; the bench measures throughput.
        API_RATE_LIMIT_MAX: '1000000000',
        LOG_LEVEL: opts.logLevel,
        LOG_FORMAT: 'json',
        ...extra,
      };
    };
    const spawnChild = (
      name: string,
      entry: string,
      extraEnv: Record<string, string> = {},
      nodeArgs: string[] = [],
    ): NodeChild => {
      const prof = opts.cpuProfileDir ? ['--cpu-prof', `--cpu-prof-dir=${opts.cpuProfileDir}`] : [];
      const child = spawnNode(name, entry, {
        cwd: projectRoot,
        env: childEnv(extraEnv),
        logFile: path.join(dir, `${name}.log`),
        nodeArgs: [...nodeArgs, ...prof],
      });
      children.push(child);
      killOnExit(child.child);
      return child;
    };

    progress.say('starting worker (worker.ts), baseline worker and API (api/server.ts) as child processes');
    const worker = spawnChild('worker', 'bench/worker-probe.ts', {}, ['--expose-gc']);
    const baselineWorker = spawnChild('baseline-worker', 'bench/baseline-worker.ts', {
      BENCH_TASK_QUEUE: baselineTaskQueue,
    });
    const api = spawnChild('api', 'api/server.ts');
    // Started now so that its start-up (bundling) overlaps the others' instead of adding to the run.
    const memWorker = spawnChild(
      'mem-worker',
      'bench/worker-probe.ts',
      { TEMPORAL_TASK_QUEUE: memTaskQueue },
      ['--expose-gc'],
    );
    await Promise.all([worker.ready, baselineWorker.ready, api.ready, memWorker.ready]);
    const apiUrl = `http://127.0.0.1:${apiPort}`;
    await waitFor(
      'the API to report ready (GET /readyz)',
      async () => (await fetch(`${apiUrl}/readyz`)).status === 200,
      90_000,
      250,
    );
    const client = new Client({
      connection,
      namespace,
      dataConverter: dataConverterForKeyring({ keys: payloadKeys, source: 'bench' }).dataConverter,
    });
    const peaks: Record<string, number> = {};
    const pids = (): Record<string, number | undefined> => ({
      server: server?.child.pid,
      worker: worker.child.pid,
      baselineWorker: baselineWorker.child.pid,
      api: api.child.pid,
      memWorker: memWorker.child.exitCode === null ? memWorker.child.pid : undefined,
      ...extraPids,
    });
    sampler = setInterval(() => {
      for (const [name, pid] of Object.entries(pids())) {
        const rss = rssBytes(pid);
        if (rss !== undefined && rss > (peaks[name] ?? 0)) peaks[name] = rss;
      }
    }, 1000);
    sampler.unref();
    return {
      dir,
      address,
      namespace,
      deployment: existing ? 'existing' : 'dev-server',
      taskQueue,
      baselineTaskQueue,
      apiUrl,
      client,
      connection,
      jwtSecret,
      ...(server && { server }),
      worker,
      baselineWorker,
      api,
      memWorker,
      memTaskQueue,
      ...(dbFile && { dbFile }),
      devServerArgs: serverOptions ? devServerArgs(serverOptions) : [],
      versions: { temporal: temporalVersion, sdk: sdkVersion() },
      cpu: new CpuMeter(pids),
      rssPeaks() {
        const copy = { ...peaks };
        for (const k of Object.keys(peaks)) delete peaks[k];
        return copy;
      },
      extraPids,
      childEnv,
      spawnChild,
      dbBytes() {
        if (!dbFile) return undefined;
        let total = 0;
        for (const suffix of ['', '-wal', '-shm']) {
          try {
            total += statSync(dbFile + suffix).size;
          } catch {
            // absent
          }
        }
        return total;
      },
      stop,
    };
  } catch (err) {
    await stop();
    throw err;
  }
}

/** Registers the namespace when the existing Temporal lacks it (the bench's petitions then live apart). */
async function ensureNamespace(connection: Connection, namespace: string): Promise<void> {
  try {
    await connection.workflowService.describeNamespace({ namespace });
    return;
  } catch (err) {
    if (!/not found/i.test(String((err as Error).message))) throw err;
  }
  progress.say(`registering namespace ${namespace} (retention 1 day)`);
  await connection.workflowService.registerNamespace({
    namespace,
    workflowExecutionRetentionPeriod: msToTs('1 day'),
  });
  // Describe reads the database and answers at once; the other services (search attributes, starts) read the
  // server's namespace cache, which learns a new namespace only at its next refresh (about 10 s).
  const until = Date.now() + 60_000;
  for (;;) {
    try {
      await connection.workflowService.describeNamespace({ namespace });
      await connection.operatorService.listSearchAttributes({ namespace });
      return;
    } catch (err) {
      if (Date.now() > until) throw err;
      await new Promise((r) => setTimeout(r, 500));
    }
  }
}

/**
 * Terminates what the run left open on its own task queues of an existing Temporal (the supervision section's
 * petitions, the memory probe's), with one batch operation, so that nothing waits there for a worker that is gone.
 */
async function terminateLeftovers(
  connection: Connection,
  namespace: string,
  queues: string[],
): Promise<void> {
  const visibilityQuery = `ExecutionStatus = 'Running' AND TaskQueue IN (${queues.map((q) => `'${q}'`).join(', ')})`;
  try {
    await connection.workflowService.startBatchOperation({
      namespace,
      jobId: `bench-cleanup-${randomBytes(6).toString('hex')}`,
      visibilityQuery,
      reason: 'npm run bench: the run is over',
      terminationOperation: {},
    });
    progress.say(`terminating the run's open workflows (batch: ${visibilityQuery})`);
  } catch (err) {
    progress.say(
      `could not start the batch that terminates the run's open workflows (${(err as Error).message}); ` +
        `terminate them with: temporal workflow terminate --namespace ${namespace} --query "${visibilityQuery}"`,
    );
  }
}
