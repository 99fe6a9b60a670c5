/**
 * Backup and restore of the embedded default's data folder (DATA_DIR), online: the Temporal dev server, the worker
 * and the API keep running while a backup is taken.
 *
 * - The SQLite database (`temporal.sqlite`, every petition's history and the visibility store) is copied with
 *   SQLite's `VACUUM INTO` through Debian's `sqlite3` shell: one read transaction, so the copy is the database as it
 *   stood at one commit (what a crash at that instant would have left, which Temporal recovers from), written
 *   compacted and without a WAL. SQLite's online backup API (`.backup`) restarts whenever another process writes, so
 *   under steady load it may never finish; `VACUUM INTO` does not restart.
 * - Then every other file under DATA_DIR is copied as it is: the signing secret `jwt-secret`, the payload keyring
 *   `payload-keys.json` when there is one, calendar supplements, the file outbox, the archive and department inboxes.
 *   They are copied after the snapshot, so a key added while the backup runs is in the copy with the payloads it
 *   encrypted. Left out: the live database files (`-wal`, `-shm`, `-journal`), the dev server's `temporal.pid`, and
 *   `cluster/` (the `npm run cluster` profile's PostgreSQL, backed up with PostgreSQL's tools).
 * - Everything goes into one gzip'd tar file (mode 0600: it holds the secrets) with a manifest (`manifest.json`)
 *   giving each file's size and SHA-256, written beside the target and renamed into place, so a failed backup never
 *   leaves a partial file under the name asked for.
 *
 * Restore unpacks into a fresh folder, checks every size and checksum and SQLite's `quick_check`, and only then moves
 * the folder into place (mode 0700).
 */
import { spawn } from 'node:child_process';
import { createHash } from 'node:crypto';
import {
  chmodSync,
  copyFileSync,
  existsSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  renameSync,
  rmdirSync,
  rmSync,
  statSync,
  writeFileSync,
} from 'node:fs';
import path from 'node:path';
import * as tar from 'tar';

/** Thrown for anything that stops a backup or a restore; the message says what to do. */
export class BackupError extends Error {
  override name = 'BackupError';
}

/** The embedded default's database file in DATA_DIR (config/index.ts `devServer.dbFile`). */
export const DATABASE_FILE = 'temporal.sqlite';

/**
 * Top-level entries of DATA_DIR that are not copied as files: the live database (copied through SQLite), the dev
 * server's pid, and `cluster/`, the PostgreSQL of the `npm run cluster` profile (a live database directory whose
 * files cannot be copied consistently one by one: back it up with `pg_basebackup`, docs/operations.md).
 */
const NOT_COPIED = new Set([
  DATABASE_FILE,
  `${DATABASE_FILE}-wal`,
  `${DATABASE_FILE}-shm`,
  `${DATABASE_FILE}-journal`,
  'temporal.pid',
  'cluster',
]);

/** Files under DATA_DIR known to hold secrets; any other file readable by its owner only is listed as one too. */
export const SECRET_FILES = ['jwt-secret', 'payload-keys.json'] as const;

const FORMAT = 'petition-engine-backup';

export interface ManifestFile {
  /** Path relative to DATA_DIR, with `/` separators. */
  path: string;
  bytes: number;
  sha256: string;
  mode: number;
  secret: boolean;
}

export interface BackupManifest {
  format: typeof FORMAT;
  version: 1;
  createdAt: string;
  /** The folder it was taken from. */
  dataDir: string;
  database: ManifestFile & {
    method: 'VACUUM INTO';
    sqliteVersion: string;
    quickCheck: 'ok';
    snapshotMs: number;
  };
  files: ManifestFile[];
  /** Entries of DATA_DIR left out because they are neither files nor folders (symbolic links, sockets). */
  skipped: string[];
}

export interface SqliteOptions {
  /** The `sqlite3` shell (default: `sqlite3` on the PATH). */
  sqlite3?: string;
  /** Bound on each sqlite3 run (default 10 minutes). */
  timeoutMs?: number;
}

/** Runs the sqlite3 shell on `db` with `script` on stdin; resolves with its stdout. */
async function runSqlite(db: string, script: string, opts: SqliteOptions): Promise<string> {
  const bin = opts.sqlite3 ?? 'sqlite3';
  const timeoutMs = opts.timeoutMs ?? 600_000;
  return await new Promise((resolve, reject) => {
    const child = spawn(bin, ['-bail', '-batch', db], { stdio: ['pipe', 'pipe', 'pipe'] });
    let out = '';
    let err = '';
    child.stdout.on('data', (c: Buffer) => (out += c.toString('utf8')));
    child.stderr.on('data', (c: Buffer) => (err += c.toString('utf8')));
    const timer = setTimeout(() => child.kill('SIGKILL'), timeoutMs);
    child.once('error', (e: NodeJS.ErrnoException) => {
      clearTimeout(timer);
      reject(
        new BackupError(
          e.code === 'ENOENT'
            ? `The sqlite3 shell (${bin}) was not found. Install it (Debian: apt-get install sqlite3) or pass --sqlite3 PATH.`
            : `Could not run ${bin}: ${e.message}`,
        ),
      );
    });
    child.once('close', (code, signal) => {
      clearTimeout(timer);
      if (code === 0) resolve(out);
      else
        reject(
          new BackupError(
            signal === 'SIGKILL'
              ? `sqlite3 on ${db} did not finish within ${timeoutMs / 1000} s.`
              : `sqlite3 on ${db} failed (exit ${code}): ${err.trim() || out.trim() || 'no message'}`,
          ),
        );
    });
    child.stdin.end(script);
  });
}

const sqlString = (s: string) => `'${s.replace(/'/g, "''")}'`;

async function sqliteVersion(opts: SqliteOptions): Promise<string> {
  return (await runSqlite(':memory:', 'select sqlite_version();\n', opts)).trim();
}

/** SQLite's `quick_check` of a database file; throws unless it says `ok`. */
export async function quickCheck(db: string, opts: SqliteOptions = {}): Promise<void> {
  const said = (await runSqlite(db, 'PRAGMA quick_check;\n', opts)).trim();
  if (said !== 'ok') throw new BackupError(`SQLite's quick_check of ${db} failed: ${said.slice(0, 500)}`);
}

function sha256(file: string): string {
  return createHash('sha256').update(readFileSync(file)).digest('hex');
}

function describeFile(root: string, rel: string): ManifestFile {
  const file = path.join(root, rel);
  const st = statSync(file);
  const mode = st.mode & 0o777;
  const name = rel.split('/').pop()!;
  return {
    path: rel,
    bytes: st.size,
    sha256: sha256(file),
    mode,
    secret: (SECRET_FILES as readonly string[]).includes(name) || (mode & 0o077) === 0,
  };
}

/** Relative paths (with `/`) of the regular files under `dir`, and of the entries that are neither file nor folder. */
function walk(dir: string, rel = '', found = { files: [] as string[], skipped: [] as string[] }) {
  for (const entry of readdirSync(path.join(dir, rel), { withFileTypes: true })) {
    const p = rel ? `${rel}/${entry.name}` : entry.name;
    if (!rel && NOT_COPIED.has(entry.name)) continue;
    if (entry.isDirectory()) walk(dir, p, found);
    else if (entry.isFile()) found.files.push(p);
    else found.skipped.push(p);
  }
  return found;
}

const isInside = (child: string, parent: string) => {
  const r = path.relative(parent, child);
  return r === '' || (!r.startsWith('..') && !path.isAbsolute(r));
};

export interface BackupOptions extends SqliteOptions {
  dataDir: string;
  file: string;
  /** Replace `file` if it exists. */
  force?: boolean;
  now?: () => Date;
}

/** Takes an online backup of `dataDir` into `file` (see the module comment). */
export async function createBackup(opts: BackupOptions): Promise<{ file: string; manifest: BackupManifest }> {
  const dataDir = path.resolve(opts.dataDir);
  const file = path.resolve(opts.file);
  const db = path.join(dataDir, DATABASE_FILE);
  if (!existsSync(dataDir) || !statSync(dataDir).isDirectory())
    throw new BackupError(`The data folder ${dataDir} does not exist (set DATA_DIR or pass --data-dir).`);
  if (!existsSync(db))
    throw new BackupError(
      `${dataDir} holds no ${DATABASE_FILE}: it is not the data folder of the embedded default, or its Temporal server ` +
        'never ran. (With TEMPORAL_ADDRESS, petitions live in your Temporal cluster: back up its database instead.)',
    );
  if (isInside(file, dataDir))
    throw new BackupError(`Write the backup outside the data folder (${file} is inside ${dataDir}).`);
  if (!existsSync(path.dirname(file)))
    throw new BackupError(`The folder ${path.dirname(file)} does not exist; create it first.`);
  if (existsSync(file)) {
    if (statSync(file).isDirectory()) throw new BackupError(`${file} is a folder; name a file.`);
    if (!opts.force) throw new BackupError(`${file} exists already; pass --force to replace it.`);
  }

  const version = await sqliteVersion(opts);
  const staging = mkdtempSync(path.join(path.dirname(file), '.petition-backup-'));
  try {
    const stagedData = path.join(staging, 'data');
    mkdirSync(stagedData, { mode: 0o700 });
    const copy = path.join(stagedData, DATABASE_FILE);
    const started = performance.now();
    await runSqlite(db, `.timeout 30000\nVACUUM INTO ${sqlString(copy)};\n`, opts);
    const snapshotMs = Math.round(performance.now() - started);
    chmodSync(copy, 0o600);
    await quickCheck(copy, opts);

    const { files, skipped } = walk(dataDir);
    const copied: ManifestFile[] = [];
    for (const rel of files.sort()) {
      const target = path.join(stagedData, rel);
      mkdirSync(path.dirname(target), { recursive: true, mode: 0o700 });
      try {
        copyFileSync(path.join(dataDir, rel), target);
      } catch (err) {
        // A file removed between listing and copying (an outbox letter moved away) is simply not in this backup.
        if ((err as NodeJS.ErrnoException).code === 'ENOENT') continue;
        throw err;
      }
      copied.push(describeFile(stagedData, rel));
    }

    const manifest: BackupManifest = {
      format: FORMAT,
      version: 1,
      createdAt: (opts.now?.() ?? new Date()).toISOString(),
      dataDir,
      database: {
        ...describeFile(stagedData, DATABASE_FILE),
        secret: false,
        method: 'VACUUM INTO',
        sqliteVersion: version,
        quickCheck: 'ok',
        snapshotMs,
      },
      files: copied,
      skipped,
    };
    writeFileSync(path.join(staging, 'manifest.json'), `${JSON.stringify(manifest, null, 2)}\n`, {
      mode: 0o600,
    });
    const partial = path.join(staging, 'backup.tar.gz');
    await tar.create({ gzip: true, file: partial, cwd: staging, portable: true, mode: 0o600 }, [
      'manifest.json',
      'data',
    ]);
    chmodSync(partial, 0o600);
    renameSync(partial, file);
    return { file, manifest };
  } finally {
    rmSync(staging, { recursive: true, force: true });
  }
}

export interface RestoreOptions extends SqliteOptions {
  file: string;
  /** A folder that does not exist yet, or an empty one. */
  dataDir: string;
}

function parseManifest(text: string | undefined, file: string): BackupManifest {
  let manifest: BackupManifest;
  try {
    manifest = JSON.parse(text ?? '') as BackupManifest;
  } catch {
    throw new BackupError(
      `${file} has no readable manifest.json: it is not a backup made by npm run backup.`,
    );
  }
  if (manifest.format !== FORMAT || manifest.version !== 1)
    throw new BackupError(
      `${file} is not a backup this version can restore (format ${JSON.stringify(manifest.format)}, version ${JSON.stringify(manifest.version)}).`,
    );
  return manifest;
}

function verify(dataDir: string, entry: ManifestFile, file: string): void {
  const p = path.join(dataDir, entry.path);
  if (!existsSync(p)) throw new BackupError(`${file} is damaged: ${entry.path} is missing.`);
  const st = statSync(p);
  if (st.size !== entry.bytes || sha256(p) !== entry.sha256)
    throw new BackupError(`${file} is damaged: ${entry.path} does not match its checksum in the manifest.`);
}

/** The manifest of a backup file, read without unpacking the rest. */
export async function readBackupManifest(file: string): Promise<BackupManifest> {
  let text: string | undefined;
  try {
    await tar.list({
      file,
      strict: true,
      onReadEntry: (entry) => {
        if (entry.path !== 'manifest.json') return entry.resume();
        const chunks: Buffer[] = [];
        entry.on('data', (c: Buffer) => chunks.push(c));
        entry.on('end', () => (text = Buffer.concat(chunks).toString('utf8')));
      },
    });
  } catch (err) {
    throw new BackupError(
      `${file} could not be read (${(err as Error).message}): it is not a backup made by npm run backup.`,
    );
  }
  return parseManifest(text, file);
}

/** Restores a backup into a fresh data folder, after checking every file (see the module comment). */
export async function restoreBackup(
  opts: RestoreOptions,
): Promise<{ dataDir: string; manifest: BackupManifest }> {
  const file = path.resolve(opts.file);
  const dataDir = path.resolve(opts.dataDir);
  if (!existsSync(file) || !statSync(file).isFile()) throw new BackupError(`No backup file at ${file}.`);
  if (existsSync(dataDir)) {
    if (!statSync(dataDir).isDirectory()) throw new BackupError(`${dataDir} exists and is not a folder.`);
    if (readdirSync(dataDir).length > 0)
      throw new BackupError(
        `${dataDir} is not empty: restore into a new folder (or empty this one first; stop npm start before).`,
      );
  }
  const parent = path.dirname(dataDir);
  if (!existsSync(parent)) throw new BackupError(`The folder ${parent} does not exist; create it first.`);

  const staging = mkdtempSync(path.join(parent, '.petition-restore-'));
  try {
    try {
      await tar.extract({
        file,
        cwd: staging,
        strict: true,
        filter: (p) => p === 'manifest.json' || p === 'data' || p === 'data/' || p.startsWith('data/'),
      });
    } catch (err) {
      throw new BackupError(
        `${file} could not be unpacked (${(err as Error).message}): it is not a backup made by npm run backup, or it is damaged.`,
      );
    }
    const manifestFile = path.join(staging, 'manifest.json');
    const manifest = parseManifest(
      existsSync(manifestFile) ? readFileSync(manifestFile, 'utf8') : undefined,
      file,
    );
    const restored = path.join(staging, 'data');
    const listed = [manifest.database, ...manifest.files];
    for (const entry of listed) verify(restored, entry, file);
    const unlisted = walk(restored).files.filter((p) => !listed.some((e) => e.path === p));
    if (unlisted.length > 0)
      throw new BackupError(`${file} holds files its manifest does not list (${unlisted.join(', ')}).`);
    await quickCheck(path.join(restored, DATABASE_FILE), opts);
    for (const entry of listed) chmodSync(path.join(restored, entry.path), entry.secret ? 0o600 : entry.mode);
    if (existsSync(dataDir)) rmdirSync(dataDir);
    renameSync(restored, dataDir);
    chmodSync(dataDir, 0o700);
    return { dataDir, manifest };
  } finally {
    rmSync(staging, { recursive: true, force: true });
  }
}
