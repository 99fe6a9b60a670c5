/**
 * Builds the web console (web/) into dist/console with Vite, when it is missing or older than its sources
 * (`npm run console:build`; `npm start` and the browser tests call {@link ensureConsoleBuilt}). Whether a build is
 * stale is decided by a hash of every file under web/, of the pe: moddle descriptor it bundles and of
 * package-lock.json, kept in dist/console/build-info.json, so an up-to-date console costs a few milliseconds. The
 * build goes to a temporary folder first and replaces the old one at the end: an API serving the console never sees
 * half a build.
 */
import { spawn } from 'node:child_process';
import { createHash } from 'node:crypto';
import {
  existsSync,
  mkdirSync,
  readdirSync,
  readFileSync,
  renameSync,
  rmSync,
  statSync,
  writeFileSync,
} from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const root = fileURLToPath(new URL('..', import.meta.url));
const webDir = path.join(root, 'web');
/** Where the API serves the console from (api/routes/console.ts `defaultConsoleDir`). */
export const consoleDistDir = path.join(root, 'dist', 'console');
const infoFile = (dir: string) => path.join(dir, 'build-info.json');

function filesUnder(dir: string): string[] {
  const out: string[] = [];
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    if (entry.name === 'node_modules' || entry.name.startsWith('.')) continue;
    const full = path.join(dir, entry.name);
    if (entry.isDirectory()) out.push(...filesUnder(full));
    else if (entry.isFile()) out.push(full);
  }
  return out;
}

/** Files outside web/ the console bundles: the pe: moddle descriptor the designer's editor loads into bpmn-js. */
const sharedFiles = [path.join(root, 'definitions', 'bpmn', 'pe.json')];

/** The hash of what the build depends on: web/, the shared files and the exact versions installed. */
export function consoleSourceHash(): string {
  const hash = createHash('sha256');
  const lock = path.join(root, 'package-lock.json');
  for (const file of [...filesUnder(webDir).sort(), ...sharedFiles, ...(existsSync(lock) ? [lock] : [])]) {
    hash.update(path.relative(root, file)).update('\0').update(readFileSync(file)).update('\0');
  }
  return hash.digest('hex');
}

/** Whether dist/console holds a build of the current sources. */
export function consoleUpToDate(dir = consoleDistDir): boolean {
  try {
    const info = JSON.parse(readFileSync(infoFile(dir), 'utf8')) as { sourceHash?: string };
    return info.sourceHash === consoleSourceHash() && existsSync(path.join(dir, 'index.html'));
  } catch {
    return false;
  }
}

/** Thrown when the console cannot be built here (Vite missing, or the build failed). */
export class ConsoleBuildError extends Error {
  override name = 'ConsoleBuildError';
}

function runVite(outDir: string): Promise<void> {
  const vite = path.join(root, 'node_modules', 'vite', 'bin', 'vite.js');
  if (!existsSync(vite)) {
    return Promise.reject(
      new ConsoleBuildError(
        'Vite is not installed (installed with --omit=dev?): run `npm ci` to build the console; the API answers 503 on /console/ until then.',
      ),
    );
  }
  return new Promise((resolve, reject) => {
    const child = spawn(
      process.execPath,
      [
        vite,
        'build',
        '--mode',
        'production',
        '--config',
        path.join(webDir, 'vite.config.ts'),
        '--outDir',
        outDir,
        '--emptyOutDir',
      ],
      // NODE_ENV decides React's and Ant Design's production builds; a caller's (vitest sets "test") must not leak in.
      { cwd: root, stdio: ['ignore', 'pipe', 'pipe'], env: { ...process.env, NODE_ENV: 'production' } },
    );
    let output = '';
    child.stdout.on('data', (d: Buffer) => (output += d.toString()));
    child.stderr.on('data', (d: Buffer) => (output += d.toString()));
    child.on('error', (err) => reject(new ConsoleBuildError(`Vite could not start: ${err.message}`)));
    child.on('exit', (code) =>
      code === 0
        ? resolve()
        : reject(new ConsoleBuildError(`Vite failed (exit code ${code}):\n${output.slice(-4000)}`)),
    );
  });
}

/** Takes a lock folder so that two processes (tests in parallel, npm start) do not build at once. */
async function withLock<T>(fn: () => Promise<T>, timeoutMs: number): Promise<T> {
  const lock = path.join(root, 'dist', '.console-build.lock');
  mkdirSync(path.dirname(lock), { recursive: true });
  const until = Date.now() + timeoutMs;
  for (;;) {
    try {
      mkdirSync(lock);
      break;
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== 'EEXIST') throw err;
      // A lock older than the longest build was left by a killed process.
      if (Date.now() - statSync(lock).mtimeMs > timeoutMs) rmSync(lock, { recursive: true, force: true });
      else if (Date.now() > until) throw new ConsoleBuildError(`another console build holds ${lock}`);
      else await new Promise((r) => setTimeout(r, 250));
    }
  }
  try {
    return await fn();
  } finally {
    rmSync(lock, { recursive: true, force: true });
  }
}

/**
 * Builds the console unless dist/console is up to date. Resolves with whether it built; rejects with
 * {@link ConsoleBuildError} when it cannot.
 */
export async function ensureConsoleBuilt(
  opts: { force?: boolean; log?: (line: string) => void; timeoutMs?: number } = {},
): Promise<boolean> {
  if (!opts.force && consoleUpToDate()) return false;
  return await withLock(async () => {
    if (!opts.force && consoleUpToDate()) return false;
    const started = Date.now();
    opts.log?.('building the web console (web/ → dist/console) …');
    const sourceHash = consoleSourceHash();
    const tmp = `${consoleDistDir}.tmp-${process.pid}`;
    rmSync(tmp, { recursive: true, force: true });
    try {
      await runVite(tmp);
      writeFileSync(infoFile(tmp), `${JSON.stringify({ sourceHash, builtAt: new Date().toISOString() })}\n`);
      const old = `${consoleDistDir}.old-${process.pid}`;
      if (existsSync(consoleDistDir)) renameSync(consoleDistDir, old);
      renameSync(tmp, consoleDistDir);
      rmSync(old, { recursive: true, force: true });
    } finally {
      rmSync(tmp, { recursive: true, force: true });
    }
    opts.log?.(`web console built in ${((Date.now() - started) / 1000).toFixed(1)} s`);
    return true;
  }, opts.timeoutMs ?? 300_000);
}

if (process.argv[1] && fileURLToPath(import.meta.url) === path.resolve(process.argv[1])) {
  try {
    const built = await ensureConsoleBuilt({
      force: process.argv.includes('--force'),
      log: (line) => process.stdout.write(`${line}\n`),
    });
    if (!built) process.stdout.write('the web console is up to date (dist/console); --force rebuilds it\n');
  } catch (err) {
    process.stderr.write(`${err instanceof Error ? err.message : String(err)}\n`);
    process.exit(1);
  }
}
