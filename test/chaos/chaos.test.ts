/**
 * The short version of `npm run chaos` (bench/chaos/): the product as the embedded default runs it — Temporal's dev
 * server on a SQLite file with WAL in a data folder of its own, worker.ts and api/server.ts as child processes — with
 * each process SIGKILLed in turn under load, then a backup taken under load and restored into a second stack.
 * After each fault, what got no answer is retried with the same Idempotency-Key, and every registration and action
 * that was answered 2xx must exist exactly once. Sizes: CHAOS_SETTINGS.quick (the full run's are ten times larger).
 * The scenarios share one stack and run in order; each test is bounded.
 */
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import {
  apiKill,
  backupRestore,
  createContext,
  serverKill,
  workerKill,
  type ChaosContext,
  type ScenarioResult,
} from '../../bench/chaos/scenarios';
import { CHAOS_SETTINGS } from '../../bench/chaos/settings';
import { Stack } from '../../bench/chaos/stack';
import { formatScenario } from '../../bench/chaos/report';
import { rmSync } from 'node:fs';

const settings = CHAOS_SETTINGS.quick;
let stack: Stack;
let ctx: ChaosContext;
const say = () => undefined;

beforeAll(async () => {
  stack = await Stack.start({ workflowBundle: inject('workflowBundlePath'), label: 'petition-chaos-test' });
  ctx = createContext(stack, say, inject('workflowBundlePath'));
}, 180_000);

afterAll(async () => {
  await stack?.stop();
  if (ctx) rmSync(ctx.workDir, { recursive: true, force: true });
}, 60_000);

/** Nothing lost, nothing twice, nothing unanswered after retries, no answer that should never be given. */
function expectHeld(r: ScenarioResult, registrations: number, actions: number): void {
  expect(r.problems, formatScenario(r)).toEqual([]);
  expect(r.registrations).toMatchObject({
    requests: registrations,
    accepted: registrations,
    checked: registrations,
    unresolved: 0,
    lost: 0,
    duplicated: 0,
    stray: 0,
    notAtFirstStep: 0,
  });
  expect(r.actions).toMatchObject({
    requests: actions,
    accepted: actions,
    checked: actions,
    unresolved: 0,
    lost: 0,
    duplicated: 0,
  });
  expect(r.ok).toBe(true);
}

describe('chaos, short run', () => {
  it('loses no registration and applies no action twice when the worker is SIGKILLed with 100 registrations in flight', async () => {
    const s = settings.worker;
    const r = await workerKill(ctx, s);
    expectHeld(r, s.registrations, s.actions);
    // The kill hit requests in flight, and registrations kept being accepted (201) while no worker ran.
    expect(r.figures['registration requests open when the worker died']).toBeGreaterThan(0);
    expect(r.figures['petitions awaiting their first workflow task when it came back']).toBeGreaterThan(
      s.registrations / 2,
    );
    // Registration needs no worker: 201 at once (a 503 only if the machine is too busy to answer within 10 s).
    expect(Object.keys(r.statuses['registrations']!).filter((k) => k !== '201' && k !== '503')).toEqual([]);
  }, 300_000);

  it('resolves every registration and action cut off by an API SIGKILL to exactly one through the restarted API', async () => {
    const s = settings.api;
    const r = await apiKill(ctx, s);
    expectHeld(r, s.registrations, s.actions);
    expect(r.figures['registrations cut off by the kill (no answer)']).toBeGreaterThan(0);
    expect(r.registrations.acceptedOnRetry).toBeGreaterThan(0);
  }, 300_000);

  it('answers 503, never 500, while the Temporal server is down, recovers without an API restart and loses nothing', async () => {
    const s = settings.server;
    const r = await serverKill(ctx, s);
    const probes = r.registrations.requests - s.registrations;
    expectHeld(r, s.registrations + probes, s.actions);
    expect(r.figures['… answered 503 while it was down']).toBeGreaterThan(0);
    expect(r.figures['… answered anything else']).toBe(0);
    expect(
      r.figures['a read and a registration sent after the restart both answered 2xx after (s)'],
    ).not.toBeNull();
    expect(r.figures['/readyz 200 again after (s)']).not.toBeNull();
    expect(Object.values(r.statuses).flatMap((c) => Object.keys(c))).not.toContain('500');
  }, 300_000);

  it('restores a backup taken under load into a fresh data folder, where every petition registered before it reads back', async () => {
    const s = settings.backup;
    const r = await backupRestore(ctx, s);
    expect(r.problems, formatScenario(r)).toEqual([]);
    const before = r.load['petitions in the source before the backup'] as number;
    expect(before).toBeGreaterThan(s.registrations);
    expect(r.registrations).toMatchObject({ checked: before, lost: 0, duplicated: 0, notAtFirstStep: 0 });
    expect(r.figures['petitions registered before the backup, read back']).toBe(before);
    expect(r.actions).toMatchObject({ lost: 0, duplicated: 0 });
    expect(r.figures['new action on the restored stack (status)']).toBe(200);
    expect(r.ok).toBe(true);
  }, 300_000);
});
