/**
 * Child processes of the bench (worker, baseline worker, API) and what they cost: CPU seconds and resident memory
 * read from /proc, so every process is measured on its own. Children get an IPC channel: worker.ts and
 * api/server.ts stop when it closes, so none outlives the bench even if the bench is killed hard.
 */
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { openSync, readFileSync, closeSync } from 'node:fs';
import { configVariableNames } from '../../config';

const clockTicks = (() => {
  const r = spawnSync('getconf', ['CLK_TCK'], { encoding: 'utf8' });
  const n = Number(r.stdout?.trim());
  return Number.isFinite(n) && n > 0 ? n : 100;
})();

/** User + system CPU seconds of a process so far (undefined when it is gone or /proc is absent). */
export function cpuSeconds(pid: number | undefined): number | undefined {
  if (pid === undefined) return undefined;
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    // Fields after the command name (which may hold spaces) start at index 2 = state; utime is field 14, stime 15.
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    return (Number(fields[11]) + Number(fields[12])) / clockTicks;
  } catch {
    return undefined;
  }
}

/** Resident set size of a process in bytes. */
export function rssBytes(pid: number | undefined): number | undefined {
  if (pid === undefined) return undefined;
  try {
    const status = readFileSync(`/proc/${pid}/status`, 'utf8');
    const m = /VmRSS:\s+(\d+)\s+kB/.exec(status);
    return m ? Number(m[1]) * 1024 : undefined;
  } catch {
    return undefined;
  }
}

export interface NodeChild {
  name: string;
  child: ChildProcess;
  /** Resolves on the child's `{ type: 'ready' }` IPC message; rejects if it exits first or after the timeout. */
  ready: Promise<unknown>;
  /** Sends an IPC request and resolves with the first reply of type `reply`. */
  request<T>(message: { type: string }, reply: string, timeoutMs?: number): Promise<T>;
  stop(graceMs?: number): Promise<void>;
  logFile: string;
}

/** Runs `node --import tsx entry` with an IPC channel; stdout/stderr go to `logFile`. */
export function spawnNode(
  name: string,
  entry: string,
  opts: {
    cwd: string;
    env: NodeJS.ProcessEnv;
    logFile: string;
    nodeArgs?: string[];
    readyTimeoutMs?: number;
  },
): NodeChild {
  const fd = openSync(opts.logFile, 'a');
  const child = spawn(process.execPath, [...(opts.nodeArgs ?? []), '--import', 'tsx', entry], {
    cwd: opts.cwd,
    env: opts.env,
    stdio: ['ignore', fd, fd, 'ipc'],
    detached: false,
  });
  closeSync(fd);
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  const ready = new Promise<unknown>((resolve, reject) => {
    const timer = setTimeout(
      () =>
        reject(
          new Error(
            `${name} did not report ready within ${(opts.readyTimeoutMs ?? 120_000) / 1000} s (log: ${opts.logFile})`,
          ),
        ),
      opts.readyTimeoutMs ?? 120_000,
    );
    child.on('message', (msg: { type?: string }) => {
      if (msg?.type === 'ready') {
        clearTimeout(timer);
        resolve(msg);
      }
    });
    child.once('exit', (code, signal) => {
      clearTimeout(timer);
      reject(
        new Error(
          `${name} exited (code ${code}, signal ${signal}) before it was ready; log: ${opts.logFile}\n${tail(opts.logFile)}`,
        ),
      );
    });
  });
  ready.catch(() => undefined);
  return {
    name,
    child,
    ready,
    logFile: opts.logFile,
    request<T>(message: { type: string }, reply: string, timeoutMs = 30_000): Promise<T> {
      return new Promise<T>((resolve, reject) => {
        const timer = setTimeout(() => {
          child.off('message', onMessage);
          reject(new Error(`${name} did not answer ${message.type} within ${timeoutMs / 1000} s`));
        }, timeoutMs);
        const onMessage = (msg: { type?: string }): void => {
          if (msg?.type !== reply) return;
          clearTimeout(timer);
          child.off('message', onMessage);
          resolve(msg as T);
        };
        child.on('message', onMessage);
        child.send(message);
      });
    },
    async stop(graceMs = 15_000): Promise<void> {
      if (child.exitCode !== null || child.signalCode !== null) return;
      child.kill('SIGTERM');
      const timer = setTimeout(() => child.kill('SIGKILL'), graceMs);
      await exited;
      clearTimeout(timer);
    },
  };
}

/** Processes to kill outright if this process exits without having stopped them (a crash between start and stop). */
const started = new Set<Pick<ChildProcess, 'exitCode' | 'signalCode' | 'kill'>>();
process.on('exit', () => {
  for (const child of started)
    if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
});

/** Registers a child process to be killed if we exit while it still runs; returns it. */
export function killOnExit<T extends Pick<ChildProcess, 'exitCode' | 'signalCode' | 'kill'>>(child: T): T {
  started.add(child);
  return child;
}

/** Where a product child process (worker.ts, api/server.ts) finds Temporal, its data and its port. */
export interface EmbeddedDefaultSettings {
  temporalPort: number;
  uiPort?: number;
  dataDir: string;
  apiPort: number;
  logLevel: string;
  /** Unset: the API keeps its signing secret in DATA_DIR/jwt-secret, as the embedded default does. */
  jwtSecret?: string;
  extra?: Record<string, string>;
}

/**
 * The environment of a product child process configured as `npm start` configures it (127.0.0.1, the embedded
 * default), with none of the caller's product configuration leaking in. The rate limit is lifted: the default
 * (600 a minute per token) would refuse any load test at once.
 */
export function embeddedDefaultEnv(s: EmbeddedDefaultSettings): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = { ...process.env };
  for (const name of configVariableNames) delete env[name];
  return {
    ...env,
    TEMPORAL_PORT: String(s.temporalPort),
    ...(s.uiPort !== undefined && { TEMPORAL_UI_PORT: String(s.uiPort) }),
    DATA_DIR: s.dataDir,
    API_HOST: '127.0.0.1',
    API_PORT: String(s.apiPort),
    ...(s.jwtSecret !== undefined && { JWT_SECRET: s.jwtSecret }),
    API_RATE_LIMIT_MAX: '1000000000',
    LOG_LEVEL: s.logLevel,
    LOG_FORMAT: 'json',
    ...s.extra,
  };
}

/** The last lines of a log file, for error messages. */
export function tail(file: string, bytes = 2000): string {
  try {
    const text = readFileSync(file, 'utf8');
    return text.slice(-bytes);
  } catch {
    return '';
  }
}

/** CPU seconds of each measured process between two instants. */
export class CpuMeter {
  constructor(private readonly pids: () => Record<string, number | undefined>) {}

  snapshot(): { at: number; cpu: Record<string, number | undefined> } {
    const cpu: Record<string, number | undefined> = {};
    for (const [name, pid] of Object.entries(this.pids())) cpu[name] = cpuSeconds(pid);
    const self = process.cpuUsage();
    cpu['bench'] = (self.user + self.system) / 1e6;
    return { at: performance.now(), cpu };
  }

  /** CPU used between `from` and now, as seconds and as a share of one core. */
  since(from: ReturnType<CpuMeter['snapshot']>): {
    wallS: number;
    seconds: Record<string, number>;
    coreShare: Record<string, number>;
  } {
    const to = this.snapshot();
    const wallS = (to.at - from.at) / 1000;
    const seconds: Record<string, number> = {};
    const coreShare: Record<string, number> = {};
    for (const [name, value] of Object.entries(to.cpu)) {
      const before = from.cpu[name];
      if (value === undefined || before === undefined) continue;
      seconds[name] = Number((value - before).toFixed(2));
      coreShare[name] = Number(((value - before) / wallS).toFixed(3));
    }
    return { wallS: Number(wallS.toFixed(2)), seconds, coreShare };
  }
}
