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
const dept = uniqueDept('P');
const other = uniqueDept('Q');
let registrar: string;
let staff: string;
let head: string;

beforeAll(async () => {
  t = await startApiTest();
  registrar = t.token('registrar', undefined, 'reg-1');
  staff = t.token('department', dept, 'staff-1');
  head = t.token('department', dept, 'head-1', true);
});
afterAll(async () => {
  await t?.close();
});

async function register(body: Record<string, unknown> = {}, headers: Record<string, string> = {}) {
  return await t.call(registrar, {
    method: 'POST',
    url: '/v1/petitions',
    payload: petitionBody({ department: dept, ...body }),
    headers,
  });
}

async function act(
  token: string | undefined,
  id: string,
  action: string,
  payload: Record<string, unknown> = {},
  headers: Record<string, string> = {},
) {
  return await t.call(token, {
    method: 'POST',
    url: `/v1/petitions/${id}/actions/${action}`,
    payload,
    headers,
  });
}

describe('POST /v1/petitions: registration', () => {
  it('registers a petition received directly by a body (Art. 23 ¶2): 201, Location, an access code shown once, the first step and its computed deadlines', async () => {
    const res = await register();
    expect(res.statusCode).toBe(201);
    const body = res.json();
    expect(body.id).toMatch(/^XF\d{8}[0-9A-HJKMNP-TV-Z]{12}$/);
    expect(res.headers.location).toBe(`/v1/petitions/${body.id}`);
    expect(body.accessCode).toMatch(/^[0-9A-HJKMNP-TV-Z]{4}(-[0-9A-HJKMNP-TV-Z]{4}){4}$/);
    expect(body).toMatchObject({
      status: 'open',
      step: 'accept-notice',
      category: 'complaint',
      channel: 'letter',
      department: dept,
    });
    const acceptance = body.deadlines.find((d: { id: string }) => d.id === 'acceptance');
    expect(acceptance).toMatchObject({
      state: 'running',
      article: expect.stringContaining('第二十三条'),
      overdue: false,
      paused: false,
    });
    expect(acceptance.dueAt).toMatch(/Z$/);
    expect(acceptance.explanation).toContain('期限');
    // Version 2: a registrar may also recuse themselves (Art. 28 ¶3) or flag the matter urgent (Art. 25).
    expect(body.availableActions).toEqual(['withdraw', 'recuse', 'flag-urgent']);
  });

  it('records when it was registered beside when it was received, and a registration later than the day after receipt in whole days (Arts. 43–44)', async () => {
    const receivedAt = new Date(Date.now() - 5 * 24 * 3_600_000).toISOString();
    const late = await register({ receivedAt });
    expect(late.statusCode).toBe(201);
    expect(late.json()).toMatchObject({ receivedAt, lateRegistrationDays: 4 });
    expect(Date.parse(late.json().registeredAt)).toBeGreaterThan(Date.parse(receivedAt));
    const onTime = (await register()).json();
    expect(onTime.lateRegistrationDays).toBe(0);
    expect(typeof onTime.registeredAt).toBe('string');
  });

  it('registers at the petition bureau when no department is given: the first step is forwarding (Art. 22)', async () => {
    const res = await t.call(registrar, { method: 'POST', url: '/v1/petitions', payload: petitionBody() });
    expect(res.statusCode).toBe(201);
    expect(res.json()).toMatchObject({
      step: 'forward',
      department: null,
      availableActions: expect.arrayContaining(['forward']),
    });
  });

  it('keeps only the hash of the access code, in the memo, and never personal data in search attributes', async () => {
    const res = await register();
    const { id, accessCode } = res.json();
    const d = await t.client.workflow.getHandle(`petition-${id}`).describe();
    expect(d.memo?.['accessCodeHash']).toMatch(/^[0-9a-f]{64}$/);
    expect(JSON.stringify(d.memo)).not.toContain(accessCode);
    const attributes = JSON.stringify(d.searchAttributes);
    for (const personal of ['李四', '13800001234', '110101199001011234', '北京市'])
      expect(attributes).not.toContain(personal);
    expect(d.searchAttributes['PetitionStep']).toEqual(['accept-notice']);
  });

  it('decides registration itself: the answer’s deadlines are the workflow’s, whose first task computes none again', async () => {
    const res = await register();
    const { id, deadlines } = res.json();
    const handle = t.client.workflow.getHandle(`petition-${id}`);
    // The worker's view, once its first task has run, shows the very deadlines the registration answered with.
    const after = await eventually(
      () => handle.query<{ deadlines: Array<{ id: string; dueAt: string | null }> }>('petitionState'),
      (view) => view.deadlines.some((d) => d.dueAt !== null),
      'the first workflow task',
    );
    expect(after.deadlines.map((d) => [d.id, d.dueAt])).toEqual(
      deadlines.map((d: { id: string; dueAt: string | null }) => [d.id, d.dueAt]),
    );
    const { events } = await handle.fetchHistory();
    const localActivities = events!
      .filter((e) => e.markerRecordedEventAttributes)
      .map((e) =>
        Object.values(e.markerRecordedEventAttributes!.details ?? {})
          .flatMap((p) => p.payloads ?? [])
          .map((p) => Buffer.from(p.data ?? []).toString())
          .join(' '),
      );
    expect(localActivities.filter((m) => m.includes('computeDeadline'))).toEqual([]);
    // Started with the registered state's search attributes: the first task has nothing to upsert about them.
    const d = await handle.describe();
    expect(d.searchAttributes['PetitionDueAt']).toHaveLength(1);
  });

  it('answers a retry with the same Idempotency-Key and body with the same petition, 200 and replayed, without the access code', async () => {
    const key = `reg-${Date.now()}-a`;
    const first = await register({ subject: '同一件事' }, { 'idempotency-key': key });
    expect(first.statusCode).toBe(201);
    const again = await register({ subject: '同一件事' }, { 'idempotency-key': key });
    expect(again.statusCode).toBe(200);
    expect(again.json()).toMatchObject({ id: first.json().id, replayed: true });
    expect(again.json().accessCode).toBeUndefined();
    expect(again.headers.location).toBe(`/v1/petitions/${first.json().id}`);
  });

  it('refuses the same Idempotency-Key with another body: 409 idempotency_conflict, nothing registered', async () => {
    const key = `reg-${Date.now()}-b`;
    expect((await register({ subject: '第一件' }, { 'idempotency-key': key })).statusCode).toBe(201);
    const res = await register({ subject: '第二件' }, { 'idempotency-key': key });
    expect(res.statusCode).toBe(409);
    expect(res.json()).toMatchObject({
      error: 'idempotency_conflict',
      message: expect.stringContaining('Idempotency-Key'),
    });
  });

  it('names the failing field of an invalid body (400)', async () => {
    const res = await t.call(registrar, {
      method: 'POST',
      url: '/v1/petitions',
      payload: { ...petitionBody(), petitioner: { address: 'x' }, channel: 'pigeon' },
    });
    expect(res.statusCode).toBe(400);
    const body = res.json();
    expect(body.error).toBe('validation_failed');
    expect(body.message).toContain('body.petitioner.name');
    expect(body.message).toContain('body.channel');
    expect(body.details).toEqual(
      expect.arrayContaining([expect.objectContaining({ field: 'body.channel' })]),
    );
  });

  it('refuses an unknown field rather than dropping it (400 naming it)', async () => {
    const res = await register({ recievedAt: '2026-01-01T00:00:00+08:00' });
    expect(res.statusCode).toBe(400);
    expect(res.json().message).toContain('recievedAt');
  });

  it('answers malformed JSON with 400 malformed_json, never 500', async () => {
    const res = await t.call(registrar, {
      method: 'POST',
      url: '/v1/petitions',
      payload: '{"channel": "letter",',
      headers: { 'content-type': 'application/json' },
    });
    expect(res.statusCode).toBe(400);
    expect(res.json()).toMatchObject({ error: 'malformed_json' });
  });

  it('requires an offset in receivedAt (a local time is ambiguous)', async () => {
    const res = await register({ receivedAt: '2026-01-05T09:30:00' });
    expect(res.statusCode).toBe(400);
    expect(res.json().message).toContain('body.receivedAt');
  });

  it('refuses a receivedAt in the future with 422 and a message saying what to send', async () => {
    const res = await register({ receivedAt: new Date(Date.now() + 86_400_000).toISOString() });
    expect(res.statusCode).toBe(422);
    expect(res.json()).toMatchObject({ error: 'received_at_in_future', details: { field: 'receivedAt' } });
    expect(res.json().message).toContain('future');
  });

  it('refuses more than five representatives (Art. 20): 422 citing 第二十条', async () => {
    const representatives = Array.from({ length: 6 }, (_, i) => ({ name: `代表${i + 1}` }));
    const res = await register({ representatives });
    expect(res.statusCode).toBe(422);
    expect(res.json()).toMatchObject({
      error: 'statutory_rule',
      details: { article: '《信访工作条例》第二十条' },
    });
    expect(res.json().message).toContain('第二十条');
  });

  it('refuses to register a report as received by the very body it concerns (Art. 30): 422 citing 第三十条', async () => {
    const res = await register({ category: 'report', concerns: dept });
    expect(res.statusCode).toBe(422);
    expect(res.json().message).toContain('第三十条');
  });

  it('accepts attachment references and keeps them as given (they are never fetched)', async () => {
    const res = await register({
      attachments: [{ name: '照片.jpg', ref: 'https://files.example.invalid/a/1' }],
    });
    expect(res.statusCode).toBe(201);
    expect(res.json().attachments).toEqual([{ name: '照片.jpg', ref: 'https://files.example.invalid/a/1' }]);
  });

  it('registers against a named definition version, and refuses an unknown one (422)', async () => {
    expect((await register({ definition: 'petition-2022@1' })).statusCode).toBe(201);
    const res = await register({ definition: 'petition-2022@99' });
    expect(res.statusCode).toBe(422);
    expect(res.json()).toMatchObject({ error: 'unknown_definition' });
  });
});

describe('GET /v1/petitions/:id', () => {
  it("shows the contract fields, the caller's available actions, the timeline and the outcome", async () => {
    const { id } = (await register()).json();
    const res = await t.call(staff, { method: 'GET', url: `/v1/petitions/${id}` });
    expect(res.statusCode).toBe(200);
    const body = res.json();
    for (const field of [
      'id',
      'status',
      'step',
      'category',
      'channel',
      'department',
      'receivedAt',
      'deadlines',
      'availableActions',
      'timeline',
      'outcome',
    ]) {
      expect(body).toHaveProperty(field);
    }
    expect(body.availableActions).toEqual([
      'accept',
      'decline',
      'forward',
      'object',
      'divert',
      'recuse',
      'flag-urgent',
    ]);
    expect(body.timeline[0]).toMatchObject({ type: 'registered' });
    expect(body.outcome).toBeNull();
    expect(body.petitioner.name).toBe('李四');
  });

  it('answers 404 for an unknown petition', async () => {
    const res = await t.call(t.token('supervisor'), {
      method: 'GET',
      url: '/v1/petitions/XF20260101AAAAAAAAAAAA',
    });
    expect(res.statusCode).toBe(404);
    expect(res.json()).toMatchObject({ error: 'not_found' });
  });

  it('lets the petitioner read progress with the access code, identity masked; a wrong code is a 404', async () => {
    const { id, accessCode } = (await register()).json();
    const res = await t.call(undefined, {
      method: 'GET',
      url: `/v1/petitions/${id}`,
      headers: { 'x-access-code': accessCode.toLowerCase() },
    });
    expect(res.statusCode).toBe(200);
    expect(res.json()).toMatchObject({
      id,
      identityMasked: true,
      petitioner: { name: '李*', phone: '138****1234' },
    });
    const wrong = await t.call(undefined, {
      method: 'GET',
      url: `/v1/petitions/${id}`,
      headers: { 'x-access-code': 'AAAA-AAAA-AAAA-AAAA-AAAA' },
    });
    expect(wrong.statusCode).toBe(404);
  });
});

describe('POST /v1/petitions/:id/actions/:action', () => {
  it('applies an action and answers the compact state it led to: the step, its holder and deadlines, the caller’s actions and the entries it added', async () => {
    const { id } = (await register()).json();
    const res = await act(staff, id, 'accept');
    expect(res.statusCode).toBe(200);
    const answer = res.json();
    expect(Object.keys(answer).sort()).toEqual(
      [
        'availableActions',
        'deadlines',
        'holder',
        'id',
        'lastSeq',
        'outcome',
        'status',
        'step',
        'stepName',
        'timeline',
      ].sort(),
    );
    expect(answer).toMatchObject({
      id,
      status: 'open',
      step: 'handle',
      holder: dept,
      availableActions: expect.arrayContaining(['opinion', 'extend']),
      outcome: null,
    });
    // The handling period (Art. 34) runs now; the acceptance period of the step just left is not shown.
    expect(answer.deadlines.map((d: { id: string }) => d.id)).toEqual(['handling']);
    expect(answer.deadlines[0]).toMatchObject({
      state: 'running',
      article: expect.stringContaining('第三十四条'),
      explanation: expect.any(String),
    });
    expect(answer.deadlines[0].dueAt).toMatch(/Z$/);
    // Only what this action added: the action, the deadline it met, the notice, the next step and its deadline.
    expect(answer.timeline[0]).toMatchObject({ type: 'action', action: 'accept' });
    expect(answer.timeline.some((e: { type: string }) => e.type === 'registered')).toBe(false);
    const view = (await t.call(staff, { method: 'GET', url: `/v1/petitions/${id}` })).json();
    expect(answer.lastSeq).toBe(view.timeline.at(-1).seq);
    expect(view.timeline.slice(-answer.timeline.length)).toEqual(answer.timeline);
  });

  it('refuses an action the step does not offer: 409 naming the step and the allowed actions', async () => {
    const { id } = (await register()).json();
    const res = await act(staff, id, 'reply');
    expect(res.statusCode).toBe(409);
    expect(res.json()).toMatchObject({
      error: 'action_not_allowed',
      details: { step: 'accept-notice', allowedActions: expect.arrayContaining(['accept', 'decline']) },
    });
    expect(res.json().message).toContain('accept-notice');
  });

  it('refuses a missing field of the action: 400 naming the field', async () => {
    const { id } = (await register()).json();
    const res = await act(staff, id, 'decline', {});
    expect(res.statusCode).toBe(400);
    expect(res.json()).toMatchObject({ error: 'invalid_input', details: { field: 'reason' } });
    expect(res.json().message).toContain('reason');
  });

  it('refuses a second extension (Art. 34): 422 citing 第三十四条, and the history records none of it', async () => {
    const { id } = (await register()).json();
    await act(staff, id, 'accept');
    expect((await act(head, id, 'extend', { days: 30, reason: '需要现场检测' })).statusCode).toBe(200);
    const res = await act(head, id, 'extend', { days: 5, reason: '再延' });
    expect(res.statusCode).toBe(422);
    expect(res.json()).toMatchObject({ error: 'statutory_rule' });
    expect(res.json().message).toContain('第三十四条');
    const view = (await t.call(staff, { method: 'GET', url: `/v1/petitions/${id}` })).json();
    expect(view.timeline.filter((e: { action?: string }) => e.action === 'extend')).toHaveLength(1);
  });

  it('refuses an extension by a token without the approver claim: 403 citing 第三十四条, the attempt on the record as an accountable failure; the approver is named (Art. 34)', async () => {
    const { id } = (await register()).json();
    await act(staff, id, 'accept');
    const res = await act(staff, id, 'extend', { days: 30, reason: '需要现场检测' });
    expect(res.statusCode).toBe(403);
    expect(res.json()).toMatchObject({ error: 'forbidden' });
    expect(res.json().message).toContain('第三十四条');
    let view = (await t.call(staff, { method: 'GET', url: `/v1/petitions/${id}` })).json();
    expect(view.timeline.filter((e: { type: string }) => e.type === 'accountability')).toHaveLength(1);
    expect(view.deadlines.find((d: { id: string }) => d.id === 'handling').extendedDays).toBe(0);
    expect((await act(head, id, 'extend', { days: 30, reason: '需要现场检测' })).statusCode).toBe(200);
    view = (await t.call(staff, { method: 'GET', url: `/v1/petitions/${id}` })).json();
    expect(view.deadlines.find((d: { id: string }) => d.id === 'handling')).toMatchObject({
      extendedDays: 30,
      approvedBy: 'head-1',
      approverTitle: '本机关负责人',
    });
  });

  it('refuses a role the action is not for: 403 from the workflow', async () => {
    const { id } = (await register()).json();
    const res = await act(registrar, id, 'accept');
    expect(res.statusCode).toBe(403);
    expect(res.json().error).toBe('forbidden');
  });

  it('applies a retried action once: the Idempotency-Key is the Update id; another body under the same key is 409', async () => {
    const { id } = (await register()).json();
    const key = `act-${Date.now()}-1`;
    const first = await act(staff, id, 'accept', {}, { 'idempotency-key': key });
    const again = await act(staff, id, 'accept', {}, { 'idempotency-key': key });
    expect(first.statusCode).toBe(200);
    expect(again.statusCode).toBe(200);
    expect(again.json()).toEqual(first.json());
    const view = (await t.call(staff, { method: 'GET', url: `/v1/petitions/${id}` })).json();
    expect(view.timeline.filter((e: { action?: string }) => e.action === 'accept')).toHaveLength(1);
    const conflict = await act(
      staff,
      id,
      'extend',
      { days: 10, reason: '补充材料' },
      { 'idempotency-key': key },
    );
    expect(conflict.statusCode).toBe(409);
    expect(conflict.json()).toMatchObject({ error: 'idempotency_conflict', details: { action: 'accept' } });
  });

  it('answers 409 petition_closed for an action on a closed petition', async () => {
    const { id, accessCode } = (await register()).json();
    const withdrawn = await act(
      undefined,
      id,
      'withdraw',
      { reason: '问题已解决' },
      { 'x-access-code': accessCode },
    );
    expect(withdrawn.statusCode).toBe(200);
    expect(withdrawn.json()).toMatchObject({ status: 'closed', outcome: { outcome: 'withdrawn' } });
    const res = await act(staff, id, 'accept');
    expect(res.statusCode).toBe(409);
    expect(res.json().error).toBe('petition_closed');
  });

  it('lets a supervisor issue a 督办 order through the same endpoint (Art. 40)', async () => {
    const { id } = (await register()).json();
    const res = await act(t.token('supervisor'), id, 'supervise', { reason: '请加快办理', answerDays: 5 });
    expect(res.statusCode).toBe(200);
    expect(res.json().timeline).toEqual(
      expect.arrayContaining([
        expect.objectContaining({ type: 'supervised', data: expect.objectContaining({ answerDays: 5 }) }),
      ]),
    );
    expect(res.json().deadlines).toEqual(
      expect.arrayContaining([
        expect.objectContaining({ id: 'supervision', article: expect.stringContaining('第四十条') }),
      ]),
    );
    const view = (await t.call(t.token('supervisor'), { method: 'GET', url: `/v1/petitions/${id}` })).json();
    expect(view.supervision).toEqual([expect.objectContaining({ reason: '请加快办理', answerDays: 5 })]);
  });

  it("lets the petitioner only take the petitioner's actions with an access code (403 otherwise)", async () => {
    const { id, accessCode } = (await register()).json();
    const res = await act(undefined, id, 'accept', {}, { 'x-access-code': accessCode });
    expect(res.statusCode).toBe(403);
    expect(res.json().message).toContain('evaluate');
  });
});

describe('reports (检举控告, Art. 30)', () => {
  it('masks the reporter for the handling body, including inside documents, and shows it to the registrar', async () => {
    const bureau = await t.call(registrar, {
      method: 'POST',
      url: '/v1/petitions',
      payload: petitionBody({ category: 'report', concerns: other }),
    });
    expect(bureau.statusCode).toBe(201);
    const { id } = bureau.json();
    expect(bureau.json()).toMatchObject({ concerns: other, petitioner: { name: '李四' } });
    const forwarded = await act(registrar, id, 'forward', { department: dept });
    expect(forwarded.statusCode).toBe(200);
    await untilStep(t, id, 'accept-notice');
    const accepted = await act(staff, id, 'accept');
    expect(accepted.statusCode).toBe(200);
    // The action's answer is masked alike: the reporter's name in the body's own opinion text.
    const opinion = await act(staff, id, 'opinion', { outcome: 'support', text: '经查，李四反映属实。' });
    expect(opinion.statusCode).toBe(200);
    expect(JSON.stringify(opinion.json())).not.toContain('李四');
    expect(JSON.stringify(opinion.json())).toContain('经查，李*反映属实。');
    const view = (await t.call(staff, { method: 'GET', url: `/v1/petitions/${id}` })).json();
    expect(view).toMatchObject({
      identityMasked: true,
      petitioner: { name: '李*', idNumber: '11**************34' },
    });
    expect(view.concerns).toBeUndefined();
    expect(JSON.stringify(view)).not.toContain('李四');
    expect(JSON.stringify(view)).not.toContain('13800001234');
  });

  it('refuses to forward a report to the body it concerns (Art. 30): 422 citing 第三十条', async () => {
    const { id } = (
      await t.call(registrar, {
        method: 'POST',
        url: '/v1/petitions',
        payload: petitionBody({ category: 'report', concerns: other }),
      })
    ).json();
    const res = await act(registrar, id, 'forward', { department: other });
    expect(res.statusCode).toBe(422);
    expect(res.json().message).toContain('第三十条');
  });
});
