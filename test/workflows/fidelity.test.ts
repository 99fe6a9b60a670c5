import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { WorkflowUpdateFailedError } from '@temporalio/client';
import { ApplicationFailure } from '@temporalio/common';
import type { TestWorkflowEnvironment } from '@temporalio/testing';
import type { Worker } from '@temporalio/worker';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createActivities } from '../../activities';
import { createStaticDirectory } from '../../activities/connectors/directory';
import type { DepartmentRecord } from '../../workflows/department-registry';
import type { BodyFacts, TimelineEntry } from '../../workflows/engine/types';
import { PetitionSearchAttributes as SA } from '../../workflows/search-attributes';
import type { PetitionView } from '../../workflows/engine/view';
import {
  createTestWorker,
  createTimeSkippingEnv,
  testDataDir,
  testLogger,
  testPayloadCodec,
  uniqueTaskQueue,
} from '../helpers/temporal';
import { actors, PetitionDriver, registerSearchAttributesOnTestServer } from './driver';

/**
 * Issue 12 on the time-skipping server: the statutory default (petition-2022@2) keeps the rights of Arts. 35–36,
 * forwards and verifies objections as Arts. 22–23 read, supervises the body that must act (Art. 40), and puts every
 * accountable failure of Arts. 43–45 on the petition's record. The bodies are registered (names, superiors, the
 * political-legal body that receives litigation matters), so documents are signed with registered names.
 */

const record = (
  code: string,
  name: string,
  superior: string | null,
  extra: Partial<DepartmentRecord> = {},
): DepartmentRecord => ({
  code,
  name,
  superior,
  supervisor: { email: `${code.toLowerCase()}-supervisor@example.cn` },
  connector: { kind: 'manual' },
  revision: 1,
  updatedAt: '2026-01-01T00:00:00.000Z',
  updatedBy: { role: 'admin', id: 'seed' },
  ...extra,
});
const REGISTRY = [
  record('S2', '某市人民政府', null),
  record('S1', '某区人民政府', 'S2'),
  record('D1', '某区住房和城乡建设局', 'S1'),
  record('D2', '某区城市管理局', 'S1'),
  record('PL', '某区委政法委员会', null, { receives: ['litigation'] }),
];
/** What the API's registration reads from the registry for a petition received directly by D1. */
const D1: Record<string, BodyFacts> = {
  D1: { name: '某区住房和城乡建设局', superior: 'S1', superiorName: '某区人民政府' },
};

let env: TestWorkflowEnvironment;
let worker: Worker;
let running: Promise<void>;
const taskQueue = uniqueTaskQueue('fidelity');

beforeAll(async () => {
  env = await createTimeSkippingEnv();
  await registerSearchAttributesOnTestServer(env);
  worker = await createTestWorker({
    connection: env.nativeConnection,
    taskQueue,
    activities: createActivities({
      logger: testLogger,
      dataDir: testDataDir(),
      departments: createStaticDirectory(REGISTRY),
      archiveCodec: testPayloadCodec(),
    }),
  });
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

const now = async () => new Date(await env.currentTimeMs()).toISOString();
const later = (iso: string, ms: number) => new Date(Date.parse(iso) + ms).toISOString();
const HOUR = 3_600_000;
const DAY = 24 * HOUR;

/** Sleeps on the server's clock until a minute after `iso`. */
async function sleepPast(iso: string): Promise<void> {
  await env.sleep(Math.max(1, Date.parse(iso) - (await env.currentTimeMs()) + 60_000));
}

/** The accountability entries of the petition (Arts. 43–45), once the timer has fired. */
async function accountability(p: PetitionDriver, count = 1): Promise<TimelineEntry[]> {
  const v = await eventually(
    () => p.view(),
    (x) => x.timeline.filter((t) => t.type === 'accountability').length >= count,
    'an accountability entry',
  );
  return v.timeline.filter((t) => t.type === 'accountability');
}

/** Supervisor notices in the outbox that mention this petition. */
function supervisorNotices(petitionId: string): string[] {
  const dir = path.join(testDataDir(), 'outbox', 'supervisor');
  return readdirSync(dir)
    .filter((f) => f.includes(petitionId))
    .map((f) => readFileSync(path.join(dir, f), 'utf8'));
}

/** Received directly at D1, accepted (route 6), opinion, reply served now. */
async function replied(outcome = 'reject'): Promise<PetitionDriver> {
  const p = await PetitionDriver.start(env, taskQueue, { department: 'D1' }, { bodies: D1 });
  await p.act('accept', actors.dept);
  await p.act('opinion', actors.dept, {
    outcome,
    text: '经调查核实。',
    legalBasis: '《城镇供热管理条例》第十条',
  });
  const v = await p.act('reply', actors.dept);
  expect(v.step).toBe('review-window');
  return p;
}

describe('the rights of Arts. 35–36', () => {
  it('refuses a service date before the reply was issued or after now, as invalid input naming the field (Art. 35)', async () => {
    const p = await PetitionDriver.start(env, taskQueue, { department: 'D1' }, { bodies: D1 });
    await p.act('accept', actors.dept);
    await p.act('opinion', actors.dept, { outcome: 'reject', text: '不予支持。', legalBasis: '某条例' });
    const issuedAt = (await p.view()).documents.find((d) => d.kind === 'handling-opinion')!.generatedAt;
    const before = await refusal(p.act('reply', actors.dept, { servedAt: later(issuedAt, -DAY) }));
    expect(before.type).toBe('InvalidInput');
    expect(before.details?.[0]).toEqual({ field: 'servedAt' });
    expect(before.message).not.toContain(later(issuedAt, -DAY));
    const future = await refusal(p.act('reply', actors.dept, { servedAt: later(await now(), DAY) }));
    expect(future.type).toBe('InvalidInput');
    expect((await p.view()).step).toBe('reply');
  });

  it('refuses a review request received before the reply was served or in the future (Art. 35)', async () => {
    const p = await replied();
    const served = (await p.view()).variables['replyServedAt'] as string;
    const early = await refusal(
      p.act('request-review', actors.petitioner, { reason: '不服', receivedAt: later(served, -HOUR) }),
    );
    expect([early.type, early.details?.[0]]).toEqual(['InvalidInput', { field: 'receivedAt' }]);
    const future = await refusal(
      p.act('request-review', actors.petitioner, { reason: '不服', receivedAt: later(await now(), DAY) }),
    );
    expect([future.type, future.details?.[0]]).toEqual(['InvalidInput', { field: 'receivedAt' }]);
  });

  it('accepts a request received on the window’s last day and entered two days later, and records the late entry (Art. 35)', async () => {
    const p = await replied();
    const window = (await p.deadline('review-request-window'))!;
    expect(window.explanation).toContain('期间届满后15日内');
    await sleepPast(later(window.dueAt!, 2 * DAY - 2 * 60_000));
    const receivedAt = later(window.dueAt!, -HOUR);
    const v = await p.act('request-review', actors.petitioner, { reason: '测量方法有误', receivedAt });
    expect(v.step).toBe('review');
    expect(v.deadlines.find((d) => d.id === 'review-request-window')).toMatchObject({ state: 'met' });
    const entry = v.timeline.find((t) => t.type === 'late-entry')!;
    expect(entry.data).toMatchObject({ receivedAt, days: 2, afterWindow: true });
    expect(v.deadlines.find((d) => d.id === 'review')!.from).toBe(receivedAt);
  });

  it('refuses a request received after the window even while late entries are accepted (Art. 36)', async () => {
    const p = await replied();
    await p.act('request-review', actors.petitioner, { reason: '不服' });
    await p.act('review-opinion', actors.superior, { outcome: 'reject', text: '维持。' });
    await p.act('serve-review-opinion', actors.superior);
    const window = (await p.deadline('re-review-request-window'))!;
    await sleepPast(later(window.dueAt!, DAY));
    const cause = await refusal(
      p.act('request-re-review', actors.petitioner, {
        reason: '仍不服',
        receivedAt: later(window.dueAt!, HOUR),
      }),
    );
    expect(cause.type).toBe('StatutoryRule');
    expect(cause.message).toContain('第三十六条');
  });

  it('refuses a review or re-review opinion served before its issue or in the future, and a re-review request received before the review opinion was served (Art. 35, 36)', async () => {
    const p = await replied();
    await p.act('request-review', actors.petitioner, { reason: '不服' });
    await p.act('review-opinion', actors.superior, { outcome: 'reject', text: '维持。' });
    const reviewIssued = (await p.view()).variables['reviewOpinionIssuedAt'] as string;
    for (const servedAt of [later(reviewIssued, -HOUR), later(await now(), DAY)]) {
      const cause = await refusal(p.act('serve-review-opinion', actors.superior, { servedAt }));
      expect([cause.type, cause.details?.[0]]).toEqual(['InvalidInput', { field: 'servedAt' }]);
      expect(cause.message).not.toContain(servedAt);
    }
    await env.sleep('2 hours');
    const served = later(await now(), -HOUR);
    await p.act('serve-review-opinion', actors.superior, { servedAt: served });
    const early = await refusal(
      p.act('request-re-review', actors.petitioner, { reason: '仍不服', receivedAt: later(served, -60_000) }),
    );
    expect([early.type, early.details?.[0]]).toEqual(['InvalidInput', { field: 'receivedAt' }]);
    await p.act('request-re-review', actors.petitioner, { reason: '仍不服' });
    await p.act('re-review-opinion', actors.superior2, { outcome: 'reject', text: '维持。' });
    const reReviewIssued = (await p.view()).variables['reReviewOpinionIssuedAt'] as string;
    for (const servedAt of [later(reReviewIssued, -HOUR), later(await now(), DAY)]) {
      const cause = await refusal(p.act('serve-re-review-opinion', actors.superior2, { servedAt }));
      expect([cause.type, cause.details?.[0]]).toEqual(['InvalidInput', { field: 'servedAt' }]);
    }
    expect((await p.view()).step).toBe('serve-re-review-opinion');
  });

  it('counts a hearing inclusively in Shanghai civil days: held within one day it excludes 1 day, from one day to the next 2 (Art. 36)', async () => {
    const inReReview = async () => {
      const p = await replied();
      await p.act('request-review', actors.petitioner, { reason: '不服' });
      await p.act('review-opinion', actors.superior, { outcome: 'reject', text: '维持。' });
      await p.act('serve-review-opinion', actors.superior);
      await p.act('request-re-review', actors.petitioner, { reason: '仍不服' });
      return p;
    };
    // To 10:00 in Shanghai (UTC+8, no daylight saving), so that the hearings' civil days are known.
    const untilShanghaiTen = async () => {
      const t = await env.currentTimeMs();
      const ten = Math.floor((t + 8 * HOUR) / DAY) * DAY + 10 * HOUR - 8 * HOUR;
      await env.sleep(ten > t ? ten - t : ten + DAY - t);
    };
    const oneDay = await inReReview();
    const twoDays = await inReReview();
    await untilShanghaiTen();
    await oneDay.act('hearing-start', actors.superior2);
    await twoDays.act('hearing-start', actors.superior2);
    await env.sleep('2 hours');
    const v1 = await oneDay.act('hearing-end', actors.superior2);
    await env.sleep('1 day');
    const v2 = await twoDays.act('hearing-end', actors.superior2);
    expect(v1.deadlines.find((d) => d.id === 're-review')!.pausedDays).toBe(1);
    expect(v2.deadlines.find((d) => d.id === 're-review')!.pausedDays).toBe(2);
    expect(v1.timeline.filter((t) => t.type === 'deadline-resumed').at(-1)!.message).toContain('不计入期限');
  });
});

describe('forwarding and objection, Arts. 22–23', () => {
  it('the forward action meets the bureau’s 15 days, and the body’s own 15 days run from its receipt (Art. 22, 23 ¶3)', async () => {
    const p = await PetitionDriver.start(env, taskQueue);
    await env.sleep('3 days');
    const at = await now();
    const v = await p.act('forward', actors.registrar, { department: 'D1' });
    const forwarding = v.deadlines.find((d) => d.id === 'forwarding')!;
    expect(forwarding.state).toBe('met');
    expect(Date.parse(forwarding.closedAt!) - Date.parse(at)).toBeLessThan(60_000);
    const acceptance = v.deadlines.find((d) => d.id === 'acceptance')!;
    expect(acceptance).toMatchObject({ state: 'running', accountable: { department: 'D1' } });
    expect(acceptance.from).toBe(v.variables['receivedByBodyAt']);
    expect(Date.parse(acceptance.from) - Date.parse(at)).toBeLessThan(60_000);
    expect(v.bodies['D1']).toMatchObject({ name: '某区住房和城乡建设局' });
  });

  it('an objection neither meets nor restarts a period; agreed, the matter returns to forwarding and a second body gets its own period, while a body forwarded twice keeps its first receipt (Art. 22, 23 ¶3)', async () => {
    const p = await PetitionDriver.start(env, taskQueue);
    const first = (await p.deadline('forwarding'))!;
    await p.act('forward', actors.registrar, { department: 'D1' });
    const d1Receipt = (await p.view()).variables['receivedByBodyAt'];
    await env.sleep('2 days');
    let v = await p.act('object', actors.dept, { reason: '不属于本机关职责范围' });
    expect(v.step).toBe('verify-objection');
    expect(v.deadlines.find((d) => d.id === 'acceptance')!.state).toBe('running');
    await env.sleep('1 day');
    v = await p.act('agree-objection', actors.registrar, { reason: '核实属实' });
    expect(v.step).toBe('forward');
    const again = v.deadlines.filter((d) => d.id === 'forwarding').at(-1)!;
    expect([again.from, again.dueAt]).toEqual([first.from, first.dueAt]);
    await env.sleep('1 day');
    v = await p.act('forward', actors.registrar, { department: 'D2' });
    const d2 = v.deadlines.filter((d) => d.id === 'acceptance').at(-1)!;
    expect(d2.accountable.department).toBe('D2');
    expect(Date.parse(d2.from)).toBeGreaterThan(Date.parse(d1Receipt as string) + 3 * DAY);
    v = await p.act('object', actors.dept2, { reason: '亦不属于本机关' });
    v = await p.act('agree-objection', actors.registrar);
    v = await p.act('forward', actors.registrar, { department: 'D1' });
    expect(v.deadlines.filter((d) => d.id === 'acceptance').at(-1)!.from).toBe(d1Receipt);
  });

  it('a body that received the matter directly forwards it to a subordinate body and tells the petitioner where it went (Art. 23 ¶1)', async () => {
    const p = await PetitionDriver.start(env, taskQueue, { department: 'D1' }, { bodies: D1 });
    const v = await p.act('forward', actors.dept, { department: 'D2', reason: '属于城市管理职责' });
    expect(v.step).toBe('accept-notice');
    expect(v.holder).toBe('D2');
    const notice = await eventually(
      () => p.view(),
      (x) => x.documents.some((d) => d.kind === 'forwarding-notice'),
      'the forwarding notice',
    );
    const text = notice.documents.find((d) => d.kind === 'forwarding-notice')!.text;
    expect(text).toContain('已转送某区城市管理局办理');
    expect(text).toContain('某区住房和城乡建设局');
    expect(
      notice.deadlines.filter((d) => d.id === 'acceptance').map((d) => [d.accountable.department, d.state]),
    ).toEqual([
      ['D1', 'met'],
      ['D2', 'running'],
    ]);
  });

  it('a body declines a matter outside its system, the notice naming the issuing and the competent body (Art. 23 ¶1)', async () => {
    const p = await PetitionDriver.start(env, taskQueue, { department: 'D1' }, { bodies: D1 });
    await p.act('decline', actors.dept, { reason: '不属于本系统职权范围', competentBody: '某区人民法院' });
    const v = await eventually(
      () => p.view(),
      (x) => x.status === 'closed',
      'closed',
    );
    const text = v.documents.find((d) => d.kind === 'refusal-notice')!.text;
    expect(text).toContain('请你（单位）向某区人民法院提出');
    expect(text).toContain('某区住房和城乡建设局');
  });

  it('hands a litigation-related matter to the registered political-legal body through its connector (诉访分离, Art. 31 (1))', async () => {
    const p = await PetitionDriver.start(env, taskQueue, { department: 'D1' }, { bodies: D1 });
    await p.act('divert', actors.dept, { channel: 'litigation', reason: '属于民事纠纷' });
    const v = await eventually(
      () => p.view(),
      (x) => x.status === 'closed',
      'closed',
    );
    expect(v.outcome).toMatchObject({ outcome: 'diverted' });
    expect(v.variables['divertedToBody']).toBe('PL');
    const handed = v.timeline.find(
      (t) => t.step === 'hand-to-political-legal-body' && t.type === 'activity',
    )!;
    expect(handed.message).toContain('queued for PL');
  });
});

describe('supervision, Arts. 32 ¶2 and 40', () => {
  it('orders the reviewing body during a review, and only its written answer meets the order, not a step moving on (Art. 40)', async () => {
    const p = await replied();
    await p.act('request-review', actors.petitioner, { reason: '不服' });
    let v = await p.act('supervise', actors.supervisor, { reason: '请加快复查', answerDays: 10 });
    expect(v.supervision[0]).toMatchObject({ department: 'S1' });
    const order = await eventually(
      () => p.view(),
      (x) => x.documents.some((d) => d.kind === 'supervision-order'),
      'the supervision order',
    );
    expect(order.documents.find((d) => d.kind === 'supervision-order')!.text).toMatch(/^某区人民政府：/);
    await p.act('review-opinion', actors.superior, { outcome: 'reject', text: '维持。' });
    v = await p.act('serve-review-opinion', actors.superior);
    expect(v.step).toBe('re-review-window');
    expect(v.deadlines.find((d) => d.id === 'supervision')!.state).toBe('running');
    expect((await p.handle.describe()).typedSearchAttributes.get(SA.department)).toBe('S1');
    const wrongBody = await refusal(p.act('answer-supervision', actors.dept, { text: '已办' }));
    expect(wrongBody.type).toBe('Forbidden');
    v = await p.act('answer-supervision', actors.superior, { text: '已提出并送达复查意见。' });
    expect(v.deadlines.find((d) => d.id === 'supervision')!.state).toBe('met');
    expect(v.supervision[0]).toMatchObject({ answer: '已提出并送达复查意见。' });
  });

  it('supervises a petition in a request window, the order going to the handling body (Art. 40)', async () => {
    const p = await replied();
    const v = await p.act('supervise', actors.supervisor, { reason: '督促落实', answerDays: 5 });
    expect(v.supervision[0]).toMatchObject({ step: 'review-window', department: 'D1' });
  });

  it('a supported opinion keeps the petition open and supervisable until the body reports its execution (Art. 32 (1))', async () => {
    const p = await replied('support');
    // The review window, then its late-entry grace, pass without a request: the opinion stands and is executed.
    await sleepPast(later((await p.deadline('review-request-window'))!.dueAt!, 15 * DAY));
    let v = await eventually(
      () => p.view(),
      (x) => x.step === 'execute',
      'the execution step',
    );
    expect(v.status).toBe('open');
    expect((await p.handle.describe()).typedSearchAttributes.get(SA.department)).toBe('D1');
    v = await p.act('supervise', actors.supervisor, { reason: '督促执行', answerDays: 5 });
    await p.act('answer-supervision', actors.dept, { text: '正在执行。' });
    v = await p.act('report-execution', actors.dept, { text: '已整改完毕。' });
    expect(v.status).toBe('closed');
    expect(v.outcome).toMatchObject({ outcome: 'opinion-stands' });
    expect(v.deadlines.find((d) => d.id === 'execution')!.state).toBe('met');
  });
});

describe('who is accountable, on the record (Arts. 28, 34, 43–45)', () => {
  it('lists the petition under the reviewing body during a review, and under none while the petitioner holds it (Arts. 43–45)', async () => {
    const p = await replied();
    const attribute = async () => (await p.handle.describe()).typedSearchAttributes.get(SA.department);
    expect(await eventually(attribute, (a) => a === undefined, 'no body')).toBeUndefined();
    await p.act('request-review', actors.petitioner, { reason: '不服' });
    expect(await eventually(attribute, (a) => a === 'S1', 'the reviewing body')).toBe('S1');
  });

  it('refuses an extension without the approver claim, citing 第三十四条, and names the approver of an approved one in the notice (Art. 34)', async () => {
    const p = await PetitionDriver.start(env, taskQueue, { department: 'D1' }, { bodies: D1 });
    await p.act('accept', actors.dept);
    const cause = await refusal(p.act('extend', actors.dept, { days: 30, reason: '需要现场检测' }));
    expect(cause.type).toBe('Forbidden');
    expect(cause.message).toContain('第三十四条');
    let v = await p.view();
    expect(v.deadlines.find((d) => d.id === 'handling')!.extendedDays).toBe(0);
    v = await p.act('extend', actors.head, { days: 30, reason: '需要现场检测' });
    const handling = v.deadlines.find((d) => d.id === 'handling')!;
    expect(handling).toMatchObject({ approvedBy: 'head-1', approverTitle: '本机关负责人', extendedDays: 30 });
    expect(handling.explanation).toContain('自原期限按日历确定的最后一日');
    const notice = v.documents.find((d) => d.kind === 'extension-notice')!.text;
    const [y, m, d] = handling.lastDay!.split('-').map(Number);
    const [oy, om, od] = handling.originalLastDay!.split('-').map(Number);
    for (const part of [
      '经本机关负责人批准（批准人：head-1）',
      '延长30日',
      '延期理由：需要现场检测',
      `${y}年${m}月${d}日`,
      `${oy}年${om}月${od}日`,
      '某区住房和城乡建设局',
    ])
      expect(notice).toContain(part);
  });

  it('a recused user may not act on the petition; a petitioner’s request for recusal is raised to the supervisor contact (Art. 28 ¶3)', async () => {
    const p = await PetitionDriver.start(env, taskQueue, { department: 'D1' }, { bodies: D1 });
    await p.act('recuse', actors.dept, { reason: '与信访人系近亲属' });
    const cause = await refusal(p.act('accept', actors.dept));
    expect(cause.type).toBe('Forbidden');
    expect(cause.message).toContain('第二十八条');
    await p.act('accept', { ...actors.dept, id: 'staff-9' });
    await p.act('request-recusal', actors.petitioner, { reason: '经办人与被投诉企业有利害关系' });
    const notices = await eventually(
      async () => supervisorNotices(p.petitionId),
      (n) => n.some((t) => t.includes('经办人与被投诉企业有利害关系')),
      'the recusal request raised',
    );
    expect(notices.find((t) => t.includes('申请回避'))).toContain('d1-supervisor@example.cn');
  });

  it('records a registration later than the day after receipt, in whole days (Arts. 43–44)', async () => {
    const receivedAt = later(await now(), -5 * DAY);
    const p = await PetitionDriver.start(env, taskQueue, { receivedAt });
    const v = await p.view();
    expect(v.variables['lateRegistrationDays']).toBe(4);
    expect(v.timeline[0]!.message).toContain('登记晚于收到次日 4 日');
  });

  it('flags a major or urgent matter and tells the supervisor contact at once (Art. 25)', async () => {
    const p = await PetitionDriver.start(env, taskQueue, { department: 'D1' }, { bodies: D1 });
    const v = await p.act('flag-urgent', actors.dept, { reason: '涉及群体性利益' });
    expect(v.variables['urgent']).toBe(true);
    await eventually(
      async () => supervisorNotices(p.petitionId),
      (n) => n.some((t) => t.includes('重大、紧急信访事项：涉及群体性利益')),
      'the urgent matter raised',
    );
  });

  describe('each accountable failure of Arts. 43–45 is on the record, naming the body, the period, its article and the dates', () => {
    const expectEntry = (entry: TimelineEntry, expected: Record<string, unknown>, view: PetitionView) => {
      expect(entry.type).toBe('accountability');
      expect(entry.data).toMatchObject(expected);
      const period = view.deadlines.find((d) => d.name === entry.data!['period']);
      if (period) {
        expect(entry.data).toMatchObject({ from: period.from, lastDay: period.lastDay, dueAt: period.dueAt });
        expect(entry.message).toContain(period.lastDay!);
      }
      expect(entry.message).toContain(String(expected['article']));
    };

    it('not forwarded in time: the bureau’s 15 days (Art. 22, 43)', async () => {
      const p = await PetitionDriver.start(env, taskQueue);
      await sleepPast((await p.deadline('forwarding'))!.dueAt!);
      const [entry] = await accountability(p);
      expectEntry(
        entry!,
        {
          bodyName: '信访部门',
          failure: '未在规定期限内转送、交办信访事项',
          period: '转送、交办期限',
          periodArticle: '《信访工作条例》第二十二条',
          article: '《信访工作条例》第四十三条',
        },
        await p.view(),
      );
    });

    it('not notified in time: the body’s 15 days (Art. 23, 44)', async () => {
      const p = await PetitionDriver.start(env, taskQueue, { department: 'D1' }, { bodies: D1 });
      await sleepPast((await p.deadline('acceptance'))!.dueAt!);
      const [entry] = await accountability(p);
      expectEntry(
        entry!,
        {
          body: 'D1',
          bodyName: '某区住房和城乡建设局',
          period: '受理告知期限',
          periodArticle: '《信访工作条例》第二十三条第二款、第三款',
          article: '《信访工作条例》第四十四条',
        },
        await p.view(),
      );
    });

    it('refused to accept: an objection the bureau finds unfounded (Art. 23 ¶3, 44)', async () => {
      const p = await PetitionDriver.start(env, taskQueue);
      await p.act('forward', actors.registrar, { department: 'D1' });
      await p.act('object', actors.dept, { reason: '不属于本机关' });
      const v = await p.act('refuse-objection', actors.registrar, { reason: '属于该局法定职责' });
      expect(v.step).toBe('accept-notice');
      const [entry] = await accountability(p);
      expectEntry(
        entry!,
        {
          body: 'D1',
          bodyName: '某区住房和城乡建设局',
          period: '受理告知期限',
          article: '《信访工作条例》第四十四条',
        },
        v,
      );
      expect(entry!.actor).toMatchObject({ role: 'registrar' });
    });

    it('not finished in time: the 60 days of Art. 34 (Art. 45)', async () => {
      const p = await PetitionDriver.start(env, taskQueue, { department: 'D1' }, { bodies: D1 });
      await p.act('accept', actors.dept);
      await sleepPast((await p.deadline('handling'))!.dueAt!);
      const entries = await accountability(p);
      expectEntry(
        entries.find((e) => e.data!['period'] === '办理期限')!,
        { body: 'D1', periodArticle: '《信访工作条例》第三十四条', article: '《信访工作条例》第四十五条' },
        await p.view(),
      );
    });

    it('supervision not answered within its period (Art. 40, 45)', async () => {
      const p = await PetitionDriver.start(env, taskQueue, { department: 'D1' }, { bodies: D1 });
      await p.act('accept', actors.dept);
      await p.act('supervise', actors.supervisor, { reason: '请加快办理', answerDays: 5 });
      await sleepPast((await p.deadline('supervision'))!.dueAt!);
      const [entry] = await accountability(p);
      expectEntry(
        entry!,
        {
          body: 'D1',
          period: '督办答复期限',
          periodArticle: '《信访工作条例》第四十条',
          article: '《信访工作条例》第四十条、第四十五条',
        },
        await p.view(),
      );
    });

    it('extension without the approval of the body’s head (Art. 34, 45)', async () => {
      const p = await PetitionDriver.start(env, taskQueue, { department: 'D1' }, { bodies: D1 });
      await p.act('accept', actors.dept);
      await refusal(p.act('extend', actors.dept, { days: 10, reason: '情况复杂' }));
      const [entry] = await accountability(p);
      expectEntry(
        entry!,
        {
          body: 'D1',
          failure: '未经本机关负责人批准延长办理期限',
          period: '办理期限',
          article: '《信访工作条例》第三十四条、第四十五条',
        },
        await p.view(),
      );
      expect(entry!.actor).toMatchObject({ id: 'staff-1' });
    });

    it('an opinion supporting the request not executed within 60 days of its service (Art. 32, 45)', async () => {
      const p = await replied('support');
      await sleepPast(later((await p.deadline('review-request-window'))!.dueAt!, 15 * DAY));
      const execution = await eventually(
        () => p.deadline('execution'),
        (d) => d?.dueAt !== null && d?.dueAt !== undefined,
        'the execution period',
      );
      await sleepPast(execution!.dueAt!);
      const [entry] = await accountability(p);
      expectEntry(
        entry!,
        {
          body: 'D1',
          failure: '未执行支持信访请求的处理意见',
          period: '执行期限',
          periodArticle: '《信访工作条例》第三十二条',
          article: '《信访工作条例》第四十五条',
        },
        await p.view(),
      );
    });
  });
});

describe('evaluation (Art. 21)', () => {
  it('a suggestion’s reply waits 30 days for the petitioner’s evaluation, which the satisfaction attribute counts (Art. 21)', async () => {
    const p = await PetitionDriver.start(
      env,
      taskQueue,
      { department: 'D1', category: 'suggestion' },
      { bodies: D1 },
    );
    await p.act('accept', actors.dept);
    await p.act('opinion', actors.dept, { outcome: 'support', text: '予以采纳。' });
    let v = await p.act('reply', actors.dept);
    expect(v.step).toBe('evaluation-window');
    v = await p.act('evaluate', actors.petitioner, { rating: 'satisfied' });
    expect(v.outcome).toMatchObject({ outcome: 'answered' });
    expect((await p.handle.describe()).searchAttributes['PetitionSatisfaction']).toEqual(['satisfied']);
  });

  it('a route-5 answer closes once its evaluation window has passed unanswered (Art. 21, 31 (5))', async () => {
    const p = await PetitionDriver.start(env, taskQueue, { department: 'D1' }, { bodies: D1 });
    await p.act('accept', actors.dept, { route: 'duty' });
    await p.act('opinion', actors.dept, { outcome: 'support', text: '已依法查处。' });
    await p.act('reply', actors.dept);
    await sleepPast((await p.deadline('evaluation-window'))!.dueAt!);
    const v = await eventually(
      () => p.view(),
      (x) => x.status === 'closed',
      'closed',
    );
    expect(v.outcome).toMatchObject({ outcome: 'answered' });
  });
});

describe('the documents', () => {
  it('the acceptance notice states the period and route chosen, signed with the registered name (Art. 23, 31, 34)', async () => {
    const route6 = await PetitionDriver.start(env, taskQueue, { department: 'D1' }, { bodies: D1 });
    await route6.act('accept', actors.dept);
    const route5 = await PetitionDriver.start(env, taskQueue, { department: 'D1' }, { bodies: D1 });
    await route5.act('accept', actors.dept, { route: 'duty' });
    const text = async (p: PetitionDriver) =>
      (
        await eventually(
          () => p.view(),
          (x) => x.documents.some((d) => d.kind === 'acceptance-notice'),
          'the acceptance notice',
        )
      ).documents.find((d) => d.kind === 'acceptance-notice')!.text;
    const six = await text(route6);
    expect(six).toContain('自受理之日起60日内办结');
    expect(six).toContain('第三十一条第六项');
    expect(six).toContain('某区住房和城乡建设局');
    expect(six).not.toMatch(/\bD1\b/);
    const five = await text(route5);
    expect(five).toContain('依照有关法律、行政法规规定的期限办理');
    expect(five).toContain('第三十一条第五项');
    expect(five).not.toContain('60日');
  });

  it('the handling opinion states its legal basis and names the reviewing body and its period (Art. 32, 35)', async () => {
    const p = await replied();
    const opinion = (await p.view()).documents.find((d) => d.kind === 'handling-opinion')!.text;
    expect(opinion).toContain('法律依据：《城镇供热管理条例》第十条');
    expect(opinion).toContain('自收到本意见书之日起30日内，向某区人民政府请求复查');
    expect(opinion).toContain('某区住房和城乡建设局');
  });
});
