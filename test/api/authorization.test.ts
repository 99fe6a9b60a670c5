/**
 * Role × endpoint × ownership. Department staff see their own body's petitions only; a superior sees what its
 * subordinate bodies handled and what it must act on now (the registry's `superior` relation), nothing else; a report
 * is never visible to the body it concerns (Art. 30); the petitioner reads and acts with the access code; designers
 * see definitions, not petitions.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { StaffRole } from '../../api/auth/principal';
import {
  petitionBody,
  seedDepartment,
  startApiTest,
  uniqueDept,
  untilStep,
  type ApiTestContext,
} from '../helpers/api';

let t: ApiTestContext;
const A = uniqueDept('A');
const B = uniqueDept('B');
/** A's superior (the registry says so); B has none. */
const S = uniqueDept('S');
/** Another superior body, over neither A nor B. */
const T = uniqueDept('T');
/** S's superior: it re-reviews what S reviewed (Art. 36). */
const G = uniqueDept('G');
/** Petition at A; petition at B; a report about A held by B; a complaint of A in review. */
const ids = {} as { atA: string; atB: string; reportAboutA: string; inReview: string; codeA: string };

type Who =
  | StaffRole
  | 'dept-A'
  | 'dept-B'
  | 'superior-A'
  | 'superior-S'
  | 'superior-T'
  | 'superior-G'
  | 'none'
  | 'code-right'
  | 'code-wrong';
function auth(who: Who): { token?: string; headers: Record<string, string> } {
  switch (who) {
    case 'none':
      return { headers: {} };
    case 'code-right':
      return { headers: { 'x-access-code': ids.codeA } };
    case 'code-wrong':
      return { headers: { 'x-access-code': '0000-0000-0000-0000-0000' } };
    case 'dept-A':
      return { token: t.token('department', A), headers: {} };
    case 'dept-B':
      return { token: t.token('department', B), headers: {} };
    case 'superior-A':
      return { token: t.token('superior', A), headers: {} };
    case 'superior-S':
      return { token: t.token('superior', S), headers: {} };
    case 'superior-T':
      return { token: t.token('superior', T), headers: {} };
    case 'superior-G':
      return { token: t.token('superior', G), headers: {} };
    case 'department':
      return { token: t.token('department', A), headers: {} };
    case 'superior':
      return { token: t.token('superior', S), headers: {} };
    default:
      return { token: t.token(who), headers: {} };
  }
}

async function call(who: Who, method: 'GET' | 'POST', url: string, payload?: unknown) {
  const { token, headers } = auth(who);
  return await t.call(token, {
    method,
    url,
    headers,
    ...(payload !== undefined && { payload: payload as Record<string, unknown> }),
  });
}

beforeAll(async () => {
  t = await startApiTest({
    departments: [
      seedDepartment(G),
      seedDepartment(S, G),
      seedDepartment(T),
      seedDepartment(A, S),
      seedDepartment(B),
    ],
  });
  const registrar = t.token('registrar');
  const reg = async (body: Record<string, unknown>) => {
    const res = await t.call(registrar, {
      method: 'POST',
      url: '/v1/petitions',
      payload: petitionBody(body),
    });
    expect(res.statusCode).toBe(201);
    return res.json() as { id: string; accessCode: string };
  };
  const a = await reg({ department: A });
  ids.atA = a.id;
  ids.codeA = a.accessCode;
  ids.atB = (await reg({ department: B })).id;
  ids.reportAboutA = (await reg({ category: 'report', concerns: A, department: B })).id;
  const review = await reg({ department: A });
  ids.inReview = review.id;
  const deptA = t.token('department', A);
  for (const [token, action, payload] of [
    [deptA, 'accept', {}],
    [deptA, 'opinion', { outcome: 'reject', text: '经调查不予支持。', legalBasis: '某条例第十条' }],
    [deptA, 'reply', {}],
  ] as const) {
    const res = await t.call(token, {
      method: 'POST',
      url: `/v1/petitions/${review.id}/actions/${action}`,
      payload,
    });
    expect(res.statusCode).toBe(200);
  }
  const requested = await t.call(undefined, {
    method: 'POST',
    url: `/v1/petitions/${review.id}/actions/request-review`,
    payload: { reason: '不服' },
    headers: { 'x-access-code': review.accessCode },
  });
  // The request is handed to the reviewing body in the background: the answer names the hand-over step.
  expect(requested.json().step).toBe('deliver-to-reviewer');
  await untilStep(t, review.id, 'review');
});
afterAll(async () => {
  await t?.close();
});

describe('authorization matrix', () => {
  const registerBody = () => petitionBody({ department: A });
  it.each<[Who, number]>([
    ['registrar', 201],
    ['admin', 201],
    ['department', 403],
    ['superior', 403],
    ['supervisor', 403],
    ['designer', 403],
    ['none', 401],
    ['code-right', 401],
  ])('POST /v1/petitions as %s → %i', async (who, status) => {
    expect((await call(who, 'POST', '/v1/petitions', registerBody())).statusCode).toBe(status);
  });

  it.each<[Who, keyof typeof ids, number]>([
    ['registrar', 'atA', 200],
    ['supervisor', 'atA', 200],
    ['admin', 'atA', 200],
    ['dept-A', 'atA', 200],
    ['dept-B', 'atA', 404],
    ['superior-S', 'atA', 200],
    ['superior-S', 'atB', 404],
    ['superior-S', 'inReview', 200],
    ['superior-T', 'atA', 404],
    ['superior-T', 'inReview', 404],
    ['superior-A', 'atA', 404],
    ['superior-G', 'atA', 404],
    ['superior-G', 'inReview', 404],
    ['designer', 'atA', 403],
    ['none', 'atA', 401],
    ['code-right', 'atA', 200],
    ['code-wrong', 'atA', 404],
    ['code-right', 'atB', 404],
    ['dept-B', 'reportAboutA', 200],
    ['dept-A', 'reportAboutA', 404],
    ['superior-A', 'reportAboutA', 404],
    ['registrar', 'reportAboutA', 200],
  ])('GET /v1/petitions/:id as %s on %s → %i', async (who, which, status) => {
    const res = await call(who, 'GET', `/v1/petitions/${ids[which]}`);
    expect(res.statusCode).toBe(status);
    if (status === 404) expect(res.json()).toMatchObject({ error: 'not_found' });
  });

  it.each<[Who, keyof typeof ids, string, Record<string, unknown>, number]>([
    ['dept-B', 'atA', 'accept', {}, 404],
    ['dept-A', 'reportAboutA', 'accept', {}, 404],
    ['designer', 'atA', 'accept', {}, 403],
    ['none', 'atA', 'accept', {}, 401],
    ['superior-S', 'atA', 'review-opinion', { outcome: 'reject', text: 'x' }, 409],
    ['superior-T', 'inReview', 'review-opinion', { outcome: 'reject', text: 'x' }, 404],
    ['superior-S', 'atB', 'review-opinion', { outcome: 'reject', text: 'x' }, 404],
    ['code-wrong', 'atA', 'withdraw', {}, 404],
    ['code-right', 'atA', 'accept', {}, 403],
    ['supervisor', 'atA', 'accept', {}, 403],
    // In review the petition is held by the reviewing body (Arts. 43–45): the handler no longer sees it.
    ['dept-A', 'inReview', 'review-opinion', { outcome: 'reject', text: 'x' }, 404],
  ])(
    'POST /v1/petitions/:id/actions as %s on %s (%s) → %i, nothing changes',
    async (who, which, action, payload, status) => {
      // Reads of a report are themselves recorded (Art. 30); "nothing changes" means no other entry appears.
      const entries = async () =>
        (await call('admin', 'GET', `/v1/petitions/${ids[which]}`))
          .json()
          .timeline.filter((t: { type: string }) => t.type !== 'report-read').length;
      const before = await entries();
      expect(
        (await call(who, 'POST', `/v1/petitions/${ids[which]}/actions/${action}`, payload)).statusCode,
      ).toBe(status);
      expect(await entries()).toBe(before);
    },
  );

  it('a superior acts on a petition in review (Art. 35)', async () => {
    const res = await call('superior-S', 'POST', `/v1/petitions/${ids.inReview}/actions/review-opinion`, {
      outcome: 'explain',
      text: '维持原意见。',
    });
    expect(res.statusCode).toBe(200);
    expect(res.json().step).toBe('serve-review-opinion');
    // Now S, G's direct subordinate, has handled it: G sees it (it would re-review it, Art. 36); T still does not.
    expect((await call('superior-G', 'GET', `/v1/petitions/${ids.inReview}`)).statusCode).toBe(200);
    expect((await call('superior-T', 'GET', `/v1/petitions/${ids.inReview}`)).statusCode).toBe(404);
  });

  it("a superior reads a report its subordinate holds with the reporter's identity masked (Art. 30)", async () => {
    const res = await t.call(t.token('registrar'), {
      method: 'POST',
      url: '/v1/petitions',
      payload: petitionBody({ category: 'report', concerns: B, department: A }),
    });
    expect(res.statusCode).toBe(201);
    const read = await call('superior-S', 'GET', `/v1/petitions/${res.json().id}`);
    expect(read.statusCode).toBe(200);
    expect(read.json()).toMatchObject({ identityMasked: true, petitioner: { name: '李*' } });
    expect((await call('superior-T', 'GET', `/v1/petitions/${res.json().id}`)).statusCode).toBe(404);
  });

  for (const url of ['/v1/petitions', '/v1/supervision/overdue', '/v1/supervision/at-risk', '/v1/stats']) {
    it.each<[Who, number]>([
      ['registrar', 200],
      ['supervisor', 200],
      ['admin', 200],
      ['department', 200],
      ['superior', 403],
      ['designer', 403],
      ['none', 401],
      ['code-right', 401],
    ])(`GET ${url} as %s → %i`, async (who, status) => {
      expect((await call(who, 'GET', url)).statusCode).toBe(status);
    });
    it(`GET ${url} refuses department staff asking for another body (403)`, async () => {
      expect((await call('dept-A', 'GET', `${url}?department=${B}`)).statusCode).toBe(403);
    });
  }

  it("department staff list only their own body's petitions, automatically", async () => {
    const res = await call('dept-A', 'GET', '/v1/petitions?pageSize=200');
    expect(res.statusCode).toBe(200);
    const items = res.json().items as Array<{ id: string; department: string }>;
    expect(items.every((i) => i.department === A)).toBe(true);
    expect(items.map((i) => i.id)).toContain(ids.atA);
    expect(items.map((i) => i.id)).not.toContain(ids.reportAboutA);
  });

  it.each<[Who, number]>([
    ['registrar', 200],
    ['department', 200],
    ['superior', 200],
    ['supervisor', 200],
    ['designer', 200],
    ['admin', 200],
    ['none', 401],
  ])('GET /v1/calendar/deadline as %s → %i', async (who, status) => {
    expect((await call(who, 'GET', '/v1/calendar/deadline?from=2026-09-28&days=15')).statusCode).toBe(status);
  });

  for (const [method, url] of [
    ['GET', '/v1/definitions'],
    ['GET', '/v1/definitions/petition-2022'],
    ['POST', '/v1/definitions/validate'],
  ] as const) {
    it.each<[Who, number]>([
      ['designer', 200],
      ['admin', 200],
      ['registrar', 403],
      ['department', 403],
      ['supervisor', 403],
      ['none', 401],
    ])(`${method} ${url} as %s → %i`, async (who, status) => {
      const payload = method === 'POST' ? { source: 'id: x', format: 'yaml' } : undefined;
      expect((await call(who, method, url, payload)).statusCode).toBe(status);
    });
  }

  it('records every read of a report in its timeline, naming who read it (Art. 30)', async () => {
    expect((await call('registrar', 'GET', `/v1/petitions/${ids.reportAboutA}`)).statusCode).toBe(200);
    let reads: Array<{ type: string; actor?: { role: string } }> = [];
    for (let i = 0; i < 50 && reads.length === 0; i++) {
      const view = (await call('supervisor', 'GET', `/v1/petitions/${ids.reportAboutA}`)).json();
      reads = view.timeline.filter((t: { type: string }) => t.type === 'report-read');
      if (reads.length === 0) await new Promise((r) => setTimeout(r, 100));
    }
    expect(reads.map((r) => r.actor?.role)).toContain('registrar');
  });
});
