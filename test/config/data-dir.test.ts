import { chmodSync, mkdirSync, mkdtempSync, readdirSync, statSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { createFileOutbox } from '../../activities/outbox';
import { securePrivateDir } from '../../config/data-dir';
import { testDataDir } from '../helpers/temporal';

const mode = (p: string) => statSync(p).mode & 0o777;

describe('the data folder stays private to the account that runs the product', () => {
  it('takes group and other permissions away from an existing folder and everything in it (0700, files 0600)', () => {
    const dir = mkdtempSync(path.join(testDataDir(), 'private-'));
    mkdirSync(path.join(dir, 'outbox', 'petitioner'), { recursive: true });
    writeFileSync(path.join(dir, 'temporal.sqlite'), 'x');
    writeFileSync(path.join(dir, 'temporal.sqlite-wal'), 'x');
    writeFileSync(path.join(dir, 'outbox', 'petitioner', 'letter.json'), '{}');
    for (const p of [dir, path.join(dir, 'outbox'), path.join(dir, 'outbox', 'petitioner')])
      chmodSync(p, 0o755);
    for (const f of ['temporal.sqlite', 'temporal.sqlite-wal']) chmodSync(path.join(dir, f), 0o644);
    chmodSync(path.join(dir, 'outbox', 'petitioner', 'letter.json'), 0o644);

    const changed = securePrivateDir(dir);

    expect(changed).toHaveLength(6);
    expect(mode(dir)).toBe(0o700);
    expect(mode(path.join(dir, 'outbox'))).toBe(0o700);
    expect(mode(path.join(dir, 'outbox', 'petitioner'))).toBe(0o700);
    expect(mode(path.join(dir, 'temporal.sqlite'))).toBe(0o600);
    expect(mode(path.join(dir, 'temporal.sqlite-wal'))).toBe(0o600);
    expect(mode(path.join(dir, 'outbox', 'petitioner', 'letter.json'))).toBe(0o600);
    expect(securePrivateDir(dir)).toEqual([]);
  });

  it('creates a missing data folder 0700', () => {
    const dir = path.join(mkdtempSync(path.join(testDataDir(), 'fresh-')), 'data');
    securePrivateDir(dir);
    expect(mode(dir)).toBe(0o700);
  });

  it('writes outbox letters 0600 in folders 0700, whatever the umask', async () => {
    const dir = mkdtempSync(path.join(testDataDir(), 'outbox-'));
    const previous = process.umask(0o022);
    try {
      await createFileOutbox(dir).send({
        idempotencyKey: 'XF1:notice:petitioner',
        recipient: 'petitioner',
        to: { name: '李四', address: '北京市海淀区某路2号' },
        subject: '受理告知书',
        text: '…',
        petitionId: 'XF1',
      });
    } finally {
      process.umask(previous);
    }
    const folder = path.join(dir, 'outbox', 'petitioner');
    expect(mode(path.join(dir, 'outbox'))).toBe(0o700);
    expect(mode(folder)).toBe(0o700);
    const [letter] = readdirSync(folder);
    expect(mode(path.join(folder, letter!))).toBe(0o600);
  });
});
