/**
 * `npm run restore -- FILE DATA_DIR [--sqlite3 PATH]`: restores a backup made by `npm run backup` into a fresh data
 * folder, after checking every file against the manifest and the database with SQLite's quick_check. Start the
 * product on it with `DATA_DIR=DATA_DIR npm start`. Exit codes: 0 done, 1 refused or failed (the message says why),
 * 2 bad usage.
 */
import { parseArgs } from 'node:util';
import { BackupError, restoreBackup } from './data-backup';

const usage = `usage: npm run restore -- FILE DATA_DIR [--sqlite3 PATH]
  FILE      a backup written by npm run backup
  DATA_DIR  a folder that does not exist yet, or is empty`;

function usageError(message: string): never {
  process.stderr.write(`${message}\n${usage}\n`);
  process.exit(2);
}

let parsed;
try {
  parsed = parseArgs({
    allowPositionals: true,
    options: { sqlite3: { type: 'string' }, help: { type: 'boolean', short: 'h', default: false } },
  });
} catch (err) {
  usageError((err as Error).message);
}
if (parsed.values.help) {
  process.stdout.write(`${usage}\n`);
  process.exit(0);
}
if (parsed.positionals.length !== 2) usageError('give FILE and DATA_DIR');

try {
  const [file, dataDir] = parsed.positionals as [string, string];
  const { manifest, dataDir: restored } = await restoreBackup({
    file,
    dataDir,
    ...(parsed.values.sqlite3 !== undefined && { sqlite3: parsed.values.sqlite3 }),
  });
  process.stdout.write(
    `Restored the backup of ${manifest.dataDir} taken ${manifest.createdAt} into ${restored} ` +
      `(${manifest.files.length + 1} files checked).\nStart on it with: DATA_DIR=${restored} npm start\n`,
  );
} catch (err) {
  if (!(err instanceof BackupError)) throw err;
  process.stderr.write(`restore failed: ${err.message}\n`);
  process.exit(1);
}
