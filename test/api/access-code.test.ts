/**
 * A lost access code (Art. 21: the petitioner follows and evaluates the handling) is re-issued by a registrar who has
 * checked the petitioner's identity: the old code stops working at once, the new one works, the timeline records
 * who re-issued it and never the code, and a wrong identity changes nothing.
 */
import { Worker } from '@temporalio/worker';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { identityMatches } from '../../api/auth/identity-proof';
import { petitionWorkflowId } from '../../workflows/messages';
import { petitionBody, startApiTest, uniqueDept, type ApiTestContext } from '../helpers/api';
import { testDataConverter } from '../helpers/temporal';

let t: ApiTestContext;
const DEPT = uniqueDept('AC');

beforeAll(async () => {
  t = await startApiTest();
});
afterAll(async () => {
  await t?.close();
});

async function register(
  overrides: Record<string, unknown> = {},
): Promise<{ id: string; accessCode: string }> {
  const res = await t.call(t.token('registrar'), {
    method: 'POST',
    url: '/v1/petitions',
    payload: petitionBody({ department: DEPT, ...overrides }),
  });
  expect(res.statusCode, res.body).toBe(201);
  return res.json();
}

const readWithCode = (id: string, code: string) =>
  t.call(undefined, { method: 'GET', url: `/v1/petitions/${id}`, headers: { 'x-access-code': code } });

const reissue = (
  id: string,
  body: Record<string, unknown>,
  token = t.token('registrar', undefined, 'reg-7'),
) => t.call(token, { method: 'POST', url: `/v1/petitions/${id}/access-code`, payload: body });

describe('the identity check', () => {
  const registered = { name: '李四', idNumber: '11010119900101123X', phone: '13800001234' };
  it.each([
    [{ name: '李四', idNumber: '11010119900101123x' }, 'match'],
    [{ name: ' 李 四 ', phone: '+86 138-0000-1234' }, 'match'],
    [{ name: '李四', idNumber: '11010119900101123X', phone: '13800001234' }, 'match'],
    [{ name: '李五', idNumber: '11010119900101123X' }, 'mismatch'],
    [{ name: '李四', idNumber: '110101199001011230' }, 'mismatch'],
    [{ name: '李四', idNumber: '11010119900101123X', phone: '13900001234' }, 'mismatch'],
  ] as const)('%j is a %s', (proof, expected) => {
    expect(identityMatches(registered, proof)).toBe(expected);
  });

  it('cannot verify against what was not registered', () => {
    expect(identityMatches({ name: '李四' }, { name: '李四', phone: '13800001234' })).toBe('unverifiable');
  });
});

describe('POST /v1/petitions/:id/access-code', () => {
  it('re-issues the code: the old one stops working at once, the new one works, the timeline says who (never the code)', async () => {
    const { id, accessCode: old } = await register();
    expect((await readWithCode(id, old)).statusCode).toBe(200);

    const res = await reissue(id, { name: '李四', idNumber: '110101199001011234' });
    expect(res.statusCode, res.body).toBe(200);
    const { accessCode, reissuedAt } = res.json() as { accessCode: string; reissuedAt: string };
    expect(accessCode).toMatch(/^[0-9A-HJKMNP-TV-Z]{4}(-[0-9A-HJKMNP-TV-Z]{4}){4}$/);
    expect(accessCode).not.toBe(old);
    expect(Date.parse(reissuedAt)).not.toBeNaN();
    expect(res.body).not.toContain('110101199001011234');

    expect((await readWithCode(id, old)).statusCode).toBe(404);
    const withNew = await readWithCode(id, accessCode);
    expect(withNew.statusCode).toBe(200);
    const entry = (
      withNew.json().timeline as Array<{
        type: string;
        actor?: { role: string; id?: string };
        message: string;
      }>
    ).find((e) => e.type === 'access-code');
    expect(entry).toMatchObject({ actor: { role: 'registrar', id: 'reg-7' } });
    expect(entry!.message).toContain('reg-7');
    const recorded = await t.client.workflow.getHandle(petitionWorkflowId(id)).fetchHistory();
    const history = JSON.stringify(recorded);
    expect(history).not.toContain(accessCode);
    expect(history).not.toContain(accessCode.replace(/-/g, ''));
    // The re-issue (a patched Update: marker, memo upsert) replays deterministically.
    await Worker.runReplayHistory(
      { workflowBundle: { codePath: inject('workflowBundlePath') }, dataConverter: testDataConverter() },
      recorded,
      petitionWorkflowId(id),
    );

    // The petitioner acts with the new code: let in, the step decides (evaluation comes later: 409, not 404).
    const evaluated = await t.call(undefined, {
      method: 'POST',
      url: `/v1/petitions/${id}/actions/evaluate`,
      headers: { 'x-access-code': accessCode },
      payload: { rating: 'satisfied' },
    });
    expect(evaluated.statusCode, evaluated.body).toBe(409);
    expect(evaluated.json().error).toBe('action_not_allowed');
  });

  it('refuses an identity that does not match with 422, without saying which part, and changes nothing', async () => {
    const { id, accessCode } = await register();
    const handle = t.client.workflow.getHandle(petitionWorkflowId(id));
    await handle.query('petitionState');
    const before = (await handle.describe()).historyLength;
    for (const proof of [
      { name: '王五', idNumber: '110101199001011234' },
      { name: '李四', phone: '13900009999' },
    ]) {
      const res = await reissue(id, proof);
      expect(res.statusCode).toBe(422);
      expect(res.json()).toMatchObject({ error: 'identity_mismatch' });
      expect(res.json().details).toBeUndefined();
      expect(res.body).not.toMatch(/13800001234|110101199001011234|王五|13900009999/);
    }
    expect((await handle.describe()).historyLength).toBe(before);
    expect((await readWithCode(id, accessCode)).statusCode).toBe(200);
  });

  it('asks for the ID number or the phone besides the name (400), and says when neither was registered (422)', async () => {
    const { id } = await register();
    const bare = await reissue(id, { name: '李四' });
    expect(bare.statusCode).toBe(400);
    expect(bare.json()).toMatchObject({ error: 'validation_failed' });
    const noId = await register({ petitioner: { name: '张三', address: '北京市海淀区某路2号' } });
    const unverifiable = await reissue(noId.id, { name: '张三', phone: '13800001234' });
    expect(unverifiable.statusCode).toBe(422);
    expect(unverifiable.json().error).toBe('identity_unverifiable');
  });

  it('is for registrars and admins only, and 404 for a petition that does not exist', async () => {
    const { id } = await register();
    const proof = { name: '李四', idNumber: '110101199001011234' };
    expect((await reissue(id, proof, t.token('department', DEPT))).statusCode).toBe(403);
    expect((await reissue(id, proof, t.token('supervisor'))).statusCode).toBe(403);
    expect((await reissue(id, proof, t.token('admin'))).statusCode).toBe(200);
    expect((await reissue('XF20260101AAAAAAAAAAAA', proof)).statusCode).toBe(404);
    const asPetitioner = await t.call(undefined, {
      method: 'POST',
      url: `/v1/petitions/${id}/access-code`,
      headers: { 'x-access-code': '0000-0000-0000-0000-0000' },
      payload: proof,
    });
    expect(asPetitioner.statusCode).toBe(401);
  });

  it('refuses a closed petition with 409: a finished workflow’s record no longer changes', async () => {
    const { id, accessCode } = await register();
    const withdrawn = await t.call(undefined, {
      method: 'POST',
      url: `/v1/petitions/${id}/actions/withdraw`,
      headers: { 'x-access-code': accessCode },
      payload: { reason: '已自行解决' },
    });
    expect(withdrawn.statusCode, withdrawn.body).toBe(200);
    await t.client.workflow.getHandle(petitionWorkflowId(id)).result();
    const res = await reissue(id, { name: '李四', idNumber: '110101199001011234' });
    expect(res.statusCode).toBe(409);
    expect(res.json()).toMatchObject({ error: 'petition_closed' });
    expect((await readWithCode(id, accessCode)).statusCode).toBe(200);
  });
});
