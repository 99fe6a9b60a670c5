/**
 * The cluster's own PostgreSQL: a data folder of its own made by `initdb`, started and stopped with `pg_ctl` on
 * 127.0.0.1 and a port of its own, so the machine's system cluster (Debian's 15/main) is never touched. PostgreSQL
 * refuses to run as root: as root the folder belongs to, and the server runs as, Debian's `postgres` user.
 */
import { spawnSync, type SpawnSyncOptions } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { chownSync, existsSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import type { PostgresBinaries } from './install';
import type { ClusterSettings } from './settings';

/** Thrown when PostgreSQL cannot be set up or started; the message says why and where to look. */
export class PostgresError extends Error {
  override name = 'PostgresError';
}

/** The account PostgreSQL runs as: ourselves, or `postgres` when we are root. */
export interface PostgresAccount {
  name: string;
  uid?: number;
  gid?: number;
}

/** Who runs PostgreSQL: the current user, or Debian's `postgres` user when running as root. */
export function postgresAccount(): PostgresAccount {
  if (process.getuid?.() !== 0) return { name: process.env.USER ?? 'the current user' };
  const id = (flag: string) =>
    Number(spawnSync('id', [flag, 'postgres'], { encoding: 'utf8' }).stdout.trim());
  const uid = id('-u');
  const gid = id('-g');
  if (!Number.isInteger(uid) || uid <= 0 || !Number.isInteger(gid)) {
    throw new PostgresError(
      'Running as root, PostgreSQL must run as another user, but there is no "postgres" user (Debian\'s postgresql package creates it). Run as an ordinary user, or create one.',
    );
  }
  return { name: 'postgres', uid, gid };
}

function runAs(
  account: PostgresAccount,
  command: string,
  args: string[],
  opts: SpawnSyncOptions = {},
): { status: number | null; output: string } {
  const result = spawnSync(command, args, {
    encoding: 'utf8',
    ...opts,
    ...(account.uid !== undefined && { uid: account.uid, gid: account.gid }),
    // Our working directory may not be readable by the postgres user; its programs do not need it.
    cwd: '/',
  });
  if (result.error) throw new PostgresError(`could not run ${command}: ${result.error.message}`);
  return { status: result.status, output: `${result.stdout ?? ''}${result.stderr ?? ''}`.trim() };
}

/** The password Temporal's database role uses: created (256 random bits, mode 0600) at the first start. */
export function databasePassword(settings: ClusterSettings): string {
  const file = settings.database.passwordFile;
  if (!existsSync(file)) {
    mkdirSync(path.dirname(file), { recursive: true });
    writeFileSync(file, `${randomBytes(24).toString('base64url')}\n`, { mode: 0o600, flag: 'wx' });
  }
  return readFileSync(file, 'utf8').trim();
}

function tail(file: string, lines = 20): string {
  try {
    return readFileSync(file, 'utf8').trimEnd().split('\n').slice(-lines).join('\n');
  } catch {
    return '';
  }
}

/** Makes a folder owned by the PostgreSQL account, checking that account can reach it through every parent. */
function ownedFolder(dir: string, account: PostgresAccount, mode: number): void {
  mkdirSync(dir, { recursive: true, mode });
  if (account.uid !== undefined) {
    chownSync(dir, account.uid, account.gid!);
    if (runAs(account, 'test', ['-w', dir]).status !== 0) {
      throw new PostgresError(
        `The "postgres" user cannot write ${dir}: one of its parent folders is closed to other users. ` +
          'Put the cluster under a folder others may traverse (chmod o+x on the parents) or set CLUSTER_DIR / CLUSTER_PG_DATA elsewhere.',
      );
    }
  }
}

/**
 * Creates the data folder with `initdb` unless it holds a cluster already. The superuser is Temporal's role, with
 * a password (scram-sha-256 for every connection), so nothing reaches the databases without the password file.
 * Returns true when the cluster was created now.
 */
export function initPostgres(
  settings: ClusterSettings,
  pg: PostgresBinaries,
  account: PostgresAccount,
  password: string,
): boolean {
  const { dataDir, socketDir } = settings.postgres;
  ownedFolder(socketDir, account, 0o700);
  if (existsSync(path.join(dataDir, 'PG_VERSION'))) return false;
  ownedFolder(dataDir, account, 0o700);
  // initdb reads the password from a file (a pipe as /dev/stdin fails); it lives only for this call, readable
  // only by the account that runs initdb.
  const pwfile = path.join(socketDir, 'initdb-password');
  writeFileSync(pwfile, `${password}\n`, { mode: 0o600 });
  if (account.uid !== undefined) chownSync(pwfile, account.uid, account.gid!);
  let result;
  try {
    result = runAs(account, pg.initdb, [
      ...['-D', dataDir, '-U', settings.database.user, `--pwfile=${pwfile}`],
      ...['--auth=scram-sha-256', '--encoding=UTF8', '--locale=C'],
    ]);
  } finally {
    rmSync(pwfile, { force: true });
  }
  if (result.status !== 0) {
    throw new PostgresError(`initdb into ${dataDir} failed (as ${account.name}):\n${result.output}`);
  }
  return true;
}

function pgCtl(pg: PostgresBinaries, account: PostgresAccount, args: string[]) {
  return runAs(account, pg.pgCtl, args);
}

/** True when a postmaster runs on this data folder. */
export function postgresRunning(
  settings: ClusterSettings,
  pg: PostgresBinaries,
  account: PostgresAccount,
): boolean {
  return pgCtl(pg, account, ['status', '-D', settings.postgres.dataDir]).status === 0;
}

/** Starts the server on 127.0.0.1 and the configured port, and waits until it accepts connections. */
export function startPostgres(
  settings: ClusterSettings,
  pg: PostgresBinaries,
  account: PostgresAccount,
): void {
  const { dataDir, socketDir, logFile, port } = settings.postgres;
  const options = `-p ${port} -k ${socketDir} -c listen_addresses=${settings.host}`;
  const result = pgCtl(pg, account, [
    'start',
    '-D',
    dataDir,
    '-l',
    logFile,
    '-w',
    '-t',
    '120',
    '-o',
    options,
  ]);
  if (result.status !== 0) {
    throw new PostgresError(
      `PostgreSQL did not start on ${settings.host}:${port} (data ${dataDir}):\n${result.output}\n` +
        `Last lines of ${logFile}:\n${tail(logFile)}`,
    );
  }
}

/** Stops the server: `pg_ctl stop -m fast` (rolls back open transactions, checkpoints, exits). */
export function stopPostgres(
  settings: ClusterSettings,
  pg: PostgresBinaries,
  account: PostgresAccount,
): void {
  const result = pgCtl(pg, account, [
    'stop',
    '-D',
    settings.postgres.dataDir,
    '-m',
    'fast',
    '-w',
    '-t',
    '60',
  ]);
  if (result.status !== 0 && postgresRunning(settings, pg, account)) {
    throw new PostgresError(`pg_ctl stop failed:\n${result.output}`);
  }
}

/** Runs one SQL statement as Temporal's role and returns its unaligned output. */
export function psql(
  settings: ClusterSettings,
  pg: PostgresBinaries,
  password: string,
  database: string,
  sql: string,
): string {
  const result = spawnSync(
    pg.psql,
    [
      ...['-h', settings.host, '-p', String(settings.postgres.port)],
      ...['-U', settings.database.user, '-d', database, '-tA', '-c', sql],
    ],
    { encoding: 'utf8', env: { ...process.env, PGPASSWORD: password, PGCONNECT_TIMEOUT: '10' } },
  );
  if (result.status !== 0) throw new PostgresError(`psql failed on "${sql}": ${result.stderr.trim()}`);
  return result.stdout.trim();
}
