import { execFile } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { describe, expect, it } from 'vitest';
import { ROOT } from '../../scripts/build-definitions';

const run = async (...args: string[]): Promise<{ code: number; stdout: string; stderr: string }> => {
  try {
    const { stdout, stderr } = await promisify(execFile)(
      join(ROOT, 'node_modules/.bin/tsx'),
      ['scripts/validate-definition.ts', ...args],
      { cwd: ROOT },
    );
    return { code: 0, stdout, stderr };
  } catch (error) {
    const e = error as { code: number; stdout: string; stderr: string };
    return { code: e.code, stdout: e.stdout, stderr: e.stderr };
  }
};

describe('npm run validate-definition', () => {
  it('prints [] and exits 0 for the statutory default', async () => {
    const result = await run('definitions/statutory/petition-2022.yaml');
    expect(result).toMatchObject({ code: 0 });
    expect(JSON.parse(result.stdout)).toEqual([]);
  });

  it('prints the issues as JSON and exits 1 for a broken definition', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'definition-'));
    const file = join(dir, 'broken.json');
    writeFileSync(
      file,
      JSON.stringify({
        id: 'x',
        version: 1,
        name: 'X',
        roles: ['a'],
        elements: [{ id: 's', type: 'startEvent' }],
      }),
    );
    const result = await run(file);
    expect(result.code).toBe(1);
    const issues = JSON.parse(result.stdout) as Array<{ rule: string; path: string; message: string }>;
    expect(issues.map((i) => i.rule)).toEqual(['gateway-conditions', 'can-reach-end']);
  });

  it('exits 2 for a missing argument or an unreadable file', async () => {
    expect((await run()).code).toBe(2);
    const missing = await run('/nonexistent/definition.yaml');
    expect(missing.code).toBe(2);
    expect(missing.stderr).toMatch(/cannot read/);
  });
});
