import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { computeDeadline, defaultCalendarData } from '../../definitions/calendar';
import {
  eventually,
  petitionBody,
  startApiTest,
  uniqueDept,
  untilStep,
  type ApiTestContext,
} from '../helpers/api';

let t: ApiTestContext;
const L = uniqueDept('L');
const S = uniqueDept('S');
let supervisor: string;
const DAY = 86_400_000;

beforeAll(async () => {
  t = await startApiTest();
  supervisor = t.token('supervisor');
});
afterAll(async () => {
  await t?.close();
});

async function register(body: Record<string, unknown>) {
  const res = await t.call(t.token('registrar'), {
    method: 'POST',
    url: '/v1/petitions',
    payload: petitionBody(body),
  });
  expect(res.statusCode).toBe(201);
  return res.json() as { id: string; accessCode: string };
}
async function act(
  token: string | undefined,
  id: string,
  action: string,
  payload: Record<string, unknown> = {},
  headers: Record<string, string> = {},
) {
  const res = await t.call(token, {
    method: 'POST',
    url: `/v1/petitions/${id}/actions/${action}`,
    payload,
    headers,
  });
  expect(res.statusCode, res.body).toBe(200);
  return res.json();
}
const list = async (query: string) => {
  const res = await t.call(supervisor, { method: 'GET', url: `/v1/petitions?${query}` });
  expect(res.statusCode, res.body).toBe(200);
  return res.json() as {
    items: Array<Record<string, unknown> & { id: string }>;
    nextPageToken: string | null;
  };
};

describe('GET /v1/petitions', () => {
  const ids = {} as { complaint: string; handled: string; suggestion: string };
  beforeAll(async () => {
    ids.complaint = (
      await register({ department: L, receivedAt: new Date(Date.now() - 3 * DAY).toISOString() })
    ).id;
    ids.handled = (await register({ department: L })).id;
    ids.suggestion = (await register({ department: L, category: 'suggestion' })).id;
    await act(t.token('department', L), ids.handled, 'accept');
    await eventually(
      () => list(`department=${L}&step=handle`),
      (r) => r.items.length === 1,
      'the accepted petition in handle',
    );
  });

  it('filters by department, step, category and status, with items made of search attributes only', async () => {
    const all = await list(`department=${L}`);
    expect(all.items.map((i) => i.id).sort()).toEqual(Object.values(ids).sort());
    const item = all.items.find((i) => i.id === ids.handled)!;
    expect(Object.keys(item).sort()).toEqual([
      'category',
      'channel',
      'department',
      'dueAt',
      'id',
      'overdue',
      'receivedAt',
      'status',
      'step',
    ]);
    expect(item).toMatchObject({
      status: 'open',
      step: 'handle',
      category: 'complaint',
      channel: 'letter',
      department: L,
      overdue: false,
    });
    expect(JSON.stringify(all)).not.toContain('李四');
    expect((await list(`department=${L}&step=handle`)).items.map((i) => i.id)).toEqual([ids.handled]);
    expect((await list(`department=${L}&category=suggestion`)).items.map((i) => i.id)).toEqual([
      ids.suggestion,
    ]);
    expect((await list(`department=${L}&status=closed`)).items).toEqual([]);
    expect((await list(`department=${L}&overdue=false`)).items).toHaveLength(3);
    expect((await list(`department=${L}&overdue=true`)).items).toEqual([]);
  });

  it('filters by receipt range and by due date', async () => {
    const from = new Date(Date.now() - DAY).toISOString();
    expect((await list(`department=${L}&receivedFrom=${encodeURIComponent(from)}`)).items).toHaveLength(2);
    expect(
      (await list(`department=${L}&receivedTo=${encodeURIComponent(from)}`)).items.map((i) => i.id),
    ).toEqual([ids.complaint]);
    const farFuture = new Date(Date.now() + 400 * DAY).toISOString().slice(0, 10);
    expect((await list(`department=${L}&dueBefore=${farFuture}`)).items).toHaveLength(3);
    expect((await list(`department=${L}&dueBefore=2000-01-01`)).items).toHaveLength(0);
  });

  it('pages with an opaque page token', async () => {
    const seen: string[] = [];
    let token: string | null = null;
    let pages = 0;
    do {
      const page = await list(`department=${L}&pageSize=1${token ? `&pageToken=${token}` : ''}`);
      seen.push(...page.items.map((i) => i.id));
      token = page.nextPageToken;
      pages += 1;
    } while (token && pages < 10);
    expect(seen.sort()).toEqual(Object.values(ids).sort());
    expect(pages).toBeGreaterThanOrEqual(3);
  });

  it('refuses bad filters with 400 naming the parameter, and a forged page token with 400', async () => {
    for (const [query, field] of [
      ['pageSize=500', 'querystring.pageSize'],
      ['overdue=yes', 'querystring.overdue'],
      ["department=x' OR 1=1", 'querystring.department'],
      ['receivedFrom=yesterday', 'querystring.receivedFrom'],
      ['colour=red', 'colour'],
    ]) {
      const res = await t.call(supervisor, { method: 'GET', url: `/v1/petitions?${query}` });
      expect(res.statusCode, query).toBe(400);
      expect(res.json().message, query).toContain(field);
    }
    const forged = await t.call(supervisor, {
      method: 'GET',
      url: '/v1/petitions?pageToken=bm90LWEtdG9rZW4.AAAAAAAAAAAAAAAAAAAAAA',
    });
    expect(forged.statusCode).toBe(400);
    expect(forged.json().error).toBe('invalid_page_token');
  });
});

describe('GET /v1/stats', () => {
  it('counts 及时受理率, 按期办结率 and 群众满意率 with their numerators and denominators', async () => {
    const staff = t.token('department', S);
    const onTime = await register({ department: S });
    const late = await register({ department: S, receivedAt: new Date(Date.now() - 20 * DAY).toISOString() });
    await register({ department: S });
    for (const p of [onTime, late]) {
      await act(staff, p.id, 'accept');
      await act(staff, p.id, 'opinion', {
        outcome: 'support',
        text: '予以支持。',
        legalBasis: '某条例第十条',
      });
      await act(staff, p.id, 'reply');
    }
    await act(
      undefined,
      onTime.id,
      'evaluate',
      { rating: 'satisfied' },
      { 'x-access-code': onTime.accessCode },
    );
    await act(
      undefined,
      late.id,
      'evaluate',
      { rating: 'unsatisfied' },
      { 'x-access-code': late.accessCode },
    );
    // While the petitioner holds the review window the petition is listed under no body (the holder, Arts. 43–45);
    // once closed it counts under the body that handled it: a review asked for and then withdrawn closes both.
    for (const p of [onTime, late]) {
      const code = { 'x-access-code': p.accessCode };
      await act(undefined, p.id, 'request-review', { reason: '不服' }, code);
      // The request is handed to the reviewing body in the background; it can be withdrawn once that body holds it.
      await untilStep(t, p.id, 'review');
      await act(undefined, p.id, 'withdraw', {}, code);
    }
    const from = new Date(Date.now() - 30 * DAY).toISOString().slice(0, 10);
    const stats = await eventually(
      async () =>
        (await t.call(supervisor, { method: 'GET', url: `/v1/stats?department=${S}&from=${from}` })).json(),
      (s) =>
        s.registered === 3 &&
        s.satisfactionRate?.denominator === 2 &&
        s.onTimeCompletionRate?.denominator === 2,
      'stats to catch up',
    );
    expect(stats).toMatchObject({
      department: S,
      registered: 3,
      timelyAcceptanceRate: { numerator: 1, denominator: 2, rate: 0.5 },
      onTimeCompletionRate: { numerator: 2, denominator: 2, rate: 1 },
      satisfactionRate: { numerator: 1, denominator: 2, rate: 0.5 },
    });
  }, 90_000);

  it('gives null rates when nothing was decided', async () => {
    const res = await t.call(supervisor, {
      method: 'GET',
      url: `/v1/stats?department=${uniqueDept('none')}`,
    });
    expect(res.statusCode).toBe(200);
    expect(res.json()).toMatchObject({
      registered: 0,
      timelyAcceptanceRate: { rate: null, numerator: 0, denominator: 0 },
    });
  });
});

describe('GET /v1/calendar/deadline', () => {
  const token = () => t.token('registrar');
  it('answers what the legal calendar computes, with its explanation', async () => {
    const res = await t.call(token(), {
      method: 'GET',
      url: '/v1/calendar/deadline?from=2026-09-28&days=15',
    });
    expect(res.statusCode).toBe(200);
    const expected = computeDeadline(
      { from: '2026-09-28', duration: 15, counting: 'calendar-days' },
      defaultCalendarData(),
    );
    expect(res.json()).toMatchObject({
      dueAt: expected.dueAt,
      lastDay: expected.lastDay,
      provisional: expected.provisional,
      explanation: expected.explanation,
    });
  });

  it('counts working days when asked', async () => {
    const res = await t.call(token(), {
      method: 'GET',
      url: '/v1/calendar/deadline?from=2026-09-28T10:00:00%2B08:00&workingDays=5',
    });
    expect(res.statusCode).toBe(200);
    expect(res.json()).toMatchObject({ counting: 'working-days', duration: 5 });
  });

  it('needs exactly one of days and workingDays (400)', async () => {
    for (const q of [
      'from=2026-09-28',
      'from=2026-09-28&days=3&workingDays=3',
      'from=tomorrow&days=3',
      'from=2026-09-28&days=0',
    ]) {
      const res = await t.call(token(), { method: 'GET', url: `/v1/calendar/deadline?${q}` });
      expect(res.statusCode, q).toBe(400);
      expect(res.json().error).toBe('validation_failed');
    }
  });
});
