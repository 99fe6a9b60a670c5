import { existsSync, readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { WorkflowUpdateFailedError, WorkflowExecutionAlreadyStartedError } from '@temporalio/client';
import { ApplicationFailure, defaultPayloadConverter, type Payload } from '@temporalio/common';
import { TestWorkflowEnvironment } from '@temporalio/testing';
import type { Worker } from '@temporalio/worker';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { createActivities } from '../../activities';
import {
  computeDeadline,
  defaultCalendarData,
  mergeCalendarData,
  parseCalendarSupplement,
} from '../../definitions/calendar';
import { loadStatutoryDefinition, statutoryDefinitionHash } from '../../definitions/statutory';
import { calendarUpdatedSignal, petitionWorkflowId } from '../../workflows/messages';
import { PetitionSearchAttributes } from '../../workflows/search-attributes';
import {
  createTestWorker,
  createTimeSkippingEnv,
  testDataConverter,
  testDataDir,
  testLogger,
  testPayloadCodec,
  uniqueTaskQueue,
} from '../helpers/temporal';
import { actors, PetitionDriver, registerSearchAttributesOnTestServer } from './driver';

let env: TestWorkflowEnvironment;
let worker: Worker;
let running: Promise<void>;
const taskQueue = uniqueTaskQueue('statutory');

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

async function refusal(promise: Promise<unknown>): Promise<ApplicationFailure> {
  const err = await promise.then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(err).toBeInstanceOf(WorkflowUpdateFailedError);
  const cause = (err as WorkflowUpdateFailedError).cause;
  expect(cause).toBeInstanceOf(ApplicationFailure);
  return cause as ApplicationFailure;
}

/** Registered directly at D1 → accepted → opinion → reply served: the common trunk of the complaint paths. */
async function repliedComplaint(): Promise<PetitionDriver> {
  const p = await PetitionDriver.start(env, taskQueue, { department: 'D1' });
  expect((await p.view()).step).toBe('accept-notice');
  await p.act('accept', actors.dept);
  await p.act('opinion', actors.dept, {
    outcome: 'reject',
    text: '经调查，供暖温度符合标准。',
    legalBasis: '《民用建筑供暖通风与空气调节设计规范》',
  });
  const v = await p.act('reply', actors.dept);
  expect(v.step).toBe('review-window');
  return p;
}

describe('statutory paths on the time-skipping server', () => {
  it('accept → opinion → reply → no review request within 30 days: the opinion stands and the petition closes (Art. 35)', async () => {
    const p = await repliedComplaint();
    // Notices are delivered beside the petition; their deliveries are recorded once made.
    const v = await eventually(
      () => p.view(),
      (x) => x.documents.every((d) => d.deliveries.length > 0),
      'deliveries',
    );
    expect(v.documents.map((d) => d.kind)).toEqual(['acceptance-notice', 'handling-opinion']);
    expect(v.documents[0]!.text).toContain('李四');
    expect(v.documents[0]!.deliveries[0]).toMatchObject({ channel: 'outbox', ok: true });
    expect(v.deadlines.find((d) => d.id === 'handling')).toMatchObject({
      state: 'met',
      article: expect.stringContaining('第三十四条'),
    });
    const window = v.deadlines.find((d) => d.id === 'review-request-window')!;
    expect(window).toMatchObject({
      state: 'running',
      article: expect.stringContaining('第三十五条'),
      overdue: false,
    });
    await env.sleep(Date.parse(window.dueAt!) - (await env.currentTimeMs()) + 60_000);
    // The window has ended; a request received in time may still be entered for 15 days (its late-entry grace).
    const lapsed = await eventually(
      () => p.deadline('review-request-window'),
      (d) => d?.state === 'missed',
      'the window ended',
    );
    expect((await p.view()).status).toBe('open');
    await env.sleep(Date.parse(lapsed!.graceEndsAt!) - (await env.currentTimeMs()) + 60_000);
    const closed = await eventually(
      () => p.view(),
      (x) => x.status === 'closed',
      'closed',
    );
    expect(closed.outcome).toMatchObject({ outcome: 'opinion-stands', final: false, at: window.dueAt });
    expect(await p.handle.result()).toMatchObject({ outcome: 'opinion-stands' });
    await p.record('complaint-no-review');
  });

  it('accepts no review request once the 30-day window and its late-entry grace have closed the petition (Art. 35)', async () => {
    const p = await repliedComplaint();
    await env.sleep('50 days');
    await eventually(
      () => p.view(),
      (x) => x.status === 'closed',
      'closed',
    );
    // The workflow has finished: the server itself refuses the update (the API answers 409 from the closed state).
    await expect(p.act('request-review', actors.petitioner, { reason: '不服' })).rejects.toThrow(
      /completed|closed|not found/i,
    );
    expect((await p.view()).timeline.some((t) => t.action === 'request-review')).toBe(false);
  });

  it('review: the superior answers within 30 days of the request, then the re-review window lapses (Art. 35, 36)', async () => {
    const p = await repliedComplaint();
    await env.sleep('10 days');
    let v = await p.act('request-review', actors.petitioner, { reason: '温度测量方法有误' });
    expect(v.step).toBe('review');
    const review = v.deadlines.find((d) => d.id === 'review')!;
    expect(review).toMatchObject({ state: 'running', article: expect.stringContaining('第三十五条') });
    v = await p.act('review-opinion', actors.superior, {
      outcome: 'explain',
      text: '维持原处理意见并解释。',
    });
    expect(v.step).toBe('serve-review-opinion');
    v = await p.act('serve-review-opinion', actors.superior);
    expect(v.step).toBe('re-review-window');
    expect(v.documents.at(-1)!.kind).toBe('review-opinion');
    // The window's late-entry grace (15 days) passes before it closes, dated at the window's end (Art. 36).
    await env.sleep('47 days');
    const closed = await eventually(
      () => p.view(),
      (x) => x.status === 'closed',
      'closed',
    );
    expect(closed.outcome).toMatchObject({ outcome: 'review-opinion-stands' });
    await p.record('complaint-review');
  });

  it('re-review with a hearing: the hearing time is not counted and the due instant moves by it; the matter is final (Art. 36)', async () => {
    const p = await repliedComplaint();
    await p.act('request-review', actors.petitioner, { reason: '不服' });
    await p.act('review-opinion', actors.superior, { outcome: 'reject', text: '维持。' });
    await p.act('serve-review-opinion', actors.superior);
    let v = await p.act('request-re-review', actors.petitioner, { reason: '仍不服' });
    expect(v.step).toBe('re-review');
    const before = v.deadlines.find((d) => d.id === 're-review')!;
    await env.sleep('5 days');
    v = await p.act('hearing-start', actors.superior2);
    expect(v.deadlines.find((d) => d.id === 're-review')).toMatchObject({
      state: 'paused',
      paused: true,
      dueAt: null,
    });
    await env.sleep('10 days');
    const paused = await p.deadline('re-review');
    expect(paused).toMatchObject({ state: 'paused', overdue: false });
    v = await p.act('hearing-end', actors.superior2);
    const after = v.deadlines.find((d) => d.id === 're-review')!;
    expect(after.state).toBe('running');
    // Counted inclusively: every civil day the hearing touched, the day it began included (Art. 36).
    expect(after.pausedDays).toBe(11);
    expect(Date.parse(after.dueAt!)).toBeGreaterThan(Date.parse(before.dueAt!));
    const expected = computeDeadline(
      { from: before.from, duration: 30, counting: 'calendar-days', pausedDays: 11 },
      defaultCalendarData(),
    );
    expect(after.lastDay).toBe(expected.lastDay);
    expect(after.explanation).toContain('11');
    await p.act('re-review-opinion', actors.superior2, { outcome: 'reject', text: '复核维持。' });
    v = await p.act('serve-re-review-opinion', actors.superior2);
    // The final opinion closes the matter once the petitioner has evaluated it (Art. 21).
    expect(v.step).toBe('evaluation-window');
    await p.act('evaluate', actors.petitioner, { rating: 'unsatisfied' });
    const done = await eventually(
      () => p.view(),
      (x) => x.status === 'closed',
      'closed',
    );
    expect(done.outcome).toMatchObject({ outcome: 'final', final: true });
    await p.record('complaint-re-review-hearing');
  });

  it('extension: approved once for at most 30 days with a reason; the extension notice states the new last day (Art. 34)', async () => {
    const p = await PetitionDriver.start(env, taskQueue, { department: 'D1' });
    await p.act('accept', actors.dept);
    const original = (await p.deadline('handling'))!;
    const tooLong = await refusal(p.act('extend', actors.head, { days: 31, reason: '案情复杂' }));
    expect(['InvalidInput', 'StatutoryRule']).toContain(tooLong.type);
    const v = await p.act('extend', actors.head, { days: 30, reason: '需要现场检测' });
    const extended = v.deadlines.find((d) => d.id === 'handling')!;
    expect(extended.extendedDays).toBe(30);
    expect(Date.parse(extended.dueAt!)).toBeGreaterThan(Date.parse(original.dueAt!));
    const notice = v.documents.find((d) => d.kind === 'extension-notice')!;
    expect(notice.text).toContain('需要现场检测');
    const [y, m, d] = extended.lastDay!.split('-').map(Number);
    expect(notice.text).toContain(`${y}年${m}月${d}日`);
    const again = await refusal(p.act('extend', actors.head, { days: 5, reason: '再延' }));
    expect(again.type).toBe('StatutoryRule');
    expect(again.message).toContain('第三十四条');
    await p.record('complaint-extension');
  });

  it('objection within 5 working days, agreed by the bureau, hands the petition back to it (Art. 23 ¶3)', async () => {
    const p = await PetitionDriver.start(env, taskQueue);
    expect((await p.view()).step).toBe('forward');
    let v = await p.act('forward', actors.registrar, { department: 'D1' });
    expect(v.step).toBe('accept-notice');
    expect(v.department).toBe('D1');
    v = await p.act('object', actors.dept, { reason: '不属于本机关职责范围' });
    expect(v.step).toBe('verify-objection');
    v = await p.act('agree-objection', actors.registrar);
    expect(v.step).toBe('forward');
    v = await p.act('forward', actors.registrar, { department: 'D2' });
    expect(v.department).toBe('D2');
    const wrongBody = await refusal(p.act('accept', actors.dept));
    expect(wrongBody.type).toBe('Forbidden');
    v = await p.act('accept', actors.dept2);
    expect(v.step).toBe('handle');
    await p.record('objection-hand-back');
  });

  it('refuses an objection after 5 working days (Art. 23 ¶3)', async () => {
    const p = await PetitionDriver.start(env, taskQueue);
    await p.act('forward', actors.registrar, { department: 'D1' });
    await env.sleep('10 days');
    const cause = await refusal(p.act('object', actors.dept, { reason: '不属于本机关职责范围' }));
    expect(cause.type).toBe('StatutoryRule');
    expect(cause.message).toContain('第二十三条');
  });

  it('diversion of a complaint into its legal procedure ends with a notice naming the channel (Art. 31 (1)–(4))', async () => {
    const p = await PetitionDriver.start(env, taskQueue, { department: 'D1' });
    await p.act('divert', actors.dept, { channel: 'litigation', reason: '属于民事纠纷' });
    const v = await eventually(
      () => p.view(),
      (x) => x.status === 'closed',
      'closed',
    );
    expect(v.outcome).toMatchObject({ outcome: 'diverted' });
    const notice = v.documents.find((d) => d.kind === 'diversion-notice')!;
    expect(notice.text).toContain('诉讼');
    await p.record('diversion');
  });

  it('decline: the refusal notice is issued and the petition ends', async () => {
    const p = await PetitionDriver.start(env, taskQueue, { department: 'D1' });
    await p.act('decline', actors.dept, { reason: '已超出信访事项范围' });
    const v = await eventually(
      () => p.view(),
      (x) => x.status === 'closed',
      'closed',
    );
    expect(v.outcome).toMatchObject({ outcome: 'declined' });
    expect(v.documents.map((d) => d.kind)).toContain('refusal-notice');
    await p.record('decline');
  });

  it('withdrawal by the petitioner ends the petition and cancels the running deadlines', async () => {
    const p = await PetitionDriver.start(env, taskQueue, { department: 'D1' });
    await p.act('accept', actors.dept);
    const v = await p.act('withdraw', actors.petitioner, { reason: '问题已解决' });
    expect(v.status).toBe('closed');
    expect(v.outcome).toMatchObject({ outcome: 'withdrawn' });
    expect(v.deadlines.find((d) => d.id === 'handling')!.state).toBe('cancelled');
    await p.record('withdrawal');
  });

  it('an acceptance notice not given within 15 days is overdue, names the body and escalates (Art. 23, 43–45)', async () => {
    const p = await PetitionDriver.start(env, taskQueue, { department: 'D1' });
    await env.sleep('25 days');
    const v = await eventually(
      () => p.view(),
      (x) => x.deadlines.some((d) => d.id === 'acceptance' && d.overdue),
      'acceptance overdue',
    );
    const missed = v.timeline.find((t) => t.type === 'deadline-missed' && t.deadline === 'acceptance')!;
    expect(missed.message).toContain('D1');
    expect(v.timeline.some((t) => t.type === 'escalated')).toBe(true);
    const outbox = path.join(testDataDir(), 'outbox', 'supervisor');
    expect(existsSync(outbox) && readdirSync(outbox).some((f) => f.includes(p.petitionId))).toBe(true);
    const desc = await p.handle.describe();
    expect(desc.searchAttributes['PetitionOverdue']).toEqual([true]);
    const accepted = await p.act('accept', actors.dept);
    expect(accepted.deadlines.find((d) => d.id === 'acceptance')).toMatchObject({
      state: 'missed',
      overdue: false,
    });
    expect(accepted.metrics.acceptedOnTime).toBe(false);
    await p.record('overdue-acceptance');
  });

  it('handling not finished within 60 days is overdue and escalated; the petition keeps waiting (Art. 34)', async () => {
    const p = await PetitionDriver.start(env, taskQueue, { department: 'D1' });
    await p.act('accept', actors.dept);
    await env.sleep('70 days');
    const v = await eventually(
      () => p.view(),
      (x) => x.deadlines.some((d) => d.id === 'handling' && d.overdue),
      'handling overdue',
    );
    expect(v.status).toBe('open');
    expect(v.step).toBe('handle');
    expect(v.timeline.filter((t) => t.type === 'warning').length).toBeGreaterThan(0);
    await p.act('opinion', actors.dept, { outcome: 'support', text: '已整改。', legalBasis: '某条例' });
    const replied = await p.act('reply', actors.dept);
    expect(replied.metrics.finishedOnTime).toBe(false);
    await p.record('overdue-handling');
  });

  it('applies a retried request once: the request id is the update id', async () => {
    const p = await PetitionDriver.start(env, taskQueue, { department: 'D1' });
    const first = await p.act('accept', actors.dept, {}, 'req-accept-1');
    const second = await p.act('accept', actors.dept, {}, 'req-accept-1');
    expect(second.step).toBe(first.step);
    expect((await p.view()).timeline.filter((t) => t.action === 'accept')).toHaveLength(1);
  });

  it('a second start of the same petition is a typed conflict, not a second petition', async () => {
    const p = await PetitionDriver.start(env, taskQueue, { department: 'D1' });
    const start = env.client.workflow.start('petition', {
      taskQueue,
      workflowId: petitionWorkflowId(p.petitionId),
      args: [
        {
          petitionId: p.petitionId,
          definition: loadStatutoryDefinition(),
          definitionHash: statutoryDefinitionHash(),
          registeredBy: actors.registrar,
          petition: (await p.view()).petition,
        },
      ],
    });
    await expect(start).rejects.toBeInstanceOf(WorkflowExecutionAlreadyStartedError);
  });

  it('a whole statutory lifecycle (bureau → forward → accept → opinion → reply → review → re-review with hearing → final, each opinion served and the last evaluated) costs at most 170 history events', async () => {
    const p = await PetitionDriver.start(env, taskQueue);
    await p.act('forward', actors.registrar, { department: 'D1' });
    await p.act('accept', actors.dept);
    await p.act('opinion', actors.dept, { outcome: 'explain', text: '解释说明。', legalBasis: '某条例' });
    await p.act('reply', actors.dept);
    await p.act('evaluate', actors.petitioner, { rating: 'basically-satisfied' });
    await p.act('request-review', actors.petitioner, { reason: '不服' });
    await p.act('review-opinion', actors.superior, { outcome: 'reject', text: '维持。' });
    await p.act('serve-review-opinion', actors.superior);
    await p.act('request-re-review', actors.petitioner, { reason: '仍不服' });
    await p.act('hearing-start', actors.superior2);
    await p.act('hearing-end', actors.superior2);
    await p.act('re-review-opinion', actors.superior2, { outcome: 'reject', text: '复核维持。' });
    await p.act('serve-re-review-opinion', actors.superior2);
    await p.act('evaluate', actors.petitioner, { rating: 'unsatisfied' });
    await eventually(
      () => p.view(),
      (x) => x.status === 'closed',
      'closed',
    );
    await p.handle.result();
    const events = await p.historyLength();
    console.log(`[lifecycle] full statutory lifecycle: ${events} history events`);
    // 143 before issue 12; the service of the review and re-review opinions and the closing evaluation (Arts. 21,
    // 35–36) are three more actions of about six events each.
    expect(events).toBeLessThanOrEqual(170);
    await p.record('full-lifecycle');
  });

  it('recomputes a provisional deadline when newer holiday data is published (calendarUpdated signal)', async () => {
    let calendar = defaultCalendarData();
    const queue = uniqueTaskQueue('calendar');
    // A private test server: the clock of the shared one has been moved years ahead by earlier tests.
    const own = await createTimeSkippingEnv();
    await registerSearchAttributesOnTestServer(own);
    const custom = await createTestWorker({
      connection: own.nativeConnection,
      taskQueue: queue,
      activities: createActivities({
        logger: testLogger,
        dataDir: testDataDir(),
        calendar: () => calendar,
        archiveCodec: testPayloadCodec(),
      }),
    });
    await custom.runUntil(async () => {
      // Today + 60 days lies in a year the shipped holiday data does not cover (chinese-days has up to 2026).
      const p = await PetitionDriver.start(own, queue, { department: 'D1' });
      const accepted = await p.act('accept', actors.dept);
      const handling = accepted.deadlines.find((d) => d.id === 'handling')!;
      // The years without official data that the period touches.
      const years = [...new Set([handling.from.slice(0, 4), handling.lastDay!.slice(0, 4)])].filter(
        (y) => Number(y) > 2026,
      );
      expect(handling.provisional).toBe(true);
      expect(handling.explanation).toContain(handling.lastDay!.slice(0, 4));
      calendar = mergeCalendarData(
        calendar,
        parseCalendarSupplement({
          source: 'test: fictional arrangements without holidays, for the test only',
          years: Object.fromEntries(years.map((y) => [y, { holidays: [], workdays: [] }])),
        }),
      );
      await p.handle.signal(calendarUpdatedSignal);
      const updated = await eventually(
        () => p.deadline('handling'),
        (d) => d?.provisional === false,
        'a recomputed handling deadline',
      );
      expect(updated!.explanation).not.toContain('暂定');
      const view = await p.view();
      expect(
        view.timeline.filter((t) => t.type === 'deadline-computed' && t.deadline === 'handling'),
      ).toHaveLength(2);
    });
    await own.teardown();
  });

  it('registration decided by the API (first-step deadlines and search values in the input): the first task computes no deadline again, and the petition runs as any other', async () => {
    const p = await PetitionDriver.start(env, taskQueue, { department: 'D1' }, { settled: true });
    const registered = await p.view();
    expect(registered.step).toBe('accept-notice');
    expect(registered.deadlines.find((d) => d.id === 'acceptance')).toMatchObject({
      state: 'running',
      overdue: false,
    });
    const { events } = await p.handle.fetchHistory();
    expect(events!.some((e) => e.markerRecordedEventAttributes)).toBe(false);
    // Started with the registered state's search attributes: nothing to upsert after the first task.
    expect(events!.some((e) => e.upsertWorkflowSearchAttributesEventAttributes)).toBe(false);
    await p.act('accept', actors.dept);
    await p.act('opinion', actors.dept, { outcome: 'support', text: '予以支持。', legalBasis: '某条例' });
    const replied = await p.act('reply', actors.dept);
    expect(replied.step).toBe('review-window');
    await p.record('registered-complaint-reply');
  });

  it('keeps the facts of the annual report in PetitionFlags as they happen: assigned, supervised, route and handler (Arts. 22, 31, 40, 41)', async () => {
    const p = await PetitionDriver.start(env, taskQueue, {}, { settled: true });
    const flags = async () =>
      (await p.handle.describe()).typedSearchAttributes.get(PetitionSearchAttributes.flags) ?? [];
    expect(await flags()).toEqual(['intake:bureau']);
    await p.act('forward', actors.registrar, { department: 'D1', mode: 'assign' });
    await p.act('accept', actors.dept, { route: 'investigation' });
    await p.act('supervise', actors.supervisor, { reason: '请加快办理', answerDays: 10 });
    expect(await flags()).toEqual([
      'intake:bureau',
      'assigned',
      'supervised',
      'route:investigation',
      'handler:D1',
    ]);
  });

  it('the same matter after a final re-review is registered and closed at once with a 不予受理告知书 citing 第三十六条 (Arts. 19, 36 ¶3)', async () => {
    const p = await PetitionDriver.start(
      env,
      taskQueue,
      { sameMatter: { id: 'XF20260101EARLIER00001', status: 'closed', outcome: 'final', final: true } },
      { settled: true },
    );
    expect(await p.handle.result()).toMatchObject({ outcome: 'not-accepted-again', final: false });
    const v = await p.view();
    expect(v.documents.map((d) => d.kind)).toEqual(['not-accepted-again-notice']);
    expect(v.documents[0]!.text).toContain('第三十六条第三款');
    expect(v.documents[0]!.text).toContain('XF20260101EARLIER00001');
    expect(v.timeline[0]!.message).toContain('与信访事项 XF20260101EARLIER00001 为同一事项');
    expect((await p.handle.describe()).typedSearchAttributes.get(PetitionSearchAttributes.flags)).toEqual(
      expect.arrayContaining(['outcome:not-accepted-again', 'same-matter']),
    );
  });

  it('the same matter while the earlier petition is handled closes as merged; without a known address no notice is owed (Arts. 19, 23 ¶2)', async () => {
    const open = { id: 'XF20260101EARLIER00002', status: 'open' as const, outcome: null, final: false };
    const p = await PetitionDriver.start(env, taskQueue, { sameMatter: open }, { settled: true });
    expect(await p.handle.result()).toMatchObject({ outcome: 'merged' });
    expect((await p.view()).documents.map((d) => d.kind)).toEqual(['merged-notice']);
    const unknown = await PetitionDriver.start(
      env,
      taskQueue,
      { sameMatter: open, petitioner: { name: '李四', address: ' ' } },
      { settled: true },
    );
    expect(await unknown.handle.result()).toMatchObject({ outcome: 'merged' });
    expect((await unknown.view()).documents).toEqual([]);
  });

  it('the same matter as a petition closed without finality goes on as any other, the link recorded (Art. 19)', async () => {
    const p = await PetitionDriver.start(
      env,
      taskQueue,
      {
        department: 'D1',
        sameMatter: { id: 'XF20260101EARLIER00003', status: 'closed', outcome: 'withdrawn', final: false },
      },
      { settled: true },
    );
    const v = await p.view();
    expect(v).toMatchObject({ status: 'open', step: 'accept-notice' });
    expect(v.variables['sameMatterAs']).toBe('XF20260101EARLIER00003');
  });

  it('a definition reference this worker does not ship fails the workflow task, not the petition, and says why', async () => {
    const petitionId = `TREF${Date.now().toString(36)}`;
    const handle = await env.client.workflow.start('petition', {
      taskQueue,
      workflowId: `petition-${petitionId}`,
      args: [
        {
          petitionId,
          definitionRef: { id: 'petition-2022', version: 99 },
          definitionHash: 'not-shipped',
          registeredBy: actors.registrar,
          petition: {
            category: 'complaint',
            channel: 'letter',
            subject: 's',
            content: 'c',
            receivedAt: new Date().toISOString(),
            petitioner: { name: '李四', address: '某地' },
          },
        },
      ],
    });
    const failed = await eventually(
      async () => (await handle.fetchHistory()).events?.find((e) => e.workflowTaskFailedEventAttributes),
      (e) => e !== undefined,
      'a failed workflow task',
    );
    // Failure messages are encrypted like payloads (config/failure-converter.cjs): decode to read the reason.
    const failure = failed!.workflowTaskFailedEventAttributes!.failure!;
    expect(failure.message).toBe('Encoded failure');
    const [attributes] = await testPayloadCodec().decode([failure.encodedAttributes as Payload]);
    expect(defaultPayloadConverter.fromPayload<{ message: string }>(attributes!).message).toContain(
      'petition-2022@99',
    );
    expect((await handle.describe()).status.name).toBe('RUNNING');
    await handle.terminate('test over');
  });

  it('has a replay fixture for every recorded path', () => {
    const dir = path.resolve('test/fixtures/histories');
    const names = readdirSync(dir).filter((f) => f.endsWith('.json'));
    for (const name of [
      'complaint-no-review',
      'complaint-review',
      'complaint-re-review-hearing',
      'complaint-extension',
      'objection-hand-back',
      'diversion',
      'decline',
      'withdrawal',
      'overdue-acceptance',
      'overdue-handling',
      'full-lifecycle',
      'registered-complaint-reply',
    ]) {
      expect(names).toContain(`${name}.json`);
      expect(JSON.parse(readFileSync(path.join(dir, `${name}.json`), 'utf8')).events.length).toBeGreaterThan(
        5,
      );
    }
  });
});

describe('on the dev server: refused actions (no speculative task is persisted) and worker restarts (sticky queues time out)', () => {
  const dev = {} as {
    env: TestWorkflowEnvironment;
    worker: Worker;
    running: Promise<void>;
    taskQueue: string;
  };
  beforeAll(async () => {
    dev.env = await TestWorkflowEnvironment.createFromExistingServer({
      address: inject('devServerAddress'),
      client: { dataConverter: testDataConverter() },
    });
    dev.taskQueue = uniqueTaskQueue('refusals');
    dev.worker = await createTestWorker({ connection: dev.env.nativeConnection, taskQueue: dev.taskQueue });
    dev.running = dev.worker.run();
  });
  afterAll(async () => {
    dev.worker?.shutdown();
    await dev.running;
    await dev.env?.teardown();
  });

  it('a refused action leaves the history untouched and names the step and the allowed actions', async () => {
    const p = await PetitionDriver.start(dev.env, dev.taskQueue, { department: 'D1' });
    await eventually(
      () => p.view(),
      (v) => v.deadlines.length > 0 && v.deadlines.every((d) => d.state === 'running'),
      'deadlines computed',
    );
    const before = await eventually(
      async () => [
        await p.historyLength(),
        await new Promise((r) => setTimeout(r, 200)).then(() => p.historyLength()),
      ],
      ([a, b]) => a === b,
      'a settled history',
    ).then(([a]) => a!);
    const cause = await refusal(p.act('reply', actors.dept));
    expect(cause.type).toBe('ActionNotAllowed');
    expect(cause.message).toContain('accept-notice');
    expect(cause.message).toContain('accept');
    const forbidden = await refusal(p.act('accept', actors.petitioner));
    expect(forbidden.type).toBe('Forbidden');
    const invalid = await refusal(p.act('decline', actors.dept, {}));
    expect(invalid.type).toBe('InvalidInput');
    expect(await p.historyLength()).toBe(before);
  });

  it('loses nothing when the worker restarts mid-petition: a new worker rebuilds the state from history', async () => {
    const queue = uniqueTaskQueue('restart');
    const first = await createTestWorker({ connection: dev.env.nativeConnection, taskQueue: queue });
    const firstRun = first.run();
    const p = await PetitionDriver.start(dev.env, queue, { department: 'D1' });
    await p.act('accept', actors.dept);
    await p.act('extend', actors.head, { days: 10, reason: '需要补充材料' });
    // The notice of the extension is delivered after the action answers: let it land before the worker goes.
    const before = await eventually(
      () => p.view(),
      (v) => v.timeline.some((t) => t.message.includes('《信访事项延期办理告知书》已送达')),
      'the extension notice delivered',
    );
    first.shutdown();
    await firstRun;

    const second = await createTestWorker({ connection: dev.env.nativeConnection, taskQueue: queue });
    await second.runUntil(async () => {
      const after = await p.view();
      expect(after.timeline).toEqual(before.timeline);
      expect(after.deadlines).toEqual(before.deadlines);
      await p.act('opinion', actors.dept, { outcome: 'support', text: '予以支持。', legalBasis: '某条例' });
      const replied = await p.act('reply', actors.dept);
      expect(replied.step).toBe('review-window');
      expect(replied.deadlines.find((d) => d.id === 'handling')).toMatchObject({
        state: 'met',
        extendedDays: 10,
      });
    });
  });
});
