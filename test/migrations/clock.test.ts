/**
 * The migrateDefinition Update against the statutory clock, on a private time-skipping server: a petition moved in
 * the middle of its handling period keeps the days it has used up, and the workflow's timers follow the moved
 * deadline — the statutory period of petition-2022 ends when it ended before the move, a lengthened drill period ends
 * later — while a refused move leaves the petition, and the timers it had, exactly as they were.
 *
 * With RECORD_HISTORIES=1 (`npm run record-histories`) the statutory move is saved as a replay fixture
 * (test/fixtures/histories/definition-migration-handling.json).
 */
import { WorkflowUpdateFailedError } from '@temporalio/client';
import { ApplicationFailure } from '@temporalio/common';
import type { TestWorkflowEnvironment } from '@temporalio/testing';
import type { Worker } from '@temporalio/worker';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  findStatutoryDefinition,
  STATUTORY_DEFINITION_ID,
  statutoryDefinitionHash,
} from '../../definitions/statutory';
import { pinDefinition } from '../../definitions/statutory/built-in';
import type { Actor } from '../../workflows/engine/types';
import type { DeadlineView, PetitionView } from '../../workflows/engine/view';
import { FailureType } from '../../workflows/failure-types';
import { migrateDefinitionUpdate, type MigrateDefinitionInput } from '../../workflows/messages';
import { createTestWorker, createTimeSkippingEnv, uniqueTaskQueue } from '../helpers/temporal';
import { actors, PetitionDriver } from '../workflows/driver';
import { drillDefinition } from './drill';

const DAY = 86_400_000;
const designer: Actor = { role: 'designer', id: 'designer-1' };
const statutory = (version: number) => findStatutoryDefinition(version)!;
const drill = { v1: drillDefinition(1), v2: drillDefinition(2) };

let env: TestWorkflowEnvironment;
let worker: Worker;
let running: Promise<void>;
const taskQueue = uniqueTaskQueue('migrate-clock');

beforeAll(async () => {
  env = await createTimeSkippingEnv();
  worker = await createTestWorker({ connection: env.nativeConnection, taskQueue });
  running = worker.run();
});

afterAll(async () => {
  worker?.shutdown();
  await running;
  await env?.teardown();
});

/** Skips the server's clock to `iso` plus `ms` (negative: before it). */
async function sleepUntil(iso: string, ms = 0): Promise<void> {
  await env.sleep(Date.parse(iso) + ms - (await env.currentTimeMs()));
}

async function eventually(p: PetitionDriver, ok: (v: PetitionView) => boolean, what: string) {
  let last: PetitionView | undefined;
  for (let i = 0; i < 100; i++) {
    last = await p.view();
    if (ok(last)) return last;
    await new Promise((r) => setTimeout(r, 50));
  }
  throw new Error(`timed out waiting for ${what}; last value: ${JSON.stringify(last)?.slice(0, 800)}`);
}

const openDeadline = (v: PetitionView, id: string): DeadlineView =>
  v.deadlines.find((d) => d.id === id && d.closedAt === null)!;

describe('a petition moved to another definition version, on the time-skipping server', () => {
  it('moved from petition-2022@1 to @2 twenty days into handling keeps its 60-day period from acceptance: warned and overdue when it was due before the move (Art. 34)', async () => {
    const v1 = statutory(1);
    const v2 = statutory(2);
    const p = await PetitionDriver.start(
      env,
      taskQueue,
      { department: 'D1' },
      { settled: true, definition: v1 },
    );
    await p.act('accept', actors.dept);
    await env.sleep(20 * DAY);
    const before = openDeadline(await p.view(), 'handling');
    expect(before).toMatchObject({ state: 'running', duration: 60, overdue: false });

    const result = await p.handle.executeUpdate(migrateDefinitionUpdate, {
      args: [
        {
          migrationId: 'm-clockstatutory',
          from: { id: STATUTORY_DEFINITION_ID, version: 1, hash: v1.hash },
          to: {
            id: STATUTORY_DEFINITION_ID,
            version: 2,
            hash: v2.hash,
            ...pinDefinition(v2.definition, v2.hash),
          },
          actor: designer,
        },
      ],
      updateId: `m-clockstatutory:${p.petitionId}`,
    });
    expect(result).toMatchObject({
      from: `${STATUTORY_DEFINITION_ID}@1`,
      to: `${STATUTORY_DEFINITION_ID}@2`,
      step: { from: 'handle', to: 'handle' },
    });

    const moved = await p.view();
    expect(moved.definition).toEqual({
      id: STATUTORY_DEFINITION_ID,
      version: 2,
      hash: statutoryDefinitionHash(2),
    });
    expect(moved.timeline.filter((e) => e.type === 'migrated')).toMatchObject([
      { actor: designer, data: { from: `${STATUTORY_DEFINITION_ID}@1`, to: `${STATUTORY_DEFINITION_ID}@2` } },
    ]);
    const after = openDeadline(moved, 'handling');
    // The elapsed budget and the statutory deadline: the same start, the same 60 days, the same last day.
    expect(after).toMatchObject({
      key: before.key,
      from: before.from,
      duration: 60,
      pausedDays: 0,
      extendedDays: 0,
      dueAt: before.dueAt,
      lastDay: before.lastDay,
      article: expect.stringContaining('第三十四条'),
    });

    // The timers follow: both warnings (15 and 5 days before) come after the move, the expiry when it was due.
    await sleepUntil(after.dueAt!, -3_600_000);
    const nearly = await eventually(
      p,
      (v) => v.timeline.filter((e) => e.type === 'warning').length === 2,
      'both warnings',
    );
    expect(openDeadline(nearly, 'handling').overdue).toBe(false);
    await sleepUntil(after.dueAt!, 60_000);
    const overdue = await eventually(
      p,
      (v) => openDeadline(v, 'handling')?.overdue === true,
      'handling overdue',
    );
    expect(overdue.step).toBe('handle');

    await p.act('opinion', actors.dept, { outcome: 'support', text: '已整改。', legalBasis: '某条例第十条' });
    const replied = await p.act('reply', actors.dept);
    expect(replied.metrics.finishedOnTime).toBe(false);
    await p.record('definition-migration-handling');
  });

  it('moved twenty days into a 30-day period that the new version makes 45 days, is not overdue on day 31 and is on day 46', async () => {
    const p = await PetitionDriver.start(env, taskQueue, {}, { settled: true, definition: drill.v1 });
    await p.act('forward', actors.registrar, { department: 'D1' });
    await env.sleep(20 * DAY);
    const before = openDeadline(await p.view(), 'handling');
    expect(before).toMatchObject({ duration: 30, overdue: false });

    await p.handle.executeUpdate(migrateDefinitionUpdate, {
      args: [request({ stepMap: { handle: 'processing' } })],
    });
    const after = openDeadline(await p.view(), 'handling');
    expect(after).toMatchObject({ key: before.key, step: 'processing', from: before.from, duration: 45 });
    // 20 of 45 days used up: the period now ends 15 days later than it would have.
    expect(Date.parse(after.dueAt!) - Date.parse(before.dueAt!)).toBe(15 * DAY);

    await sleepUntil(before.dueAt!, 3_600_000);
    // Let any timer the move should have cancelled fire first, if one were left.
    await new Promise((r) => setTimeout(r, 300));
    const day31 = await p.view();
    expect(openDeadline(day31, 'handling').overdue).toBe(false);
    expect(day31.timeline.filter((e) => e.type === 'deadline-missed')).toEqual([]);

    await sleepUntil(after.dueAt!, 60_000);
    await eventually(p, (v) => openDeadline(v, 'handling')?.overdue === true, 'handling overdue on day 46');
  });

  it('refused for a step without counterpart, leaves the petition and its timers as they were: the parked petition is overdue on day 11 under version 1', async () => {
    const p = await PetitionDriver.start(env, taskQueue, {}, { settled: true, definition: drill.v1 });
    await p.act('park', actors.registrar);
    await env.sleep(2 * DAY);
    const before = await p.view();

    const err = await p.handle.executeUpdate(migrateDefinitionUpdate, { args: [request()] }).then(
      () => undefined,
      (e: unknown) => e,
    );
    expect(err).toBeInstanceOf(WorkflowUpdateFailedError);
    const cause = (err as WorkflowUpdateFailedError).cause as ApplicationFailure;
    expect(cause).toBeInstanceOf(ApplicationFailure);
    expect(cause.type).toBe(FailureType.MigrationRefused);
    expect(cause.message).toBe(
      'Step "parked" (暂缓) has no counterpart in migration-drill@2: name the step it moves to in stepMap.',
    );
    expect(await p.view()).toEqual(before);

    const review = openDeadline(before, 'parked-review');
    await sleepUntil(review.dueAt!, 60_000);
    const overdue = await eventually(
      p,
      (v) => openDeadline(v, 'parked-review')?.overdue === true,
      'parked review overdue',
    );
    expect(overdue.definition.version).toBe(1);
    expect(overdue.timeline.filter((e) => e.type === 'migrated')).toEqual([]);
  });
});

function request(over: Partial<MigrateDefinitionInput> = {}): MigrateDefinitionInput {
  return {
    migrationId: 'm-clockdrill',
    from: { id: 'migration-drill', version: 1, hash: drill.v1.hash },
    to: { id: 'migration-drill', version: 2, hash: drill.v2.hash, definition: drill.v2.definition },
    actor: designer,
    ...over,
  };
}
