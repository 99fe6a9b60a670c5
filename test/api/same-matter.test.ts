/**
 * The same matter through the API (Arts. 19, 36 ¶3): the petitioner's opaque same-matter key, the related petitions
 * answered at registration and before it, and a petition registered as the same matter as one still being handled,
 * one re-reviewed for good, and one closed without finality.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createIdentityKeyer, normalisedIdentity } from '../../api/services/identity-key';
import { petitionWorkflowId } from '../../workflows/messages';
import { PetitionSearchAttributes as SA } from '../../workflows/search-attributes';
import {
  eventually,
  petitionBody,
  startApiTest,
  uniqueDept,
  untilStep,
  type ApiTestContext,
} from '../helpers/api';

let t: ApiTestContext;
let registrar: string;
const D = uniqueDept('M');
/** An ID number no other test file registers with, so the related lists hold only this file's petitions. */
const ID_NUMBER = `11010119800101${String(Date.now() % 10_000).padStart(4, '0')}`;
const person = { name: '王五', address: '北京市西城区某街3号', idNumber: ID_NUMBER.toLowerCase() };

beforeAll(async () => {
  t = await startApiTest();
  registrar = t.token('registrar', undefined, 'reg-same');
});
afterAll(async () => {
  await t?.close();
});

async function register(body: Record<string, unknown>) {
  return await t.call(registrar, {
    method: 'POST',
    url: '/v1/petitions',
    payload: petitionBody({ department: D, ...body }),
  });
}

async function related(petitioner: Record<string, unknown>, as = registrar) {
  return await t.call(as, { method: 'POST', url: '/v1/petitions/related', payload: { petitioner } });
}

async function act(token: string | undefined, id: string, action: string, payload = {}, headers = {}) {
  const res = await t.call(token, {
    method: 'POST',
    url: `/v1/petitions/${id}/actions/${action}`,
    payload,
    headers,
  });
  expect(res.statusCode, `${action}: ${res.body}`).toBe(200);
  return res.json();
}

async function closed(id: string) {
  return await eventually(
    async () =>
      (
        await t.call(t.token('admin', undefined, 'adm'), { method: 'GET', url: `/v1/petitions/${id}` })
      ).json(),
    (v) => v.status === 'closed',
    `petition ${id} to close`,
    20_000,
  );
}

describe('the same-matter key of a petitioner (Arts. 19, 36 ¶3)', () => {
  it('is computed from the ID number when given (trimmed, upper-cased), else from the name with the phone (digits only), else not at all', () => {
    expect(normalisedIdentity({ name: '王五', idNumber: ' 11010119800101123x ' })).toBe(
      'id:11010119800101123X',
    );
    expect(normalisedIdentity({ name: ' 王五 ', phone: '+86 138-0000-1234' })).toBe(
      'name-phone:王五\n13800001234',
    );
    expect(normalisedIdentity({ name: '王五' })).toBeUndefined();
    const keyer = createIdentityKeyer('s'.repeat(43));
    const key = keyer.keyOf({ name: '王五', idNumber: '11010119800101123x' })!;
    expect(key).toMatch(/^[0-9a-f]{64}$/);
    expect(keyer.keyOf({ name: '王五（另写）', idNumber: '11010119800101123X ' })).toBe(key);
    expect(
      createIdentityKeyer('t'.repeat(43)).keyOf({ name: '王五', idNumber: '11010119800101123X' }),
    ).not.toBe(key);
  });

  it('is kept in PetitionIdentity as an opaque key, never the identity, and the 201 answer lists the other petitions of the same petitioner (Art. 19)', async () => {
    const first = await register({ petitioner: person });
    expect(first.statusCode, first.body).toBe(201);
    expect(first.json().related).toEqual([]);
    const described = await t.client.workflow.getHandle(petitionWorkflowId(first.json().id)).describe();
    const key = described.typedSearchAttributes.get(SA.identity);
    expect(key).toMatch(/^[0-9a-f]{64}$/);
    expect(JSON.stringify(described.searchAttributes)).not.toContain(ID_NUMBER.slice(0, 12));

    await eventually(
      async () => (await related(person)).json().related,
      (r) => r.length === 1,
      'the first petition in visibility',
    );
    const second = await register({ petitioner: { ...person, idNumber: ` ${ID_NUMBER} ` } });
    expect(second.statusCode, second.body).toBe(201);
    expect(second.json().related).toEqual([
      { id: first.json().id, step: 'accept-notice', status: 'open', outcome: null, final: false },
    ]);
  });

  it('POST /v1/petitions/related answers the same list without registering anything, [] without an ID number or a phone, and only to registrars and admins', async () => {
    const before = await eventually(
      async () => (await related(person)).json().related,
      (r) => r.length === 2,
      'two petitions of this petitioner',
    );
    expect(before.every((r: { status: string }) => r.status === 'open')).toBe(true);
    const again = await related({ name: '王五', idNumber: ID_NUMBER });
    expect(again.statusCode).toBe(200);
    expect(again.json().related).toHaveLength(2);
    expect((await related({ name: '王五' })).json()).toEqual({ related: [] });
    const staff = await related(person, t.token('department', D, 'staff-m'));
    expect(staff.statusCode).toBe(403);
    const bad = await t.call(registrar, {
      method: 'POST',
      url: '/v1/petitions/related',
      payload: { petitioner: { phone: '1' } },
    });
    expect(bad.statusCode).toBe(400);
    expect(bad.json().error).toBe('validation_failed');
  });

  it('matches a petitioner without an ID number by name and phone, however the phone is written', async () => {
    const phone = `139${String(Date.now()).slice(-8)}`;
    const a = await register({ petitioner: { name: '赵六', address: '某地', phone } });
    expect(a.statusCode).toBe(201);
    await eventually(
      async () =>
        (await related({ name: '赵六', phone: `+86 ${phone.slice(0, 3)}-${phone.slice(3)}` })).json().related,
      (r) => r.length === 1 && r[0].id === a.json().id,
      'the petition found by name and phone',
    );
  });
});

describe('registering the same matter again (sameMatterAs)', () => {
  it('links a petition to one still being handled and closes it as merged, with a notice citing Art. 19', async () => {
    const open = await register({ petitioner: person, subject: '同一事项（正在办理）' });
    const again = await register({ petitioner: person, sameMatterAs: open.json().id });
    expect(again.statusCode, again.body).toBe(201);
    expect(again.json().sameMatter).toEqual({
      id: open.json().id,
      status: 'open',
      outcome: null,
      final: false,
    });
    const done = await closed(again.json().id);
    expect(done.outcome).toMatchObject({ outcome: 'merged', final: false });
    const notice = done.documents.find((d: { kind: string }) => d.kind === 'merged-notice');
    expect(notice.text).toContain(open.json().id);
    expect(notice.text).toContain('第十九条');
    expect(done.timeline[0].message).toContain(`与信访事项 ${open.json().id} 为同一事项`);
    await eventually(
      async () => (await related(person)).json().related,
      (r) =>
        r.some((x: { id: string; outcome: string }) => x.id === again.json().id && x.outcome === 'merged'),
      'the merged petition listed with its outcome',
    );
  });

  it('registers the same matter after a final re-review and closes it at once with a 不予受理告知书 citing 第三十六条 (Art. 36 ¶3)', async () => {
    const earlier = await register({ petitioner: person, subject: '同一事项（已复核）' });
    const id = earlier.json().id;
    const code = { 'x-access-code': earlier.json().accessCode };
    const staff = t.token('department', D, 'staff-m');
    const superior = t.token('superior', uniqueDept('S'), 'sup-m');
    await act(staff, id, 'accept');
    await act(staff, id, 'opinion', { outcome: 'reject', text: '不予支持。', legalBasis: '某条例第十条' });
    await act(staff, id, 'reply');
    await act(undefined, id, 'request-review', { reason: '不服' }, code);
    // Hand-overs to the reviewing bodies run in the background: they act once the delivery has completed.
    await untilStep(t, id, 'review');
    await act(superior, id, 'review-opinion', { outcome: 'reject', text: '维持。' });
    await act(superior, id, 'serve-review-opinion');
    await untilStep(t, id, 're-review-window');
    await act(undefined, id, 'request-re-review', { reason: '仍不服' }, code);
    await untilStep(t, id, 're-review');
    await act(superior, id, 're-review-opinion', { outcome: 'reject', text: '复核维持。' });
    await act(superior, id, 'serve-re-review-opinion');
    // The final opinion waits for the petitioner's evaluation (Art. 21) before the petition closes.
    await act(undefined, id, 'evaluate', { rating: 'unsatisfied' }, code);
    await closed(id);

    const again = await register({ petitioner: person, sameMatterAs: id });
    expect(again.statusCode, again.body).toBe(201);
    expect(again.json().sameMatter).toEqual({ id, status: 'closed', outcome: 'final', final: true });
    const done = await closed(again.json().id);
    expect(done.outcome).toMatchObject({ outcome: 'not-accepted-again', final: false });
    const notice = done.documents.find((d: { kind: string }) => d.kind === 'not-accepted-again-notice');
    expect(notice.title).toBe('信访事项不予受理告知书');
    expect(notice.text).toContain('第三十六条第三款');
    expect(notice.text).toContain(id);
    const listed = await eventually(
      async () => (await related(person)).json().related,
      (r) => r.some((x: { id: string; final: boolean }) => x.id === id && x.final),
      'the re-reviewed petition listed as final',
    );
    expect(listed.find((x: { id: string }) => x.id === id)).toMatchObject({
      status: 'closed',
      outcome: 'final',
      final: true,
    });
  });

  it('registers as usual, the link recorded, when the earlier petition closed without finality', async () => {
    const earlier = await register({ petitioner: person, subject: '同一事项（已撤回）' });
    await act(undefined, earlier.json().id, 'withdraw', {}, { 'x-access-code': earlier.json().accessCode });
    await closed(earlier.json().id);
    const again = await register({ petitioner: person, sameMatterAs: earlier.json().id });
    expect(again.statusCode, again.body).toBe(201);
    expect(again.json()).toMatchObject({
      status: 'open',
      step: 'accept-notice',
      sameMatter: { id: earlier.json().id, status: 'closed', outcome: 'withdrawn', final: false },
    });
    expect(again.json().timeline[0].message).toContain(`与信访事项 ${earlier.json().id} 为同一事项`);
  });

  it('refuses an unknown petition and another petitioner’s petition (422), registering nothing', async () => {
    const unknown = await register({ petitioner: person, sameMatterAs: 'XF20260101AAAAAAAAAAAA' });
    expect(unknown.statusCode).toBe(422);
    expect(unknown.json()).toMatchObject({ error: 'unknown_petition', details: { field: 'sameMatterAs' } });
    const other = await register({ petitioner: { name: '钱七', idNumber: '110101197001010000' } });
    const refused = await register({ petitioner: person, sameMatterAs: other.json().id });
    expect(refused.statusCode).toBe(422);
    expect(refused.json()).toMatchObject({
      error: 'not_same_petitioner',
      details: { field: 'sameMatterAs' },
    });
    expect(refused.json().message).toContain('Art. 36 ¶3');
  });
});
