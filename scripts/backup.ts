/**
 * `npm run backup -- FILE [--force] [--data-dir DIR] [--sqlite3 PATH]`: an online backup of the embedded default's
 * data folder (DATA_DIR) into one file, while `npm start` keeps running. What it holds and why: scripts/data-backup.ts
 * and docs/reliability.md. Exit codes: 0 done, 1 the backup failed (the message says why), 2 bad usage.
 */
import { parseArgs } from 'node:util';
import { loadConfigOrExit } from '../config';
import { BackupError, createBackup } from './data-backup';

const usage = `usage: npm run backup -- FILE [--force] [--data-dir DIR] [--sqlite3 PATH]
  FILE        the backup to write (a gzip'd tar, mode 0600); refused if it exists, unless --force
  --data-dir  the data folder (default: DATA_DIR, else ./data)
  --sqlite3   the sqlite3 shell to use (default: sqlite3 on the PATH; Debian: apt-get install sqlite3)`;

function usageError(message: string): never {
  process.stderr.write(`${message}\n${usage}\n`);
  process.exit(2);
}

let parsed;
try {
  parsed = parseArgs({
    allowPositionals: true,
    options: {
      force: { type: 'boolean', default: false },
      'data-dir': { type: 'string' },
      sqlite3: { type: 'string' },
      help: { type: 'boolean', short: 'h', default: false },
    },
  });
} catch (err) {
  usageError((err as Error).message);
}
if (parsed.values.help) {
  process.stdout.write(`${usage}\n`);
  process.exit(0);
}
if (parsed.positionals.length !== 1) usageError('give exactly one FILE');

const dataDir = parsed.values['data-dir'] ?? loadConfigOrExit().dataDir;
try {
  const { file, manifest } = await createBackup({
    dataDir,
    file: parsed.positionals[0]!,
    force: parsed.values.force,
    ...(parsed.values.sqlite3 !== undefined && { sqlite3: parsed.values.sqlite3 }),
  });
  const mb = (n: number) => `${(n / 1024 / 1024).toFixed(1)} MB`;
  const secrets = manifest.files.filter((f) => f.secret).map((f) => f.path);
  process.stdout.write(
    [
      `Backed up ${manifest.dataDir} to ${file}`,
      `  database  ${manifest.database.path} ${mb(manifest.database.bytes)} (VACUUM INTO in ${manifest.database.snapshotMs} ms, quick_check ok, SQLite ${manifest.database.sqliteVersion})`,
      `  secrets   ${secrets.length > 0 ? secrets.join(', ') : 'none found'}`,
      `  files     ${manifest.files.length} in all${manifest.skipped.length > 0 ? `; skipped (not regular files): ${manifest.skipped.join(', ')}` : ''}`,
      `Restore with: npm run restore -- ${file} NEW_DATA_DIR`,
    ].join('\n') + '\n',
  );
} catch (err) {
  if (!(err instanceof BackupError)) throw err;
  process.stderr.write(`backup failed: ${err.message}\n`);
  process.exit(1);
}
