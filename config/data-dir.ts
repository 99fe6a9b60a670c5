import { chmodSync, lstatSync, mkdirSync, readdirSync } from 'node:fs';
import path from 'node:path';

/**
 * The data folder holds what must stay private to the account that runs the product: the embedded Temporal server's
 * SQLite file (every petition's history), the JWT secret, outbox letters with petitioners' addresses, archives.
 * Folders are 0700 and files 0600 (owner only); new ones are created so, and what an earlier version left readable
 * by others is fixed on start.
 */
export const PRIVATE_DIR_MODE = 0o700;
export const PRIVATE_FILE_MODE = 0o600;

/**
 * Creates `dir` (0700) if needed and takes every permission of group and others away from it and everything in it
 * (symbolic links are left alone). Returns the paths whose mode it changed.
 */
export function securePrivateDir(dir: string): string[] {
  mkdirSync(dir, { recursive: true, mode: PRIVATE_DIR_MODE });
  const changed: string[] = [];
  const stack = [dir];
  while (stack.length > 0) {
    const at = stack.pop()!;
    const stat = lstatSync(at);
    if (stat.isSymbolicLink()) continue;
    const mode = stat.mode & 0o777;
    const wanted = stat.isDirectory()
      ? PRIVATE_DIR_MODE
      : (mode & 0o100) !== 0
        ? PRIVATE_DIR_MODE
        : PRIVATE_FILE_MODE;
    if (mode !== wanted) {
      chmodSync(at, wanted);
      changed.push(at);
    }
    if (stat.isDirectory()) for (const name of readdirSync(at)) stack.push(path.join(at, name));
  }
  return changed;
}
