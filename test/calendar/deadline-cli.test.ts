import { execFile } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

// Each run starts node + tsx (about a second), so the cases are few and share one generous timeout.
const TIMEOUT = 30_000;
const ROOT = fileURLToPath(new URL('../../', import.meta.url));

function run(...args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    execFile(
      process.execPath,
      ['--import', 'tsx', 'scripts/deadline.ts', ...args],
      { cwd: ROOT, timeout: TIMEOUT },
      (error, stdout, stderr) => {
        resolve({ code: error ? Number(error.code ?? 1) : 0, stdout, stderr });
      },
    );
  });
}

function calendarFile(name: string, json: unknown): string {
  const file = join(mkdtempSync(join(tmpdir(), 'deadline-cli-')), name);
  writeFileSync(file, JSON.stringify(json));
  return file;
}

describe('npm run deadline (the staff tool)', { timeout: TIMEOUT }, () => {
  it('prints the deadline as JSON: 15 days from 16 September 2025 end on 9 October, due 2025-10-09T16:00Z (《民法典》第二百零三条)', async () => {
    const { code, stdout } = await run('--from', '2025-09-16', '--days', '15');
    expect(code).toBe(0);
    expect(JSON.parse(stdout)).toMatchObject({
      lastDay: '2025-10-09',
      dueAt: '2025-10-09T16:00:00.000Z',
      provisional: false,
    });
  });

  it('counts working days from an instant against a --calendar file for 2027 (fictional data), so the result is not provisional', async () => {
    const file = calendarFile('holidays-2027.json', {
      years: { '2027': { holidays: [{ date: '2027-01-01', name: '元旦' }], workdays: [] } },
    });
    const { code, stdout } = await run(
      '--from',
      '2026-12-28T09:00:00+08:00',
      '--working-days',
      '5',
      '--calendar',
      file,
    );
    expect(code).toBe(0);
    expect(JSON.parse(stdout)).toMatchObject({
      counting: 'working-days',
      lastDay: '2027-01-05',
      dueAt: '2027-01-05T16:00:00.000Z',
      provisional: false,
    });
  });

  it('exits 2 with a message on stderr, and nothing on stdout, when neither --days nor --working-days is given', async () => {
    const { code, stdout, stderr } = await run('--from', '2026-09-28');
    expect(code).toBe(2);
    expect(stdout).toBe('');
    expect(stderr).toContain('deadline: give exactly one of --days N or --working-days N');
  });

  it('exits 2 and names the offending day when the --calendar file declares a weekday a working day', async () => {
    const file = calendarFile('bad.json', { years: { '2027': { holidays: [], workdays: ['2027-01-04'] } } });
    const { code, stderr } = await run('--from', '2026-09-28', '--days', '3', '--calendar', file);
    expect(code).toBe(2);
    expect(stderr).toContain('years.2027.workdays.0: 2027-01-04 is a weekday and already a working day');
  });
});
