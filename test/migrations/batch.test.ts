/**
 * The "done when" for moving running petitions: 100 running petitions of a definition published through the
 * registry move from version 1 to version 2 on the dev server, one of them refused for lack of a step mapping, while
 * the worker running the batch is killed in the middle and a new one finishes it; every running deadline keeps its
 * elapsed budget (its start and paused days), and each petition moves at most once.
 *
 * Why migration-drill and not petition-2022@1 → @2: the statutory versions have the same steps and periods (version 2
 * only declares what the engine used to assume), so a move between them would show neither a new period nor a step
 * without counterpart; and petition-2022@2 is the statutory text other work changes. The drill's version 2 lengthens
 * both periods, adds a period, renames a step and drops one.
 */
import type { ChildProcess } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import type { NativeConnection, Worker } from '@temporalio/worker';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { calculateDeadline, defaultCalendarData } from '../../definitions/calendar';
import type { DeadlineView, PetitionView } from '../../workflows/engine';
import { petitionStateQuery, petitionWorkflowId } from '../../workflows/messages';
import { forkReady, stopChild } from '../departments/child';
import { eventually, startApiTest, uniqueDept, type ApiTestContext } from '../helpers/api';
import { connectDevServerNative, createTestWorker, testDataDir } from '../helpers/temporal';
import { actOn, inParallel, publishDrill, registerDrill } from './helpers';

const PETITIONS = 100;
const id = `drill-b${randomUUID().slice(0, 8)}`;
const dept = uniqueDept('MB');
const url = `/v1/definitions/${id}/migrations`;

let t: ApiTestContext;
let child: ChildProcess | undefined;
let native: NativeConnection | undefined;
let worker: Worker | undefined;
let running: Promise<void> | undefined;

interface Report {
  status: string;
  runs: number;
  counts: {
    matched: number | null;
    processed: number;
    moved: number;
    refused: number;
    failed: number;
    remaining: number | null;
  };
  outcomes: {
    total: number;
    items: Array<{
      petitionId: string;
      outcome: string;
      reason?: string;
      message?: string;
      step?: { from: string; to: string };
    }>;
  };
}

beforeAll(async () => {
  // Small pages and a new run every 20 petitions: the batch continues as new several times.
  t = await startApiTest({
    worker: false,
    migrationBatch: { pageSize: 10, chunkSize: 4, petitionsPerRun: 20 },
  });
  // Everything — registry, petitions, the batch and its activities — runs in a worker process the test kills.
  ({ child } = await forkReady(
    '../migrations/fixtures/worker.ts',
    [
      JSON.stringify({
        address: inject('devServerAddress'),
        taskQueue: t.taskQueue,
        bundlePath: inject('workflowBundlePath'),
        dataDir: testDataDir(),
      }),
    ],
    {},
  ));
}, 60_000);

afterAll(async () => {
  await stopChild(child, 'SIGKILL');
  if (worker?.getState() === 'RUNNING') worker.shutdown();
  await running;
  await native?.close();
  await t?.close();
});

const view = (petitionId: string): Promise<PetitionView> =>
  t.client.workflow.getHandle(petitionWorkflowId(petitionId)).query(petitionStateQuery);

/** Days of a period used up by `at`: civil days (Asia/Shanghai) since its start, less the days it was paused. */
const civilDay = (iso: string) => Math.floor((Date.parse(iso) + 8 * 3_600_000) / 86_400_000);
const elapsedDays = (d: DeadlineView, at: string) => civilDay(at) - civilDay(d.from) - d.pausedDays;

describe('moving 100 running petitions from version 1 to version 2', () => {
  it(
    'moves 99, refuses the one whose step has no counterpart, survives a worker killed mid-batch, and keeps every deadline’s elapsed budget',
    { timeout: 240_000 },
    async () => {
      const started = Date.now();
      await publishDrill(t, id);
      const registrar = t.token('registrar');
      const staff = t.token('department', dept);
      // 60 rest on the intake (received 0–9 days ago), 39 are forwarded to `handle` (5 in a hearing, 5 after one),
      // 1 is parked: version 2 has no `parked`, and the stepMap names no step for it.
      const petitions = await inParallel([...Array(PETITIONS).keys()], 10, async (i) => {
        const petitionId = await registerDrill(t, id, dept, i % 10);
        if (i === PETITIONS - 1) await actOn(t, petitionId, 'park', registrar);
        else if (i >= 60) {
          await actOn(t, petitionId, 'forward', registrar, { department: dept });
          if (i >= 80 && i < 90) await actOn(t, petitionId, 'hearing-start', staff);
          if (i >= 85 && i < 90) await actOn(t, petitionId, 'hearing-end', staff);
        }
        return petitionId;
      });
      const parked = petitions[PETITIONS - 1]!;
      const before = new Map((await inParallel(petitions, 10, view)).map((v) => [v.id, v]));
      const seeded = Date.now();

      const start = await t.call(t.token('designer'), {
        method: 'POST',
        url,
        payload: { from: 1, to: 2, stepMap: { handle: 'processing' }, dryRun: false },
      });
      expect(start.statusCode, start.body).toBe(202);
      const mid = (start.json() as { id: string }).id;
      const report = async () =>
        (
          await t.call(t.token('designer'), { method: 'GET', url: `${url}/${mid}?limit=500` })
        ).json() as Report;

      // Kill the worker in the middle of the batch; a new one picks it up.
      const midway = await eventually(
        report,
        (r) => r.counts.processed >= 12,
        'a dozen petitions processed',
        30_000,
      );
      await stopChild(child, 'SIGKILL');
      expect(midway.status).toBe('running');
      expect(midway.counts.processed).toBeLessThan(PETITIONS);
      native = await connectDevServerNative();
      worker = await createTestWorker({ connection: native, taskQueue: t.taskQueue });
      running = worker.run();
      const killed = Date.now();

      const done = await eventually(
        report,
        (r) => r.status === 'completed',
        'the batch to complete',
        150_000,
      );
      const finished = Date.now();
      expect(done.counts).toEqual({
        matched: 100,
        processed: 100,
        moved: 99,
        refused: 1,
        failed: 0,
        remaining: 0,
      });
      expect(done.runs).toBeGreaterThanOrEqual(5);
      const outcomes = done.outcomes.items;
      expect(new Set(outcomes.map((o) => o.petitionId)).size).toBe(PETITIONS);
      expect(outcomes.filter((o) => o.outcome === 'refused')).toEqual([
        {
          petitionId: parked,
          outcome: 'refused',
          reason: 'no-counterpart',
          message: `Step "parked" (暂缓) has no counterpart in ${id}@2: name the step it moves to in stepMap.`,
        },
      ]);

      const after = new Map((await inParallel(petitions, 10, view)).map((v) => [v.id, v]));
      const now = new Date().toISOString();
      const calendar = defaultCalendarData();
      for (const petitionId of petitions) {
        const was = before.get(petitionId)!;
        const is = after.get(petitionId)!;
        if (petitionId === parked) {
          // Refused: nothing changed.
          expect(is.definition.version).toBe(1);
          expect(is.step).toBe('parked');
          expect(is.timeline).toEqual(was.timeline);
          continue;
        }
        // Moved exactly once, recorded in its timeline with who, when, the versions and the step mapping.
        const moves = is.timeline.filter((e) => e.type === 'migrated');
        expect(moves, petitionId).toHaveLength(1);
        expect(moves[0]).toMatchObject({
          actor: { role: 'designer' },
          data: { from: `${id}@1`, to: `${id}@2`, migrationId: mid, stepMap: { handle: 'processing' } },
        });
        expect(is.definition.version).toBe(2);
        expect(is.step).toBe(was.step === 'handle' ? 'processing' : 'intake');

        for (const d of was.deadlines.filter((x) => x.closedAt === null)) {
          const moved = is.deadlines.find((x) => x.key === d.key)!;
          // The elapsed budget: the same start, the same paused days, so the same days used up.
          expect(moved.from, `${petitionId} ${d.key}`).toBe(d.from);
          expect(moved.pausedDays).toBe(d.pausedDays);
          expect(moved.extendedDays).toBe(d.extendedDays);
          expect(elapsedDays(moved, now)).toBe(elapsedDays(d, now));
          expect(moved.duration).toBe(d.id === 'handling' ? 45 : 20);
          expect(moved.state).toBe(d.state);
          if (d.state === 'paused') {
            expect(moved.paused).toBe(true);
            continue;
          }
          expect(moved.lastDay).toBe(
            calculateDeadline(
              {
                from: d.from,
                duration: moved.duration,
                counting: 'calendar-days',
                extensionDays: d.extendedDays,
                pausedDays: d.pausedDays,
                article: moved.article,
              },
              calendar,
            ).lastDay,
          );
        }
        if (is.step === 'intake') {
          // Only version 2 has it: armed as on entering the intake, counted from when the petition entered it.
          const entered = was.timeline.find((e) => e.type === 'entered' && e.step === 'intake')!.at;
          expect(is.deadlines.find((d) => d.id === 'first-contact')).toMatchObject({
            state: 'running',
            from: entered,
            duration: 5,
          });
        }
      }

      // Visibility follows: the supervisor's lists see 99 petitions under version 2.
      await eventually(
        () => t.client.workflow.count(`PetitionDefinition = '${id}@2'`),
        (c) => c.count === 99,
        'visibility to show 99 petitions under version 2',
      );
      console.log(
        `[migration] seeded ${PETITIONS} in ${((seeded - started) / 1000).toFixed(1)} s; ` +
          `batch killed after ${midway.counts.processed}, finished ${((finished - killed) / 1000).toFixed(1)} s after the new worker started; ${done.runs} runs`,
      );
    },
  );
});
