/**
 * What the cluster runs on, installed when missing: PostgreSQL from Debian's packages, and Temporal's server and
 * schema tool built from the server's Go module into `.cluster/bin` (git-ignored), once per version.
 * `npm run cluster:install` does only this (CI runs it as a step of its own, so the build time shows).
 */
import { spawnSync } from 'node:child_process';
import { accessSync, constants, mkdirSync, mkdtempSync, readdirSync, renameSync, rmSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { projectRoot } from '../../scripts/fetch-temporal';
import { GO_TOOLCHAIN, TEMPORAL_SERVER_VERSION } from './settings';

/** Thrown when a prerequisite is missing and cannot be installed; the message says what to do. */
export class ClusterInstallError extends Error {
  override name = 'ClusterInstallError';
}

type Say = (line: string) => void;

/** Where the built server binaries live. */
export const clusterBinDir = path.join(projectRoot, '.cluster', 'bin');

function isExecutable(file: string): boolean {
  try {
    accessSync(file, constants.X_OK);
    return true;
  } catch {
    return false;
  }
}

function run(
  command: string,
  args: string[],
  opts: { env?: NodeJS.ProcessEnv; say: Say; what: string },
): void {
  opts.say(`$ ${command} ${args.join(' ')}`);
  const result = spawnSync(command, args, {
    stdio: ['ignore', 'inherit', 'inherit'],
    env: opts.env ?? process.env,
  });
  if (result.error)
    throw new ClusterInstallError(`${opts.what}: could not run ${command}: ${result.error.message}`);
  if (result.status !== 0) {
    throw new ClusterInstallError(
      `${opts.what}: \`${command} ${args.join(' ')}\` exited with ${result.status ?? result.signal}`,
    );
  }
}

/** PostgreSQL's server programs. */
export interface PostgresBinaries {
  binDir: string;
  initdb: string;
  pgCtl: string;
  psql: string;
  /** Major version, e.g. 15. */
  major: number;
}

function postgresIn(binDir: string): PostgresBinaries | undefined {
  const files = { initdb: 'initdb', pgCtl: 'pg_ctl', psql: 'psql' };
  const found = Object.fromEntries(
    Object.entries(files).map(([key, name]) => [key, path.join(binDir, name)]),
  ) as Record<keyof typeof files, string>;
  if (!Object.values(found).every(isExecutable)) return undefined;
  const version = spawnSync(found.pgCtl, ['--version'], { encoding: 'utf8' }).stdout ?? '';
  const major = Number(/\b(\d+)(?:\.\d+)?/.exec(version)?.[1] ?? NaN);
  return { binDir, ...found, major };
}

function newestDebianPostgres(): PostgresBinaries | undefined {
  const root = '/usr/lib/postgresql';
  let versions: string[] = [];
  try {
    versions = readdirSync(root).filter((v) => /^\d+$/.test(v));
  } catch {
    return undefined;
  }
  for (const v of versions.sort((a, b) => Number(b) - Number(a))) {
    const found = postgresIn(path.join(root, v, 'bin'));
    if (found) return found;
  }
  return undefined;
}

/**
 * Finds `initdb`, `pg_ctl` and `psql` (CLUSTER_PG_BIN, else the newest /usr/lib/postgresql/N/bin), installing
 * Debian's `postgresql` package first when they are missing and we are root. Temporal's `postgres12` plugin
 * needs PostgreSQL 12 or newer.
 */
export function ensurePostgres(binDir: string | undefined, say: Say): PostgresBinaries {
  let found: PostgresBinaries | undefined;
  if (binDir) {
    found = postgresIn(binDir);
    if (!found) {
      throw new ClusterInstallError(
        `CLUSTER_PG_BIN is ${binDir}, but initdb, pg_ctl and psql are not all there (and executable).`,
      );
    }
  } else {
    found = newestDebianPostgres();
    if (!found) {
      if (process.getuid?.() !== 0) {
        throw new ClusterInstallError(
          'PostgreSQL is not installed (no initdb/pg_ctl under /usr/lib/postgresql/*/bin). Install it ' +
            '(`sudo apt-get install --no-install-recommends postgresql`) or set CLUSTER_PG_BIN to a directory holding initdb, pg_ctl and psql.',
        );
      }
      say('PostgreSQL is not installed: installing Debian\'s "postgresql" package ...');
      const env = { ...process.env, DEBIAN_FRONTEND: 'noninteractive' };
      const what = 'Installing PostgreSQL';
      run('apt-get', ['update', '-qq'], { env, say, what });
      run('apt-get', ['install', '-y', '-qq', '--no-install-recommends', 'postgresql'], { env, say, what });
      found = newestDebianPostgres();
      if (!found) {
        throw new ClusterInstallError(
          'Installed the "postgresql" package, but found no initdb/pg_ctl under /usr/lib/postgresql/*/bin.',
        );
      }
    }
  }
  if (!(found.major >= 12)) {
    throw new ClusterInstallError(
      `PostgreSQL in ${found.binDir} is version ${found.major}; Temporal's postgres12 plugin needs 12 or newer.`,
    );
  }
  return found;
}

/** The Temporal server and its SQL schema tool. */
export interface TemporalServerBinaries {
  server: string;
  sqlTool: string;
}

const serverBinaries: TemporalServerBinaries = {
  server: path.join(clusterBinDir, 'temporal-server'),
  sqlTool: path.join(clusterBinDir, 'temporal-sql-tool'),
};

/** The version a binary reports (`temporal version 1.32.2` → `1.32.2`), or undefined when it does not run. */
function reportedVersion(binary: string): string | undefined {
  if (!isExecutable(binary)) return undefined;
  const result = spawnSync(binary, ['--version'], { encoding: 'utf8', timeout: 30_000 });
  return /(\d+\.\d+\.\d+)/.exec(`${result.stdout ?? ''} ${result.stderr ?? ''}`)?.[1];
}

function findGo(): string {
  for (const candidate of ['go', '/usr/local/go/bin/go']) {
    const result = spawnSync(candidate, ['version'], { encoding: 'utf8' });
    const minor = Number(/go1\.(\d+)/.exec(result.stdout ?? '')?.[1] ?? NaN);
    if (result.status === 0 && minor >= 21) return candidate;
  }
  throw new ClusterInstallError(
    `Building the Temporal server needs Go 1.21 or newer on PATH (it then fetches the ${GO_TOOLCHAIN} toolchain ` +
      'from the Go module proxy by itself). Install Go, or build the server elsewhere and put temporal-server and ' +
      `temporal-sql-tool (v${TEMPORAL_SERVER_VERSION}) into ${path.relative(process.cwd(), clusterBinDir) || clusterBinDir}.`,
  );
}

/**
 * Returns the Temporal server and schema tool of {@link TEMPORAL_SERVER_VERSION}, building them with `go install`
 * when absent or of another version (minutes on 2 cores the first time; the Go caches make a rebuild quick). The
 * build goes to a staging folder renamed into place, so an interrupted build never leaves a half binary.
 */
export function ensureTemporalServer(say: Say): TemporalServerBinaries {
  const current = Object.values(serverBinaries).every((b) => reportedVersion(b) === TEMPORAL_SERVER_VERSION);
  if (current) return serverBinaries;

  const go = findGo();
  mkdirSync(path.dirname(clusterBinDir), { recursive: true });
  const staging = mkdtempSync(path.join(path.dirname(clusterBinDir), 'build-'));
  const started = Date.now();
  try {
    say(
      `Building Temporal server v${TEMPORAL_SERVER_VERSION} and temporal-sql-tool from the Go module ` +
        `go.temporal.io/server with ${GO_TOOLCHAIN} into ${path.relative(process.cwd(), clusterBinDir)} ` +
        '(several minutes the first time) ...',
    );
    run(
      go,
      [
        'install',
        `go.temporal.io/server/cmd/server@v${TEMPORAL_SERVER_VERSION}`,
        `go.temporal.io/server/cmd/tools/sql@v${TEMPORAL_SERVER_VERSION}`,
      ],
      {
        env: { ...process.env, GOTOOLCHAIN: GO_TOOLCHAIN, GOBIN: staging, GOFLAGS: '-buildvcs=false' },
        say,
        what: 'Building the Temporal server',
      },
    );
    mkdirSync(clusterBinDir, { recursive: true });
    renameSync(path.join(staging, 'server'), serverBinaries.server);
    renameSync(path.join(staging, 'sql'), serverBinaries.sqlTool);
  } catch (err) {
    if (err instanceof ClusterInstallError) {
      throw new ClusterInstallError(
        `${err.message}. The build needs the Go module proxy (GOPROXY) and a few GB of disk for the Go caches.`,
      );
    }
    throw err;
  } finally {
    rmSync(staging, { recursive: true, force: true });
  }
  for (const binary of Object.values(serverBinaries)) {
    const version = reportedVersion(binary);
    if (version !== TEMPORAL_SERVER_VERSION) {
      throw new ClusterInstallError(
        `Built ${binary}, but it reports version ${version ?? 'nothing'} instead of ${TEMPORAL_SERVER_VERSION}.`,
      );
    }
  }
  say(`Built the Temporal server in ${((Date.now() - started) / 1000).toFixed(0)} s.`);
  return serverBinaries;
}

const invokedDirectly =
  process.argv[1] !== undefined && path.resolve(process.argv[1]) === fileURLToPath(import.meta.url);
if (invokedDirectly) {
  const say = (line: string): void => void process.stderr.write(`[cluster:install] ${line}\n`);
  try {
    const started = Date.now();
    const pg = ensurePostgres(process.env.CLUSTER_PG_BIN?.trim() || undefined, say);
    const temporal = ensureTemporalServer(say);
    process.stdout.write(
      `PostgreSQL ${pg.major}:       ${pg.binDir}\n` +
        `temporal-server:     ${temporal.server} (v${TEMPORAL_SERVER_VERSION})\n` +
        `temporal-sql-tool:   ${temporal.sqlTool}\n` +
        `ready in ${((Date.now() - started) / 1000).toFixed(0)} s\n`,
    );
  } catch (err) {
    process.stderr.write(`${err instanceof Error ? err.message : String(err)}\n`);
    process.exit(1);
  }
}
