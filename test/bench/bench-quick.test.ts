/**
 * Keeps `npm run bench` working: runs the quick bench (`bench/run.ts --quick`) as a child process, against its own
 * Temporal dev server, worker and API, and checks that it exits 0 and that its JSON has every section with finite
 * numbers. The performance targets are not asserted here (these machines are shared and noisy); the full run
 * (`npm run bench`) is not part of CI.
 */
import { spawn } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';

const root = fileURLToPath(new URL('../..', import.meta.url));
const out = mkdtempSync(path.join(tmpdir(), 'bench-quick-'));
afterAll(() => rmSync(out, { recursive: true, force: true }));

/** Every number found below `value`, with its path. */
function numbers(value: unknown, at = '$', found: Array<[string, number]> = []): Array<[string, number]> {
  if (typeof value === 'number') found.push([at, value]);
  else if (Array.isArray(value)) value.forEach((v, i) => numbers(v, `${at}[${i}]`, found));
  else if (value && typeof value === 'object')
    for (const [k, v] of Object.entries(value)) numbers(v, `${at}.${k}`, found);
  return found;
}

const finite = (x: unknown): boolean => typeof x === 'number' && Number.isFinite(x);

describe('npm run bench -- --quick', () => {
  it('runs end to end, exits 0 and writes JSON with every section and finite numbers', async () => {
    const child = spawn(process.execPath, ['--import', 'tsx', 'bench/run.ts', '--quick', '--out', out], {
      cwd: root,
      env: { ...process.env, CI: 'true' },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let output = '';
    child.stdout.on('data', (c: Buffer) => (output = (output + c.toString()).slice(-20_000)));
    child.stderr.on('data', (c: Buffer) => (output = (output + c.toString()).slice(-20_000)));
    // Bounded: the quick bench takes under two minutes alone; this leaves room for a machine busy with other tests.
    const timer = setTimeout(() => child.kill('SIGINT'), 420_000);
    const code = await new Promise<number | null>((resolve) => child.once('exit', (c) => resolve(c)));
    clearTimeout(timer);
    expect(code, output).toBe(0);

    const files = readdirSync(out).filter((f) => f.endsWith('.json'));
    expect(files, output).toHaveLength(1);
    const report = JSON.parse(readFileSync(path.join(out, files[0]!), 'utf8'));

    expect(report.settings.mode).toBe('quick');
    expect(report.machine.cpus).toBeGreaterThan(0);
    expect(report.versions.temporalCli).toMatch(/Server/);
    const r = report.results;
    // 1. Baseline and 2. our path, at each level of the quick mode.
    expect(r.baseline.map((b: { concurrency: number }) => b.concurrency)).toEqual(report.settings.levels);
    expect(r.api.map((a: { concurrency: number }) => a.concurrency)).toEqual(report.settings.levels);
    for (const b of r.baseline) {
      for (const k of ['starts', 'updates'] as const) {
        expect(b[k].count, `baseline ${k}`).toBeGreaterThan(0);
        expect(
          finite(b[k].perSecond) && finite(b[k].latencyMs.p50) && finite(b[k].latencyMs.p99),
          `baseline ${k}`,
        ).toBe(true);
      }
      expect(finite(b.workflowsPerSecond)).toBe(true);
    }
    for (const a of r.api) {
      expect(a.registrations.count).toBeGreaterThan(0);
      expect(a.actions.count).toBeGreaterThan(0);
      expect(Object.keys(a.actions.byAction).sort()).toEqual(['accept', 'opinion', 'reply']);
      for (const s of [
        a.registrations.latencyMs,
        a.actions.latencyMs,
        ...Object.values(a.actions.byAction),
      ] as Array<{ p50: number; p99: number }>) {
        expect(finite(s.p50) && finite(s.p99)).toBe(true);
      }
    }
    // 3. Ratios, and CPU per operation of every process (the dev server's included).
    for (const ratio of r.ratios) {
      expect(finite(ratio.starts) && finite(ratio.updates) && ratio.starts > 0 && ratio.updates > 0).toBe(
        true,
      );
      for (const [k, v] of Object.entries(ratio.cpuMs)) expect(finite(v), `cpuMs.${k}`).toBe(true);
    }
    expect(report.deployment).toMatchObject({ kind: 'dev-server', namespace: 'default' });
    // 4. Supervision.
    expect(r.supervision.seeded).toBe(report.settings.open);
    expect(r.supervision.openPetitions).toBeGreaterThanOrEqual(report.settings.open);
    expect(r.supervision.overduePetitions).toBeGreaterThan(0);
    for (const q of [r.supervision.overdueQuery, r.supervision.filteredList]) {
      expect(q.count).toBe(report.settings.querySamples);
      expect(finite(q.p50) && finite(q.p95)).toBe(true);
      expect(q.items).toBeGreaterThan(0);
    }
    // 5. Cost per petition.
    expect(r.cost.lifecycle.events).toBeGreaterThan(20);
    expect(r.cost.lifecycle.bytes).toBeGreaterThan(1000);
    expect(finite(r.cost.memory.rssPerPetitionBytes)).toBe(true);
    expect(r.cost.memory.petitions).toBeGreaterThan(0);
    // Nothing anywhere is NaN or infinite.
    const bad = numbers(report).filter(([, v]) => !Number.isFinite(v));
    expect(bad, JSON.stringify(bad)).toEqual([]);
    expect(report.targets.map((t: { issue: number }) => t.issue)).toEqual([7, 7, 7, 7, 7, 7, 16, 16, 16, 16]);
  }, 480_000);
});
