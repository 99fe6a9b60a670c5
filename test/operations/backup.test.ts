/**
 * `npm run backup` / `npm run restore` on data folders made here (a SQLite file written by the sqlite3 shell, the
 * secrets and files the embedded default keeps beside it). The end-to-end run — a backup of a live Temporal dev
 * server under load, restored into a second stack that reads every petition back — is in test/chaos/.
 */
import { spawn, spawnSync } from 'node:child_process';
import {
  chmodSync,
  existsSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  rmSync,
  statSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import * as tar from 'tar';
import { afterAll, beforeEach, describe, expect, it } from 'vitest';
import { BackupError, createBackup, readBackupManifest, restoreBackup } from '../../scripts/data-backup';

const root = fileURLToPath(new URL('../..', import.meta.url));
const scratch = mkdtempSync(path.join(tmpdir(), 'backup-test-'));
afterAll(() => rmSync(scratch, { recursive: true, force: true }));

let n = 0;
let dir: string;
beforeEach(() => {
  dir = path.join(scratch, String(n++));
  mkdirSync(dir);
});

function sqlite(db: string, script: string): string {
  const r = spawnSync('sqlite3', ['-bail', db], { input: script, encoding: 'utf8' });
  if (r.status !== 0) throw new Error(`sqlite3 failed: ${r.stderr}`);
  return r.stdout.trim();
}

/** A data folder as the embedded default leaves it: the database (WAL mode), the server's pid, secrets, files. */
function dataFolder(): string {
  const data = path.join(dir, 'data');
  mkdirSync(path.join(data, 'calendar'), { recursive: true });
  mkdirSync(path.join(data, 'outbox', 'petitioner'), { recursive: true });
  sqlite(
    path.join(data, 'temporal.sqlite'),
    'PRAGMA journal_mode=WAL; CREATE TABLE t (txn INTEGER, i INTEGER); INSERT INTO t VALUES (0, 0);',
  );
  writeFileSync(path.join(data, 'temporal.pid'), '12345\n');
  writeFileSync(path.join(data, 'jwt-secret'), `${'s'.repeat(43)}\n`, { mode: 0o600 });
  writeFileSync(path.join(data, 'payload-keys.json'), '{"keys":[{"id":"k1","key":"…"}]}\n', { mode: 0o600 });
  writeFileSync(path.join(data, 'calendar', '2027.json'), '{"year":2027}\n');
  writeFileSync(path.join(data, 'outbox', 'petitioner', 'notice-1.json'), '{"subject":"受理告知"}\n');
  // The `npm run cluster` profile's PostgreSQL lives beside it; it is PostgreSQL's to back up.
  mkdirSync(path.join(data, 'cluster', 'pg'), { recursive: true });
  writeFileSync(path.join(data, 'cluster', 'pg', 'PG_VERSION'), '15\n');
  writeFileSync(path.join(data, 'cluster', 'pg-password'), 'pw\n', { mode: 0o600 });
  return data;
}

/** Runs a project script as `npm run` does; resolves with its exit code and output. */
async function run(
  script: string,
  args: string[],
): Promise<{ code: number | null; stdout: string; stderr: string }> {
  const child = spawn(process.execPath, ['--import', 'tsx', script, ...args], {
    cwd: root,
    env: { ...process.env, DATA_DIR: path.join(dir, 'data') },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let stdout = '';
  let stderr = '';
  child.stdout.on('data', (c: Buffer) => (stdout += c.toString()));
  child.stderr.on('data', (c: Buffer) => (stderr += c.toString()));
  const code = await new Promise<number | null>((resolve) => child.once('exit', resolve));
  return { code, stdout, stderr };
}

describe('npm run backup', () => {
  it('copies the database through SQLite and every other file of the data folder, but not the pid file or cluster/', async () => {
    const data = dataFolder();
    const file = path.join(dir, 'backup.tar.gz');
    const { manifest } = await createBackup({ dataDir: data, file });

    expect(statSync(file).mode & 0o777).toBe(0o600);
    const entries: string[] = [];
    await tar.list({ file, onReadEntry: (e) => entries.push(e.path) });
    expect(entries.filter((e) => !e.endsWith('/')).sort()).toEqual([
      'data/calendar/2027.json',
      'data/jwt-secret',
      'data/outbox/petitioner/notice-1.json',
      'data/payload-keys.json',
      'data/temporal.sqlite',
      'manifest.json',
    ]);
    expect(manifest.database).toMatchObject({
      path: 'temporal.sqlite',
      method: 'VACUUM INTO',
      quickCheck: 'ok',
    });
    expect(manifest.files.map((f) => [f.path, f.secret])).toEqual([
      ['calendar/2027.json', false],
      ['jwt-secret', true],
      ['outbox/petitioner/notice-1.json', false],
      ['payload-keys.json', true],
    ]);
    expect(await readBackupManifest(file)).toEqual(manifest);
  });

  it('takes a consistent copy while another process commits: every transaction is in it whole or not at all', async () => {
    const data = dataFolder();
    const db = path.join(data, 'temporal.sqlite');
    // A writer in its own process, committing transactions of 10 rows each as fast as it can (WAL mode).
    const total = 20_000;
    const txns = Array.from(
      { length: total },
      (_, t) =>
        `BEGIN; ${Array.from({ length: 10 }, (_, i) => `INSERT INTO t VALUES (${t + 1}, ${i});`).join(' ')} COMMIT;`,
    ).join('\n');
    const writer = spawn('sqlite3', [db], { stdio: ['pipe', 'ignore', 'pipe'] });
    writer.stdin.on('error', () => undefined); // stopped before it has read everything
    writer.stdin.end(`.timeout 10000\nPRAGMA journal_mode=WAL;\n${txns}\n`);
    const writerDone = new Promise<unknown>((resolve) => writer.once('exit', resolve));
    const rowsIn = (file: string) =>
      Number(sqlite(file, '.timeout 10000\nSELECT count(*) FROM t WHERE txn > 0;'));
    for (let i = 0; i < 500 && rowsIn(db) === 0; i++) await new Promise((r) => setTimeout(r, 20));

    const file = path.join(dir, 'during-writes.tar.gz');
    expect(existsSync(`${db}-wal`), 'the writer holds a WAL while the backup runs').toBe(true);
    await createBackup({ dataDir: data, file });
    writer.kill('SIGTERM');
    await writerDone;
    const entries: string[] = [];
    await tar.list({ file, onReadEntry: (e) => entries.push(e.path) });
    expect(entries.filter((e) => e.includes('temporal.sqlite'))).toEqual(['data/temporal.sqlite']);

    const restored = path.join(dir, 'restored');
    await restoreBackup({ file, dataDir: restored });
    const copy = path.join(restored, 'temporal.sqlite');
    const partial = sqlite(
      copy,
      'SELECT count(*) FROM (SELECT txn FROM t WHERE txn > 0 GROUP BY txn HAVING count(*) <> 10);',
    );
    expect(partial).toBe('0');
    const rows = rowsIn(copy);
    expect(rows % 10).toBe(0);
    // Taken while the writer ran: some of its transactions, and fewer than it went on to commit.
    expect(rows).toBeGreaterThan(0);
    expect(rows).toBeLessThan(total * 10);
    expect(rows).toBeLessThanOrEqual(rowsIn(db));
  });

  it('refuses to overwrite an existing file without --force, and replaces it with --force', async () => {
    dataFolder();
    const file = path.join(dir, 'existing.tar.gz');
    writeFileSync(file, 'an older backup');
    const refused = await run('scripts/backup.ts', [file]);
    expect(refused.code).toBe(1);
    expect(refused.stderr).toBe(`backup failed: ${file} exists already; pass --force to replace it.\n`);
    expect(readFileSync(file, 'utf8')).toBe('an older backup');

    const forced = await run('scripts/backup.ts', [file, '--force']);
    expect(forced.code, forced.stderr).toBe(0);
    expect(forced.stdout).toContain(`Backed up ${path.join(dir, 'data')} to ${file}`);
    expect(forced.stdout).toContain('secrets   jwt-secret, payload-keys.json');
    expect((await readBackupManifest(file)).files).toHaveLength(4);
    expect(readdirSync(dir).filter((f) => f.startsWith('.petition-backup-'))).toEqual([]);
  });

  it('says what is wrong with the data folder, the target or the sqlite3 shell, and writes nothing', async () => {
    const data = dataFolder();
    const fail = (opts: Partial<Parameters<typeof createBackup>[0]>) =>
      createBackup({ dataDir: data, file: path.join(dir, 'b.tar.gz'), ...opts });
    await expect(fail({ dataDir: path.join(dir, 'nope') })).rejects.toThrow(
      new BackupError(
        `The data folder ${path.join(dir, 'nope')} does not exist (set DATA_DIR or pass --data-dir).`,
      ),
    );
    const empty = path.join(dir, 'empty');
    mkdirSync(empty);
    await expect(fail({ dataDir: empty })).rejects.toThrow(
      `${empty} holds no temporal.sqlite: it is not the data folder of the embedded default`,
    );
    await expect(fail({ file: path.join(data, 'b.tar.gz') })).rejects.toThrow(
      `Write the backup outside the data folder (${path.join(data, 'b.tar.gz')} is inside ${data}).`,
    );
    await expect(fail({ file: path.join(dir, 'no', 'such', 'b.tar.gz') })).rejects.toThrow(
      `The folder ${path.join(dir, 'no', 'such')} does not exist; create it first.`,
    );
    await expect(fail({ sqlite3: path.join(dir, 'no-sqlite3') })).rejects.toThrow(
      `The sqlite3 shell (${path.join(dir, 'no-sqlite3')}) was not found. Install it (Debian: apt-get install sqlite3) or pass --sqlite3 PATH.`,
    );
    expect(existsSync(path.join(dir, 'b.tar.gz'))).toBe(false);
    const usage = await run('scripts/backup.ts', []);
    expect(usage.code).toBe(2);
    expect(usage.stderr).toMatch(/^give exactly one FILE\nusage: npm run backup -- FILE/);
  });
});

describe('npm run restore', () => {
  it('restores into a fresh folder (mode 0700) with the secrets readable by their owner only', async () => {
    const data = dataFolder();
    const file = path.join(dir, 'b.tar.gz');
    await createBackup({ dataDir: data, file });
    const target = path.join(dir, 'fresh');
    const res = await run('scripts/restore.ts', [file, target]);
    expect(res.code, res.stderr).toBe(0);
    expect(res.stdout).toContain(`Start on it with: DATA_DIR=${target} npm start`);

    expect(statSync(target).mode & 0o777).toBe(0o700);
    for (const f of [
      'jwt-secret',
      'payload-keys.json',
      'calendar/2027.json',
      'outbox/petitioner/notice-1.json',
    ])
      expect(readFileSync(path.join(target, f), 'utf8'), f).toBe(readFileSync(path.join(data, f), 'utf8'));
    expect(statSync(path.join(target, 'jwt-secret')).mode & 0o777).toBe(0o600);
    expect(statSync(path.join(target, 'payload-keys.json')).mode & 0o777).toBe(0o600);
    expect(existsSync(path.join(target, 'temporal.pid'))).toBe(false);
    expect(sqlite(path.join(target, 'temporal.sqlite'), 'SELECT count(*) FROM t;')).toBe('1');
  });

  it('refuses a folder that is not empty, a file that is not a backup, and a backup whose files do not match', async () => {
    const data = dataFolder();
    const file = path.join(dir, 'b.tar.gz');
    await createBackup({ dataDir: data, file });

    const used = path.join(dir, 'used');
    mkdirSync(used);
    writeFileSync(path.join(used, 'something'), '');
    await expect(restoreBackup({ file, dataDir: used })).rejects.toThrow(
      `${used} is not empty: restore into a new folder (or empty this one first; stop npm start before).`,
    );

    const junk = path.join(dir, 'junk.tar.gz');
    writeFileSync(junk, 'not a tar file at all');
    await expect(restoreBackup({ file: junk, dataDir: path.join(dir, 'r1') })).rejects.toThrow(
      `${junk} could not be unpacked`,
    );

    // The same archive with one secret changed after the manifest was written.
    const unpacked = path.join(dir, 'unpacked');
    mkdirSync(unpacked);
    await tar.extract({ file, cwd: unpacked });
    chmodSync(path.join(unpacked, 'data', 'jwt-secret'), 0o600);
    writeFileSync(path.join(unpacked, 'data', 'jwt-secret'), `${'t'.repeat(43)}\n`);
    const tampered = path.join(dir, 'tampered.tar.gz');
    await tar.create({ gzip: true, file: tampered, cwd: unpacked }, ['manifest.json', 'data']);
    await expect(restoreBackup({ file: tampered, dataDir: path.join(dir, 'r2') })).rejects.toThrow(
      `${tampered} is damaged: jwt-secret does not match its checksum in the manifest.`,
    );
    expect(existsSync(path.join(dir, 'r1'))).toBe(false);
    expect(existsSync(path.join(dir, 'r2'))).toBe(false);
    expect(readdirSync(dir).filter((f) => f.startsWith('.petition-restore-'))).toEqual([]);
  });
});
