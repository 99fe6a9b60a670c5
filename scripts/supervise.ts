/**
 * Helpers of the supervisors (`npm start`, `npm run cluster`): running the product's entry points as child
 * processes, stopping them, and waiting for an API to be ready.
 */
import { spawn, type ChildProcess, type StdioOptions } from 'node:child_process';
import { projectRoot } from './fetch-temporal';

/** A child running one of the product's entry points, and a promise that it reported ready (false: it exited). */
export interface NodeChild {
  child: ChildProcess;
  ready: Promise<boolean>;
}

/**
 * Runs an entry point (worker.ts, api/server.ts) under tsx with an IPC channel: the child reports `{ type: 'ready' }`
 * over it, and stops by itself when the channel closes (its supervisor died), so no child outlives us.
 */
export function startNodeEntry(
  entry: string,
  opts: { env?: NodeJS.ProcessEnv; output?: 'inherit' | 'pipe'; detached?: boolean } = {},
): NodeChild {
  const out = opts.output ?? 'inherit';
  const stdio: StdioOptions = ['ignore', out, out, 'ipc'];
  const child = spawn(process.execPath, ['--import', 'tsx', entry], {
    cwd: projectRoot,
    env: opts.env ?? process.env,
    stdio,
    detached: opts.detached ?? false,
  });
  const ready = new Promise<boolean>((resolve) => {
    child.on('message', (msg: { type?: string }) => {
      if (msg?.type === 'ready') resolve(true);
    });
    child.once('exit', () => resolve(false));
    child.once('error', () => resolve(false));
  });
  return { child, ready };
}

/** True while the child has not exited. */
export function running(child: ChildProcess): boolean {
  return child.exitCode === null && child.signalCode === null;
}

/** SIGTERM, then SIGKILL after `graceMs` (calling `onKill` first); resolves when the child has exited. */
export async function stopChild(child: ChildProcess, graceMs: number, onKill?: () => void): Promise<void> {
  if (!running(child)) return;
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  child.kill('SIGTERM');
  const timer = setTimeout(() => {
    onKill?.();
    child.kill('SIGKILL');
  }, graceMs);
  await exited;
  clearTimeout(timer);
}

/**
 * Polls `url` (an API's /readyz) until it answers 2xx, for at most `timeoutMs` or while `wanted()` holds. Returns
 * undefined when ready, else the last reason it was not.
 */
export async function waitUntilReady(
  url: string,
  timeoutMs: number,
  wanted: () => boolean = () => true,
): Promise<string | undefined> {
  const deadline = Date.now() + timeoutMs;
  let last = 'not asked yet';
  while (Date.now() < deadline && wanted()) {
    try {
      const res = await fetch(url);
      if (res.ok) return undefined;
      last = ((await res.json()) as { message?: string }).message ?? `HTTP ${res.status}`;
    } catch (err) {
      last = err instanceof Error ? err.message : String(err);
    }
    await new Promise((r) => setTimeout(r, 250));
  }
  return last;
}

/** `http://host:port`, with brackets around an IPv6 host. */
export function httpUrl(host: string, port: number): string {
  return `http://${host.includes(':') ? `[${host}]` : host}:${port}`;
}
