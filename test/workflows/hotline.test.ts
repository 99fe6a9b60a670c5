import type { TestWorkflowEnvironment } from '@temporalio/testing';
import type { Worker } from '@temporalio/worker';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { petitionStart } from '../../api/services/petition-start';
import { defaultCalendarData } from '../../definitions/calendar';
import type { Actor, PetitionFacts } from '../../workflows/engine/types';
import type { PetitionView } from '../../workflows/engine/view';
import {
  petitionActionUpdate,
  petitionStateQuery,
  petitionWorkflowId,
  reportReadSignal,
} from '../../workflows/messages';
import type { petition } from '../../workflows/petition';
import { hotlineDefinition, hotlineHash } from '../engine/fixtures/hotline-definition';
import { createTestWorker, createTimeSkippingEnv, uniqueTaskQueue } from '../helpers/temporal';

/**
 * The second definition end to end: a 12345 hotline ticket runs through the same petition workflow, started as the
 * API starts a petition (registration settled, the definition pinned as a snapshot), with no code of its own.
 */
let env: TestWorkflowEnvironment;
let worker: Worker;
let running: Promise<void>;
const taskQueue = uniqueTaskQueue('hotline');

const operator: Actor = { role: 'operator', id: 'op-1' };
const agency: Actor = { role: 'agency', id: 'ag-1', department: 'WATER' };
const coordinator: Actor = { role: 'coordinator', id: 'co-1' };
const caller: Actor = { role: 'caller' };

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

let counter = 0;

async function register(facts: Partial<PetitionFacts> = {}) {
  const now = new Date(await env.currentTimeMs()).toISOString();
  const petitionId = `H${Date.now().toString(36)}${(counter++).toString(36)}`;
  const start = petitionStart({
    petitionId,
    definition: hotlineDefinition,
    definitionHash: hotlineHash,
    petition: {
      category: 'complaint',
      channel: 'app',
      subject: '小区停水',
      content: '三天没有自来水。',
      receivedAt: now,
      petitioner: { name: '王五', phone: '13900000000' },
      ...facts,
    },
    registeredBy: operator,
    registeredAt: now,
    calendar: defaultCalendarData(),
  });
  expect(start.input.definition).toBe(hotlineDefinition);
  const handle = await env.client.workflow.start<typeof petition>('petition', {
    taskQueue,
    workflowId: petitionWorkflowId(petitionId),
    args: [start.input],
    typedSearchAttributes: start.searchAttributes,
  });
  const view = () => handle.query(petitionStateQuery);
  const act = async (action: string, actor: Actor, input: Record<string, unknown> = {}) => {
    await handle.executeUpdate(petitionActionUpdate, { args: [{ action, actor, input }] });
    return await view();
  };
  return { handle, view, act };
}

async function eventually(read: () => Promise<PetitionView>, ok: (v: PetitionView) => boolean, what: string) {
  let last: PetitionView | undefined;
  for (let i = 0; i < 100; i++) {
    last = await read();
    if (ok(last)) return last;
    await new Promise((r) => setTimeout(r, 50));
  }
  throw new Error(`timed out waiting for ${what}; last step: ${last?.step}`);
}

describe('a 12345 hotline ticket through the petition workflow (a definition that is not the statute)', () => {
  it('is dispatched, urged, overdue after five working days, resolved and closed when the caller stays silent', async () => {
    const ticket = await register();
    let v = await ticket.view();
    expect(v).toMatchObject({ step: 'dispatch', category: 'complaint', channel: 'app', confidential: false });
    expect(v.timeline[0]!.message).toBe('工单已登记：complaint，来源 app');

    await ticket.act('dispatch', operator, { agency: 'WATER' });
    v = await eventually(ticket.view, (x) => x.step === 'handle', 'the hand-over');
    expect(v.department).toBe('WATER');
    expect(v.timeline.find((e) => e.step === 'hand-over' && e.type === 'activity')?.message).toBe(
      'manual: ok (queued for WATER)',
    );
    const resolution = v.deadlines.find((d) => d.id === 'resolution')!;
    expect(resolution).toMatchObject({ state: 'running', counting: 'working-days', duration: 5 });

    v = await ticket.act('urge', coordinator, { reason: '居民反映强烈' });
    expect(v.deadlines.find((d) => d.id === 'supervision')).toMatchObject({
      name: '催办回复时限',
      counting: 'working-days',
      duration: 2,
    });
    v = await eventually(
      ticket.view,
      (x) => x.documents.some((d) => d.deliveries.length > 0),
      'the urge slip',
    );
    expect(v.documents.map((d) => d.kind)).toEqual(['urge-slip']);

    await env.sleep(Date.parse(resolution.dueAt!) - (await env.currentTimeMs()) + 60_000);
    v = await eventually(
      ticket.view,
      (x) => x.deadlines.some((d) => d.id === 'resolution' && d.overdue),
      'the resolution period to pass',
    );
    expect(v.timeline.some((e) => e.type === 'escalated')).toBe(true);

    v = await ticket.act('resolve', agency, { resolution: '管道已修复。' });
    expect(v.step).toBe('feedback');
    expect(v.deadlines.find((d) => d.id === 'resolution')).toMatchObject({ state: 'missed', overdue: false });
    const window = v.deadlines.find((d) => d.id === 'feedback-window')!;
    await env.sleep(Date.parse(window.dueAt!) - (await env.currentTimeMs()) + 60_000);
    expect(await ticket.handle.result()).toMatchObject({ outcome: 'resolved', final: false });
  });

  it('answers a consultation at once, and records every read of a confidential tip', async () => {
    const consultation = await register({ category: 'consultation', channel: 'hotline' });
    expect((await consultation.view()).step).toBe('answer');
    await consultation.act('answer', operator, { text: '可在政务App上办理。' });
    expect(await consultation.handle.result()).toMatchObject({ outcome: 'answered' });

    const tip = await register({ category: 'tip', concerns: 'ROADS' });
    expect((await tip.view()).confidential).toBe(true);
    await tip.handle.signal(reportReadSignal, { actor: caller });
    const v = await eventually(tip.view, (x) => x.timeline.some((e) => e.type === 'report-read'), 'the read');
    expect(v.timeline.find((e) => e.type === 'report-read')?.message).toBe('举报线索被查阅：caller');
  });
});
