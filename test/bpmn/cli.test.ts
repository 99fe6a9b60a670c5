import { execFile } from 'node:child_process';
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { describe, expect, it } from 'vitest';
import { parseDefinition } from '../../definitions/language/parse';
import { statutoryDefinitionHash } from '../../definitions/statutory';
import { ROOT } from '../../scripts/build-definitions';

const run = async (...args: string[]): Promise<{ code: number; stdout: string; stderr: string }> => {
  try {
    const { stdout, stderr } = await promisify(execFile)(
      join(ROOT, 'node_modules/.bin/tsx'),
      ['scripts/bpmn.ts', ...args],
      {
        cwd: ROOT,
        maxBuffer: 16 * 1024 * 1024,
      },
    );
    return { code: 0, stdout, stderr };
  } catch (error) {
    const e = error as { code: number; stdout: string; stderr: string };
    return { code: e.code, stdout: e.stdout, stderr: e.stderr };
  }
};

describe('npm run bpmn', () => {
  it('exports the statutory YAML as BPMN and imports it back as YAML with the same content hash', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'bpmn-cli-'));
    const xmlFile = join(dir, 'petition-2022.bpmn');
    const exported = await run('export', 'definitions/statutory/petition-2022-v2.yaml', '--out', xmlFile);
    expect(exported).toMatchObject({ code: 0, stderr: '' });
    expect(readFileSync(xmlFile, 'utf8')).toMatch(/^<\?xml/);
    const imported = await run('import', xmlFile);
    expect(imported).toMatchObject({ code: 0, stderr: '' });
    const parsed = parseDefinition(imported.stdout, 'yaml');
    expect(parsed.ok && parsed.hash).toBe(statutoryDefinitionHash());
  });

  it('prints the issues of a file it cannot import as JSON on stderr and exits 1; 2 for a usage error', async () => {
    const result = await run('import', 'test/fixtures/bpmn/camunda7-petition-intake.bpmn');
    expect(result.code).toBe(1);
    expect(result.stdout).toBe('');
    expect(JSON.parse(result.stderr)).toContainEqual(
      expect.objectContaining({ rule: 'bpmn-unsupported', elementId: 'Gateway_1fork' }),
    );
    expect((await run('convert', 'x.bpmn')).code).toBe(2);
    expect((await run('import')).code).toBe(2);
    expect((await run('import', 'no/such/file.bpmn')).code).toBe(2);
  });
});
