/**
 * A code that names a body must be in the department registry: registration's `department` and `concerns`, and every
 * action field the definition assigns to a holder (forwarding's `department`, Art. 22). An unknown code is 422 naming
 * it and its near matches, checked before anything is started or sent, so nothing changes.
 */
import { readFileSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { nearMatches } from '../../api/services/department-directory';
import { petitionWorkflowId } from '../../workflows/messages';
import {
  eventually,
  petitionBody,
  seedDepartment,
  startApiTest,
  uniqueDept,
  untilStep,
  type ApiTestContext,
} from '../helpers/api';

const SUFFIX = uniqueDept('').toLowerCase();
const HOUSING = `district-housing-${SUFFIX}`;
const HEATING = `district-heating-${SUFFIX}`;
const GOV = `district-gov-${SUFFIX}`;

let t: ApiTestContext;
beforeAll(async () => {
  t = await startApiTest({
    departments: [seedDepartment(GOV), seedDepartment(HOUSING, GOV), seedDepartment(HEATING, GOV)],
  });
});
afterAll(async () => {
  await t?.close();
});

const register = (body: Record<string, unknown>) =>
  t.call(t.token('registrar'), { method: 'POST', url: '/v1/petitions', payload: petitionBody(body) });

describe('near matches', () => {
  it('lists registered codes within three edits, nearest first, case ignored', () => {
    const known = ['district-housing', 'district-heating', 'district-gov', 'city-housing'];
    expect(nearMatches('district-housnig', known)).toEqual(['district-housing']);
    expect(nearMatches('DISTRICT-HEATING', known)).toEqual(['district-heating', 'district-housing']);
    expect(nearMatches('district-housin', known)[0]).toBe('district-housing');
    expect(nearMatches('nothing-like-it', known)).toEqual([]);
  });
});

describe('registration', () => {
  it('refuses an unknown receiving body with 422 naming the code and its near match; nothing is registered', async () => {
    const typo = HOUSING.replace('housing', 'housnig');
    const key = { 'idempotency-key': `codes-${SUFFIX}-1` };
    const res = await t.call(t.token('registrar'), {
      method: 'POST',
      url: '/v1/petitions',
      headers: key,
      payload: petitionBody({ department: typo }),
    });
    expect(res.statusCode).toBe(422);
    expect(res.json()).toMatchObject({
      error: 'unknown_department',
      message: expect.stringContaining(`no department "${typo}" is registered (did you mean "${HOUSING}"?)`),
      details: [{ field: 'body.department', code: typo, nearMatches: [HOUSING] }],
    });
    // Had anything been registered under this key, another body under it would be 409 idempotency_conflict.
    const corrected = await t.call(t.token('registrar'), {
      method: 'POST',
      url: '/v1/petitions',
      headers: key,
      payload: petitionBody({ department: HOUSING }),
    });
    expect(corrected.statusCode, corrected.body).toBe(201);
  });

  it('refuses an unknown body a report concerns, and accepts registered codes', async () => {
    const bad = await register({ category: 'report', department: HOUSING, concerns: 'no-such-body' });
    expect(bad.statusCode).toBe(422);
    expect(bad.json().details).toEqual([{ field: 'body.concerns', code: 'no-such-body', nearMatches: [] }]);
    const good = await register({ category: 'report', department: HOUSING, concerns: HEATING });
    expect(good.statusCode, good.body).toBe(201);
  });

  it('knows a body registered a moment ago (the cached list is read again before a code is refused)', async () => {
    const fresh = `fresh-${SUFFIX}`;
    // Warm the cache without the new body, then register it.
    expect((await register({ department: HOUSING })).statusCode).toBe(201);
    const put = await t.call(t.token('admin'), {
      method: 'PUT',
      url: `/v1/departments/${fresh}`,
      payload: seedDepartment(fresh, GOV).department,
    });
    expect(put.statusCode, put.body).toBe(201);
    expect((await register({ department: fresh })).statusCode).toBe(201);
  });
});

describe('actions', () => {
  it('refuses forward {"department": "<typo>"} with 422 before the Update: the petition stays where it was', async () => {
    const created = await register({});
    expect(created.statusCode).toBe(201);
    const id = created.json().id as string;
    const handle = t.client.workflow.getHandle(petitionWorkflowId(id));
    // Once a query is answered the first workflow task has run: the history stands still until something happens.
    expect(
      (await t.call(t.token('registrar'), { method: 'GET', url: `/v1/petitions/${id}` })).statusCode,
    ).toBe(200);
    const before = (await handle.describe()).historyLength;
    const typo = HOUSING.replace('housing', 'housnig');
    const res = await t.call(t.token('registrar'), {
      method: 'POST',
      url: `/v1/petitions/${id}/actions/forward`,
      payload: { department: typo },
    });
    expect(res.statusCode).toBe(422);
    expect(res.json()).toMatchObject({
      error: 'unknown_department',
      details: [{ field: 'body.department', code: typo, nearMatches: [HOUSING] }],
    });
    expect((await handle.describe()).historyLength).toBe(before);

    const ok = await t.call(t.token('registrar'), {
      method: 'POST',
      url: `/v1/petitions/${id}/actions/forward`,
      payload: { department: HOUSING },
    });
    expect(ok.statusCode, ok.body).toBe(200);
    // The hand-over runs in the background: the answer names its step; the petition then rests at the body.
    expect(ok.json()).toMatchObject({ step: 'deliver-to-department' });
    expect(await untilStep(t, id, 'accept-notice')).toMatchObject({ department: HOUSING });
  });

  it('checks a field a published definition declares as a body for that action id, before the Update and whatever definition the petition follows', async () => {
    // A designer's version of the statutory process with one more routing action, `route-onward {target}`.
    const source = readFileSync('definitions/statutory/petition-2022-v2.yaml', 'utf8')
      .replace(/^id: petition-2022$/m, `id: routing-${SUFFIX}`)
      .replace(/^version: 2$/m, 'version: 1')
      .replace(
        '      - id: divert\n',
        [
          '      - id: route-onward',
          '        name: 改送',
          '        roles: [registrar]',
          '        fields:',
          '          target: { type: string, required: true }',
          '        set:',
          '          department: input.target',
          '        to: deliver-to-department',
          '      - id: divert',
          '',
        ].join('\n'),
      );
    const published = await t.call(t.token('designer'), {
      method: 'POST',
      url: '/v1/definitions',
      payload: source,
      headers: { 'content-type': 'application/yaml' },
    });
    expect(published.statusCode, published.body).toBe(201);

    // A petition on the statutory definition, which has no such action: the code is refused all the same, before
    // anything is sent to it (the list of definitions is read again in the background once it is 5 s old).
    const id = (await register({})).json().id as string;
    const handle = t.client.workflow.getHandle(petitionWorkflowId(id));
    await handle.query('petitionState');
    const before = (await handle.describe()).historyLength;
    const typo = HOUSING.replace('housing', 'housnig');
    const res = await eventually(
      () =>
        t.call(t.token('registrar'), {
          method: 'POST',
          url: `/v1/petitions/${id}/actions/route-onward`,
          payload: { target: typo },
        }),
      (r) => r.statusCode === 422,
      'the published definition to be read',
      15_000,
    );
    expect(res.json()).toMatchObject({
      error: 'unknown_department',
      details: [{ field: 'body.target', code: typo, nearMatches: [HOUSING] }],
    });
    expect((await handle.describe()).historyLength).toBe(before);
  });

  it('leaves fields that name no body alone (divert’s free-text `body` is a court, not a registered code)', async () => {
    const id = (await register({})).json().id as string;
    const res = await t.call(t.token('registrar'), {
      method: 'POST',
      url: `/v1/petitions/${id}/actions/divert`,
      payload: { channel: 'litigation', body: '某区人民法院', reason: '属于诉讼事项。' },
    });
    expect(res.statusCode, res.body).toBe(200);
  });
});

describe('with no department registered', () => {
  it('accepts any well-formed code: there is nothing to check it against', async () => {
    const bare = await startApiTest();
    try {
      const res = await bare.call(bare.token('registrar'), {
        method: 'POST',
        url: '/v1/petitions',
        payload: petitionBody({ department: uniqueDept('ANY') }),
      });
      expect(res.statusCode, res.body).toBe(201);
    } finally {
      await bare.close();
    }
  });
});
