/**
 * `npm run cluster` as the cluster test runs it: the real supervisor (deploy/cluster.ts) as a child process on free
 * 127.0.0.1 ports and a scratch DATA_DIR, plus HTTP calls to its APIs and tokens from `npm run -s token`.
 */
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { projectRoot } from '../../scripts/fetch-temporal';
import { freePort, portInUse } from '../../scripts/temporal-servers';

/** What the supervisor writes to CLUSTER_DIR/cluster.json once everything is ready. */
export interface ClusterState {
  supervisorPid: number;
  postgres: { address: string; dataDir: string };
  temporal: {
    address: string;
    httpAddress: string;
    metricsUrl: string;
    namespace: string;
    taskQueue: string;
    pid: number;
  };
  apis: Array<{ name: string; url: string; pid: number }>;
  workers: Array<{ name: string; pid: number }>;
  dataDir: string;
}

export interface RunningCluster {
  process: ChildProcess;
  state: ClusterState;
  /** Everything the supervisor printed so far (the last 20 MB). */
  output(): string;
  /** Seconds from spawn to "Cluster ready". */
  readySeconds: number;
}

/**
 * A port `p` below 32768 such that p … p+count-1 are all free: Temporal's services take consecutive ports, and its
 * PostgreSQL schema stores membership ports as SMALLINT (the OS's own free ports are all above 32767).
 */
export async function freePortRun(count: number): Promise<number> {
  for (let attempt = 0; attempt < 50; attempt++) {
    const base = 20_000 + Math.floor(Math.random() * (32_768 - 20_000 - count));
    let free = true;
    for (let p = base; p < base + count && free; p++) free = !(await portInUse(p));
    if (free) return base;
  }
  throw new Error(`found no ${count} consecutive free ports between 20000 and 32767 on 127.0.0.1`);
}

/** The environment of a cluster on free ports, with its data under `dataDir`. */
export async function clusterEnvironment(dataDir: string): Promise<NodeJS.ProcessEnv> {
  const temporal = await freePortRun(10);
  const taken = new Set(Array.from({ length: 10 }, (_, i) => temporal + i));
  const others: number[] = [];
  while (others.length < 3) {
    const p = await freePort();
    if (!taken.has(p) && !others.includes(p)) others.push(p);
  }
  const env: NodeJS.ProcessEnv = {
    ...process.env,
    DATA_DIR: dataDir,
    CLUSTER_PG_PORT: String(others[0]),
    CLUSTER_TEMPORAL_PORT: String(temporal),
    CLUSTER_API_PORTS: `${others[1]},${others[2]}`,
    LOG_FORMAT: 'json',
    // The supervisor reports each stop at info level; the test reads those lines.
    LOG_LEVEL: 'info',
  };
  for (const name of [
    'TEMPORAL_ADDRESS',
    'CLUSTER_DIR',
    'CLUSTER_PG_DATA',
    'CLUSTER_METRICS_PORT',
    'JWT_SECRET',
  ]) {
    delete env[name];
  }
  return env;
}

/**
 * Starts the supervisor and waits for its "Cluster ready" line (the first start may build the Temporal server:
 * minutes). It gets an IPC channel, so it stops everything by itself if this test process dies.
 */
export async function startCluster(env: NodeJS.ProcessEnv, timeoutMs = 25 * 60_000): Promise<RunningCluster> {
  const started = Date.now();
  const child = spawn(process.execPath, ['--import', 'tsx', 'deploy/cluster.ts'], {
    cwd: projectRoot,
    env,
    stdio: ['ignore', 'pipe', 'pipe', 'ipc'],
  });
  let text = '';
  const keep = (chunk: Buffer): void => {
    text = (text + chunk.toString('utf8')).slice(-20_000_000);
  };
  child.stdout!.on('data', keep);
  child.stderr!.on('data', keep);
  await new Promise<void>((resolve, reject) => {
    const timer = setTimeout(() => {
      child.kill('SIGTERM');
      reject(new Error(`the cluster was not ready within ${timeoutMs / 1000} s:\n${text.slice(-6000)}`));
    }, timeoutMs);
    const check = (): void => {
      if (text.includes('Cluster ready after')) {
        clearTimeout(timer);
        child.stdout!.off('data', check);
        resolve();
      }
    };
    child.stdout!.on('data', check);
    child.once('exit', (code, signal) => {
      clearTimeout(timer);
      reject(
        new Error(
          `the cluster exited (code ${code}, signal ${signal}) before it was ready:\n${text.slice(-6000)}`,
        ),
      );
    });
  });
  const clusterDir = path.join(env.DATA_DIR!, 'cluster');
  const state = JSON.parse(readFileSync(path.join(clusterDir, 'cluster.json'), 'utf8')) as ClusterState;
  return { process: child, state, output: () => text, readySeconds: (Date.now() - started) / 1000 };
}

/** Stops the supervisor with SIGTERM and resolves with its exit code (SIGKILL after `graceMs`). */
export async function stopCluster(cluster: RunningCluster, graceMs = 120_000): Promise<number | null> {
  const { process: child } = cluster;
  if (child.exitCode !== null || child.signalCode !== null) return child.exitCode;
  const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
  child.kill('SIGTERM');
  const timer = setTimeout(() => child.kill('SIGKILL'), graceMs);
  const code = await exited;
  clearTimeout(timer);
  return code;
}

/** True while a process with this pid exists. */
export function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

/** A token from `npm run -s token` in this checkout, with the cluster's DATA_DIR (so the same secret file). */
export function npmToken(env: NodeJS.ProcessEnv, role: string, dept?: string, sub?: string): string {
  const args = [
    'run',
    '-s',
    'token',
    '--',
    role,
    ...(dept ? ['--dept', dept] : []),
    ...(sub ? ['--sub', sub] : []),
  ];
  const result = spawnSync('npm', args, { cwd: projectRoot, env, encoding: 'utf8' });
  if (result.status !== 0) throw new Error(`npm ${args.join(' ')} failed: ${result.stderr}`);
  return result.stdout.trim();
}

/** One HTTP answer: status and parsed JSON body (typed by the caller; the assertions check it). */
export interface Answer<T> {
  status: number;
  body: T;
}

/** Calls an API process over HTTP; a network failure answers status 0 with the error message. */
export async function call<T = { error?: string; message?: string }>(
  baseUrl: string,
  token: string | undefined,
  method: 'GET' | 'POST',
  url: string,
  opts: { body?: unknown; headers?: Record<string, string> } = {},
): Promise<Answer<T>> {
  try {
    const res = await fetch(`${baseUrl}${url}`, {
      method,
      headers: {
        ...(token && { authorization: `Bearer ${token}` }),
        ...(opts.body !== undefined && { 'content-type': 'application/json' }),
        ...opts.headers,
      },
      ...(opts.body !== undefined && { body: JSON.stringify(opts.body) }),
      signal: AbortSignal.timeout(60_000),
    });
    const text = await res.text();
    let body: unknown = text;
    try {
      body = JSON.parse(text);
    } catch {
      // not JSON: keep the text
    }
    return { status: res.status, body: body as T };
  } catch (err) {
    return { status: 0, body: { message: err instanceof Error ? err.message : String(err) } as T };
  }
}
