/**
 * The dry run against the real thing: each statutory path is driven through the petition workflow on the
 * time-skipping server, then dry-run with the same registration and the same actions at the same instants; every
 * deadline (start, due instant, last day, provisional, explanation, state) and the end must be the same.
 */
import type { TestWorkflowEnvironment } from '@temporalio/testing';
import type { Worker } from '@temporalio/worker';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runSimulation, type SimulationAnswer } from '../../api/services/simulation';
import { defaultCalendarData } from '../../definitions/calendar';
import { builtInDefinition } from '../../definitions/statutory/built-in';
import type { DeadlineView, PetitionView } from '../../workflows/engine';
import { createTestWorker, createTimeSkippingEnv, uniqueTaskQueue } from '../helpers/temporal';
import { actors, PetitionDriver, registerSearchAttributesOnTestServer } from './driver';

let env: TestWorkflowEnvironment;
let worker: Worker;
let running: Promise<void>;
const taskQueue = uniqueTaskQueue('simulate');
const shipped = builtInDefinition({ id: 'petition-2022', version: 2 })!;

beforeAll(async () => {
  env = await createTimeSkippingEnv();
  await registerSearchAttributesOnTestServer(env);
  worker = await createTestWorker({ connection: env.nativeConnection, taskQueue });
  running = worker.run();
});

afterAll(async () => {
  worker?.shutdown();
  await running;
  await env?.teardown();
});

async function eventually<T>(read: () => Promise<T>, ok: (value: T) => boolean, what: string): Promise<T> {
  let last: T | undefined;
  for (let i = 0; i < 100; i++) {
    last = await read();
    if (ok(last)) return last;
    await new Promise((r) => setTimeout(r, 50));
  }
  throw new Error(`timed out waiting for ${what}; last value: ${JSON.stringify(last)?.slice(0, 800)}`);
}

/** The dry run of what the workflow went through: its registration and its actions, at their recorded instants. */
async function dryRunOf(view: PetitionView, until?: string): Promise<SimulationAnswer> {
  const registered = view.timeline.find((t) => t.type === 'registered')!;
  return runSimulation(
    { definition: shipped.definition, hash: shipped.hash, from: 'published' },
    {
      definition: 'petition-2022@2',
      start: registered.at,
      petition: {
        category: view.petition.category,
        channel: view.petition.channel,
        receivedAt: view.petition.receivedAt,
        ...(view.petition.department && { department: view.petition.department }),
      },
      actions: view.timeline
        .filter((t) => t.type === 'action')
        .map((t) => ({
          action: t.action!,
          at: t.at,
          input: (t.data?.['input'] ?? {}) as Record<string, unknown>,
          role: t.actor!.role,
          ...(t.actor!.department && { department: t.actor!.department }),
        })),
      ...(until && { until }),
    },
    defaultCalendarData(),
  );
}

const figures = (d: DeadlineView) => ({
  id: d.id,
  step: d.step,
  article: d.article,
  state: d.state,
  from: d.from,
  dueAt: d.dueAt,
  lastDay: d.lastDay,
  provisional: d.provisional,
  extendedDays: d.extendedDays,
  pausedDays: d.pausedDays,
  explanation: d.explanation,
});

/** The user tasks the token rested on, in order. */
const enteredSteps = (view: PetitionView) =>
  view.timeline.filter((t) => t.type === 'entered').map((t) => t.step);

describe('the dry run gives the deadlines the workflow gives on the time-skipping server', () => {
  it('accept → opinion → reply, then the 30-day review window and its entry grace lapse and the opinion stands (Art. 23, 34, 35)', async () => {
    const p = await PetitionDriver.start(env, taskQueue, { department: 'D1' });
    await env.sleep('3 days');
    await p.act('accept', actors.dept);
    await env.sleep('20 days');
    await p.act('opinion', actors.dept, {
      outcome: 'reject',
      text: '经调查，供暖温度符合标准。',
      legalBasis: '某条例第十条',
    });
    const replied = await p.act('reply', actors.dept);
    // The window, then its 15-day entry grace (a request received in time may still be entered, Art. 35).
    await env.sleep(
      Date.parse(replied.deadlines.find((d) => d.id === 'review-request-window')!.dueAt!) -
        (await env.currentTimeMs()) +
        16 * 86_400_000,
    );
    const view = await eventually(
      () => p.view(),
      (x) => x.status === 'closed',
      'closed',
    );
    const dry = await dryRunOf(view);
    expect(dry.refused).toBeUndefined();
    expect(dry.deadlines.map(figures)).toEqual(view.deadlines.map(figures));
    expect(dry.deadlines.map((d) => d.id)).toEqual([
      'acceptance',
      'objection-window',
      'handling',
      'review-request-window',
    ]);
    expect(dry.end).toMatchObject({
      status: 'closed',
      outcome: { outcome: view.outcome!.outcome, final: false },
    });
    expect(dry.steps.filter((s) => s.type === 'userTask').map((s) => s.element)).toEqual(enteredSteps(view));
    expect(dry.documents.map((d) => [d.kind, d.title])).toEqual(view.documents.map((d) => [d.kind, d.title]));
  });

  it('bureau → forward → accept → extension approved by the head → opinion → reply → review → re-review with a hearing over 11 civil days, each opinion served, evaluated: final (Art. 21, 22, 34, 35, 36)', async () => {
    const p = await PetitionDriver.start(env, taskQueue);
    await env.sleep('2 days');
    await p.act('forward', actors.registrar, { department: 'D1' });
    await env.sleep('4 days');
    await p.act('accept', actors.dept);
    await env.sleep('40 days');
    await p.act('extend', actors.head, { days: 20, reason: '需要现场检测' });
    await env.sleep('30 days');
    await p.act('opinion', actors.dept, {
      outcome: 'reject',
      text: '不予支持。',
      legalBasis: '某条例第十条',
    });
    await p.act('reply', actors.dept);
    await env.sleep('12 days');
    await p.act('request-review', actors.petitioner, { reason: '不服' });
    await env.sleep('25 days');
    await p.act('review-opinion', actors.superior, { outcome: 'reject', text: '维持。' });
    await p.act('serve-review-opinion', actors.superior);
    await env.sleep('5 days');
    await p.act('request-re-review', actors.petitioner, { reason: '仍不服' });
    await env.sleep('5 days');
    await p.act('hearing-start', actors.superior);
    await env.sleep('10 days');
    await p.act('hearing-end', actors.superior);
    await env.sleep('20 days');
    await p.act('re-review-opinion', actors.superior, { outcome: 'reject', text: '复核维持。' });
    await p.act('serve-re-review-opinion', actors.superior);
    // The final opinion waits for the petitioner's evaluation (Art. 21).
    await p.act('evaluate', actors.petitioner, { rating: 'unsatisfied' });
    const view = await eventually(
      () => p.view(),
      (x) => x.status === 'closed',
      'closed',
    );
    const dry = await dryRunOf(view);
    expect(dry.refused).toBeUndefined();
    expect(dry.deadlines.map(figures)).toEqual(view.deadlines.map(figures));
    const reReview = dry.deadlines.find((d) => d.id === 're-review')!;
    // Ten days' hearing spans 11 Asia/Shanghai civil days, counted inclusively (Art. 36, the choice of version 2).
    expect(reReview).toMatchObject({ pausedDays: 11, state: 'met' });
    expect(dry.deadlines.find((d) => d.id === 'handling')).toMatchObject({ extendedDays: 20, state: 'met' });
    expect(dry.end).toMatchObject({ status: 'closed', outcome: { outcome: 'final', final: true } });
    expect(dry.steps.filter((s) => s.type === 'userTask').map((s) => s.element)).toEqual(enteredSteps(view));
  }, 60_000);

  it('an acceptance notice not given within 15 days: the same lapse of the objection window, warnings, overdue instant and escalation (Art. 23, 43–45)', async () => {
    const p = await PetitionDriver.start(env, taskQueue, { department: 'D1' });
    await env.sleep('20 days');
    const overdue = await eventually(
      () => p.view(),
      (x) => x.deadlines.some((d) => d.id === 'acceptance' && d.state === 'missed'),
      'the acceptance deadline missed',
    );
    await p.act('accept', actors.dept);
    const view = await p.view();
    const now = new Date(await env.currentTimeMs()).toISOString();
    const dry = await dryRunOf(view, now);
    expect(dry.deadlines.map(figures)).toEqual(view.deadlines.map(figures));
    const kinds = (entries: Array<{ type: string; deadline?: string }>) =>
      entries
        .filter((e) => ['warning', 'deadline-missed', 'escalated'].includes(e.type))
        .map((e) => [e.type, e.deadline]);
    expect(kinds(dry.happenings)).toEqual(kinds(overdue.timeline));
    expect(kinds(dry.happenings)).toEqual([
      ['deadline-missed', 'objection-window'],
      ['warning', 'acceptance'],
      ['warning', 'acceptance'],
      ['deadline-missed', 'acceptance'],
      ['escalated', 'acceptance'],
    ]);
  });
});
