/**
 * End to end through HTTP only, against the dev server and a real worker: one whole statutory lifecycle, and the
 * supervision lists for petitions registered with a backdated receipt (how historic petitions are entered).
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  eventually,
  petitionBody,
  startApiTest,
  uniqueDept,
  untilStep,
  type ApiTestContext,
} from '../helpers/api';

let t: ApiTestContext;
const D = uniqueDept('E');
const DAY = 86_400_000;

beforeAll(async () => {
  t = await startApiTest();
});
afterAll(async () => {
  await t?.close();
});

describe('a whole statutory lifecycle through the API', () => {
  it('bureau → forward → accept → opinion → reply → evaluate → review → re-review with a hearing → final (Art. 22–36)', async () => {
    const registrar = t.token('registrar', undefined, 'reg-e2e');
    const staff = t.token('department', D, 'staff-e2e');
    const superior = t.token('superior', uniqueDept('S'), 'sup-e2e');
    const registered = await t.call(registrar, {
      method: 'POST',
      url: '/v1/petitions',
      payload: petitionBody({ channel: 'visit' }),
    });
    expect(registered.statusCode).toBe(201);
    const { id, accessCode } = registered.json();
    expect(registered.json()).toMatchObject({
      step: 'forward',
      deadlines: [
        expect.objectContaining({ id: 'forwarding', article: expect.stringContaining('第二十二条') }),
      ],
    });

    const petitioner = { 'x-access-code': accessCode };
    // An action that hands the petition to a body answers at once, on the hand-over step; the body acts once the
    // petition has reached it (the step after the hand-over).
    const handOvers: Record<string, string> = {
      'deliver-to-department': 'accept-notice',
      'deliver-to-reviewer': 'review',
      'deliver-to-re-reviewer': 're-review',
    };
    const steps: Array<
      [string | undefined, string, Record<string, unknown>, string, Record<string, string>?]
    > = [
      [registrar, 'forward', { department: D }, 'deliver-to-department'],
      [staff, 'accept', {}, 'handle'],
      [
        staff,
        'opinion',
        { outcome: 'explain', text: '经调查，供暖温度符合标准，现予解释。', legalBasis: '某条例第十条' },
        'reply',
      ],
      [staff, 'reply', {}, 'review-window'],
      [undefined, 'evaluate', { rating: 'basically-satisfied' }, 'review-window', petitioner],
      [undefined, 'request-review', { reason: '温度测量方法有误' }, 'deliver-to-reviewer', petitioner],
      [superior, 'review-opinion', { outcome: 'reject', text: '维持原处理意见。' }, 'serve-review-opinion'],
      [superior, 'serve-review-opinion', {}, 're-review-window'],
      [undefined, 'request-re-review', { reason: '仍不服' }, 'deliver-to-re-reviewer', petitioner],
      [superior, 'hearing-start', {}, 're-review'],
      [superior, 'hearing-end', {}, 're-review'],
      [superior, 're-review-opinion', { outcome: 'reject', text: '复核维持。' }, 'serve-re-review-opinion'],
      [superior, 'serve-re-review-opinion', {}, 'evaluation-window'],
      [undefined, 'evaluate', { rating: 'basically-satisfied' }, 'final', petitioner],
    ];
    for (const [n, [token, action, payload, expected, headers]] of steps.entries()) {
      const res = await t.call(token, {
        method: 'POST',
        url: `/v1/petitions/${id}/actions/${action}`,
        payload,
        headers: { 'idempotency-key': `${id}-${n}-${action}`, ...headers },
      });
      expect(res.statusCode, `${action}: ${res.body}`).toBe(200);
      if (expected !== 'final') expect(res.json().step, action).toBe(expected);
      const next = handOvers[expected];
      if (next) await untilStep(t, id, next);
      if (action === 'hearing-start')
        expect(
          res
            .json()
            .deadlines.find((d: { id: string; state: string }) => d.id === 're-review' && d.state !== 'met'),
        ).toMatchObject({ state: 'paused', dueAt: null });
    }
    const done = await eventually(
      async () =>
        (await t.call(undefined, { method: 'GET', url: `/v1/petitions/${id}`, headers: petitioner })).json(),
      (v) => v.status === 'closed',
      'the petition to close',
    );
    expect(done.outcome).toMatchObject({ outcome: 'final', final: true });
    expect(done.metrics).toMatchObject({ satisfaction: 'basically-satisfied' });
    expect(done.documents.map((d: { kind: string }) => d.kind)).toEqual(
      expect.arrayContaining(['handling-opinion', 'review-opinion']),
    );
    expect(done.availableActions).toEqual([]);
    const after = await t.call(undefined, {
      method: 'POST',
      url: `/v1/petitions/${id}/actions/request-review`,
      payload: { reason: '再次' },
      headers: petitioner,
    });
    expect(after.statusCode).toBe(409);
    expect(after.json().error).toBe('petition_closed');
    const listed = await eventually(
      async () =>
        (
          await t.call(t.token('supervisor'), {
            method: 'GET',
            url: `/v1/petitions?department=${D}&status=closed`,
          })
        ).json(),
      (r) => r.items.some((i: { id: string }) => i.id === id),
      'the closed petition in the list',
    );
    expect(listed.items.find((i: { id: string }) => i.id === id)).toMatchObject({
      status: 'closed',
      overdue: false,
      dueAt: null,
    });
  });
});

describe('supervision with backdated receipts', () => {
  const ids = {} as { bureau: string; atDept: string; soon: string };
  const supervisor = () => t.token('supervisor');
  const overdue = async (query = '') => {
    const res = await t.call(supervisor(), { method: 'GET', url: `/v1/supervision/overdue${query}` });
    expect(res.statusCode).toBe(200);
    return res.json() as {
      items: Array<{
        id: string;
        step: string;
        department: string | null;
        deadline: string;
        dueAt: string;
        overdueDays: number;
      }>;
    };
  };

  beforeAll(async () => {
    const registrar = t.token('registrar');
    const reg = async (body: Record<string, unknown>) => {
      const res = await t.call(registrar, {
        method: 'POST',
        url: '/v1/petitions',
        payload: petitionBody(body),
      });
      expect(res.statusCode, res.body).toBe(201);
      return res.json().id as string;
    };
    ids.bureau = await reg({ receivedAt: new Date(Date.now() - 40 * DAY).toISOString() });
    ids.atDept = await reg({ department: D, receivedAt: new Date(Date.now() - 30 * DAY).toISOString() });
    ids.soon = await reg({ department: D, receivedAt: new Date(Date.now() - 13 * DAY).toISOString() });
  });

  it('lists a petition received 40 days ago at the bureau as forwarding overdue by about 25 days (Art. 22)', async () => {
    const list = await eventually(
      () => overdue('?step=forward'),
      (l) => l.items.some((i) => i.id === ids.bureau),
      'visibility to catch up',
    );
    const item = list.items.find((i) => i.id === ids.bureau)!;
    expect(item).toMatchObject({ step: 'forward', department: null, deadline: 'forwarding' });
    expect(item.overdueDays).toBeGreaterThanOrEqual(22);
    expect(item.overdueDays).toBeLessThanOrEqual(25);
  });

  it('filters by department, most overdue first, and leaves out what is not yet due', async () => {
    const list = await eventually(
      () => overdue(`?department=${D}`),
      (l) => l.items.length >= 1,
      'visibility to catch up',
    );
    expect(list.items.map((i) => i.id)).toEqual([ids.atDept]);
    expect(list.items[0]).toMatchObject({ department: D, step: 'accept-notice', deadline: 'acceptance' });
    expect(list.items[0]!.overdueDays).toBeGreaterThanOrEqual(10);
    const all = await overdue();
    const positions = [ids.bureau, ids.atDept].map((id) => all.items.findIndex((i) => i.id === id));
    expect(positions[0]).toBeLessThan(positions[1]!);
    expect(
      all.items.every((a, i) => i === 0 || Date.parse(all.items[i - 1]!.dueAt) <= Date.parse(a.dueAt)),
    ).toBe(true);
  });

  it('lists what falls due soon under at-risk, and validates the period', async () => {
    const res = await eventually(
      async () =>
        (
          await t.call(supervisor(), {
            method: 'GET',
            url: `/v1/supervision/at-risk?within=P7D&department=${D}`,
          })
        ).json(),
      (r) => r.items?.some((i: { id: string }) => i.id === ids.soon),
      'the at-risk list',
    );
    expect(res.items.map((i: { id: string }) => i.id)).toEqual([ids.soon]);
    expect(res.items[0].remainingHours).toBeGreaterThan(0);
    expect(res.items[0].remainingHours).toBeLessThan(7 * 24);
    const bad = await t.call(supervisor(), { method: 'GET', url: '/v1/supervision/at-risk?within=3days' });
    expect(bad.statusCode).toBe(400);
    expect(bad.json().message).toContain('querystring.within');
  });

  it('answers the overdue list from visibility alone, with no worker running (design point 5)', async () => {
    await t.stopWorker();
    const list = await overdue(`?department=${D}`);
    expect(list.items.map((i) => i.id)).toEqual([ids.atDept]);
  });
});
