import { type ChildProcess, fork } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { testPayloadKeys } from '../helpers/temporal';

/**
 * Forks a TypeScript entry point under tsx and waits for its `{ type: 'ready' }` message (at most `ms`). The child
 * gets the run's payload keys (PAYLOAD_KEYS), so it reads and writes what the test process does.
 */
export async function forkReady(
  entry: string,
  args: string[],
  env: Record<string, string>,
  ms = 45_000,
): Promise<{ child: ChildProcess; output: () => string }> {
  let output = '';
  const child = fork(fileURLToPath(new URL(entry, import.meta.url)), args, {
    execArgv: ['--import', 'tsx'],
    env: { ...process.env, PAYLOAD_KEYS: testPayloadKeys(), ...env },
    stdio: ['ignore', 'pipe', 'pipe', 'ipc'],
  });
  child.stdout?.on('data', (d: Buffer) => (output += d.toString()));
  child.stderr?.on('data', (d: Buffer) => (output += d.toString()));
  await new Promise<void>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`${entry} not ready within ${ms} ms:\n${output}`)), ms);
    child.on('message', (m: { type?: string }) => {
      if (m?.type === 'ready') {
        clearTimeout(timer);
        resolve();
      }
    });
    child.on('exit', (code, signal) => {
      clearTimeout(timer);
      reject(new Error(`${entry} exited (${code ?? signal}) before it was ready:\n${output}`));
    });
  });
  return { child, output: () => output };
}

/** Stops a child and waits for it to be gone. */
export async function stopChild(
  child: ChildProcess | undefined,
  signal: NodeJS.Signals = 'SIGTERM',
): Promise<void> {
  if (!child || child.exitCode !== null || child.signalCode !== null) return;
  const gone = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  child.kill(signal);
  await gone;
}
