/**
 * What the bench runs against, all its own and all on 127.0.0.1: a Temporal dev server started exactly as the
 * embedded default starts it (scripts/temporal-servers.ts: a fresh SQLite file with journal_mode=WAL and
 * synchronous=NORMAL, every search attribute, Web UI with news fetching off), the product's worker (worker.ts) and
 * API (api/server.ts) as child processes configured as `npm start` configures them, and the baseline's worker.
 * `stop()` stops everything it started; it is idempotent and also runs on Ctrl-C and on failure (see run.ts).
 */
import { randomBytes } from 'node:crypto';
import { spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { Client, Connection } from '@temporalio/client';
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
import { CpuMeter, embeddedDefaultEnv, killOnExit, rssBytes, spawnNode, type NodeChild } from './processes';
import { progress } from './progress';

export const BASELINE_TASK_QUEUE = 'bench-baseline';
export const PETITION_TASK_QUEUE = 'petitions';

export interface BenchEnvironmentOptions {
  /** Product log level for worker and API (the default of `npm start` is info). */
  logLevel: string;
  /** Write V8 CPU profiles of the worker and API into this directory. */
  cpuProfileDir?: string;
  /** Keep the temp directory (SQLite file, logs) after the run. */
  keep: boolean;
}

export interface BenchEnvironment {
  dir: string;
  address: string;
  apiUrl: string;
  client: Client;
  connection: Connection;
  jwtSecret: string;
  server: ServerProcess;
  worker: NodeChild;
  baselineWorker: NodeChild;
  api: NodeChild;
  /** A second worker.ts on a task queue of its own, for the memory probe (idle until then). */
  memWorker: NodeChild;
  memTaskQueue: string;
  dbFile: string;
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
  /** SQLite file + WAL size in bytes. */
  dbBytes(): number;
  stop(): Promise<void>;
}

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
  const binaries = ensureTemporalBinaries(process.env, (line) => progress.say(line));
  const temporalVersion = spawnSync(binaries.cli, ['--version'], { encoding: 'utf8' }).stdout.trim();
  const dir = mkdtempSync(path.join(tmpdir(), 'petition-bench-'));
  const dataDir = path.join(dir, 'data');
  mkdirSync(dataDir);
  const dbFile = path.join(dir, 'temporal.sqlite');
  const jwtSecret = randomBytes(32).toString('base64url');
  // One keyring for the bench's children and its own client, as a deployment shares one (PAYLOAD_KEYS).
  const payloadKeys = [generateKey()];
  const children: NodeChild[] = [];
  let server: ServerProcess | undefined;
  let connection: Connection | undefined;
  let stopping: Promise<void> | undefined;
  const extraPids: Record<string, number | undefined> = {};
  let sampler: NodeJS.Timeout | undefined;

  // Every caller (the run's finally, the failure path, a signal) waits for the same, single shutdown.
  const stop = (): Promise<void> => (stopping ??= doStop());
  const doStop = async (): Promise<void> => {
    clearInterval(sampler);
    await connection?.close().catch(() => undefined);
    // The API first, then the workers, then the server: the order of `npm start`.
    for (const child of [...children].reverse()) await child.stop(10_000).catch(() => undefined);
    if (server) await stopServer(server, 10_000);
    if (!opts.keep) rmSync(dir, { recursive: true, force: true });
    else progress.say(`kept ${dir} (SQLite file and logs)`);
    pendingStops.delete(stop);
  };
  pendingStops.add(stop);

  try {
    const uiPort = await freePort();
    let serverOptions: DevServerOptions | undefined;
    progress.say(
      `starting Temporal dev server (${temporalVersion.split('\n')[0]}) on a fresh SQLite file in ${dir}`,
    );
    server = await startOnFreePort(
      (port) => {
        serverOptions = {
          cli: binaries.cli,
          ip: '127.0.0.1',
          port,
          uiPort,
          dbFile,
          searchAttributes: searchAttributeRegistrations,
        };
        const s = startDevServer(serverOptions, 'capture');
        killOnExit(s.child);
        return s;
      },
      { namespace: 'default', timeoutMs: 60_000 },
    );
    const address = server.address;
    const port = Number(address.split(':').pop());
    const apiPort = await freePort();

    const childEnv = (extra: Record<string, string> = {}): NodeJS.ProcessEnv =>
      embeddedDefaultEnv({
        temporalPort: port,
        uiPort,
        dataDir,
        apiPort,
        jwtSecret,
        logLevel: opts.logLevel,
        extra: { PAYLOAD_KEYS: formatKeyList(payloadKeys), ...extra },
      });
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
      BENCH_TEMPORAL_ADDRESS: address,
      BENCH_TASK_QUEUE: BASELINE_TASK_QUEUE,
    });
    const api = spawnChild('api', 'api/server.ts');
    // Started now so that its start-up (bundling) overlaps the others' instead of adding to the run.
    const memTaskQueue = `bench-mem-${randomBytes(3).toString('hex')}`;
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
    connection = await Connection.connect({ address });
    const client = new Client({
      connection,
      namespace: 'default',
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
      apiUrl,
      client,
      connection,
      jwtSecret,
      server,
      worker,
      baselineWorker,
      api,
      memWorker,
      memTaskQueue,
      dbFile,
      devServerArgs: devServerArgs(serverOptions!),
      versions: { temporal: temporalVersion.split('\n')[0] ?? temporalVersion, sdk: sdkVersion() },
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
