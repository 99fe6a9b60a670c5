/**
 * Who may call a route is checked before the request is validated (api/auth/route-auth.ts): a caller without a
 * token gets 401 and a caller whose role may not use the route 403, never a 400 that describes the route's schema.
 * Every `/v1` route is in the table below, and the table is checked against the routes the API documents.
 */
import type { InjectOptions } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { StaffRole } from '../../api/auth/principal';
import { petitionBody, startApiTest, uniqueDept, type ApiTestContext } from '../helpers/api';

let t: ApiTestContext;
const DEPT = uniqueDept('RA');
let petition: { id: string; accessCode: string };

beforeAll(async () => {
  t = await startApiTest();
  const res = await t.call(t.token('registrar'), {
    method: 'POST',
    url: '/v1/petitions',
    payload: petitionBody({ department: DEPT }),
  });
  expect(res.statusCode).toBe(201);
  petition = res.json();
});
afterAll(async () => {
  await t?.close();
});

interface RouteCase {
  /** As the OpenAPI document names it. */
  route: string;
  /** A request the route's schema refuses (body, query or path). */
  invalid: () => Pick<InjectOptions, 'method' | 'url' | 'payload'>;
  /** A role the route is not for; absent where every staff role may call it. */
  wrongRole?: StaffRole;
  /** A role the route is for (with its department, if it needs one). */
  rightRole: [StaffRole, string?];
}

const cases: RouteCase[] = [
  {
    route: 'POST /v1/petitions',
    invalid: () => ({ method: 'POST', url: '/v1/petitions', payload: { channel: 'pigeon' } }),
    wrongRole: 'designer',
    rightRole: ['registrar'],
  },
  {
    route: 'POST /v1/petitions/related',
    invalid: () => ({ method: 'POST', url: '/v1/petitions/related', payload: { petitioner: {} } }),
    wrongRole: 'department',
    rightRole: ['registrar'],
  },
  {
    route: 'GET /v1/petitions/{id}',
    invalid: () => ({ method: 'GET', url: '/v1/petitions/not%20an%20id!' }),
    wrongRole: 'designer',
    rightRole: ['supervisor'],
  },
  {
    route: 'GET /v1/petitions/{id}/action-forms',
    invalid: () => ({ method: 'GET', url: '/v1/petitions/not%20an%20id!/action-forms' }),
    wrongRole: 'designer',
    rightRole: ['supervisor'],
  },
  {
    route: 'POST /v1/petitions/{id}/actions/{action}',
    invalid: () => ({ method: 'POST', url: `/v1/petitions/${petition.id}/actions/accept`, payload: [1, 2] }),
    wrongRole: 'designer',
    rightRole: ['department', DEPT],
  },
  {
    route: 'GET /v1/definition-drafts',
    invalid: () => ({ method: 'GET', url: '/v1/definition-drafts' }),
    wrongRole: 'registrar',
    rightRole: ['designer'],
  },
  {
    route: 'GET /v1/definitions/{id}/draft',
    invalid: () => ({ method: 'GET', url: '/v1/definitions/Not%20An%20Id!/draft' }),
    wrongRole: 'registrar',
    rightRole: ['designer'],
  },
  {
    route: 'PUT /v1/definitions/{id}/draft',
    invalid: () => ({ method: 'PUT', url: '/v1/definitions/petition-2022/draft', payload: [1, 2] }),
    wrongRole: 'registrar',
    rightRole: ['designer'],
  },
  {
    route: 'DELETE /v1/definitions/{id}/draft',
    invalid: () => ({ method: 'DELETE', url: '/v1/definitions/Not%20An%20Id!/draft' }),
    wrongRole: 'registrar',
    rightRole: ['designer'],
  },
  {
    route: 'POST /v1/definitions/diff',
    invalid: () => ({ method: 'POST', url: '/v1/definitions/diff', payload: [1, 2] }),
    wrongRole: 'registrar',
    rightRole: ['designer'],
  },
  {
    route: 'POST /v1/definitions/simulate',
    invalid: () => ({ method: 'POST', url: '/v1/definitions/simulate', payload: [1, 2] }),
    wrongRole: 'registrar',
    rightRole: ['designer'],
  },
  {
    route: 'POST /v1/definitions/{id}/migrations',
    invalid: () => ({ method: 'POST', url: '/v1/definitions/petition-2022/migrations', payload: [1, 2] }),
    wrongRole: 'registrar',
    rightRole: ['designer'],
  },
  {
    route: 'GET /v1/definitions/{id}/migrations/{mid}',
    invalid: () => ({ method: 'GET', url: '/v1/definitions/petition-2022/migrations/not-a-migration' }),
    wrongRole: 'registrar',
    rightRole: ['designer'],
  },
  {
    route: 'GET /v1/petitions',
    invalid: () => ({ method: 'GET', url: '/v1/petitions?pageSize=0' }),
    wrongRole: 'superior',
    rightRole: ['supervisor'],
  },
  {
    route: 'GET /v1/supervision/overdue',
    invalid: () => ({ method: 'GET', url: '/v1/supervision/overdue?pageSize=-3' }),
    wrongRole: 'designer',
    rightRole: ['supervisor'],
  },
  {
    route: 'GET /v1/supervision/at-risk',
    invalid: () => ({ method: 'GET', url: '/v1/supervision/at-risk?within=soon' }),
    wrongRole: 'superior',
    rightRole: ['supervisor'],
  },
  {
    route: 'GET /v1/stats',
    invalid: () => ({ method: 'GET', url: '/v1/stats?from=yesterday' }),
    wrongRole: 'designer',
    rightRole: ['supervisor'],
  },
  {
    route: 'GET /v1/calendar/deadline',
    invalid: () => ({ method: 'GET', url: '/v1/calendar/deadline?from=2026-09-28&days=-1' }),
    rightRole: ['designer'],
  },
  {
    route: 'GET /v1/definitions',
    invalid: () => ({ method: 'GET', url: '/v1/definitions' }),
    wrongRole: 'registrar',
    rightRole: ['designer'],
  },
  {
    route: 'GET /v1/definitions/{id}',
    invalid: () => ({ method: 'GET', url: '/v1/definitions/petition-2022?version=latest' }),
    wrongRole: 'registrar',
    rightRole: ['designer'],
  },
  {
    route: 'POST /v1/definitions/validate',
    invalid: () => ({ method: 'POST', url: '/v1/definitions/validate', payload: { format: 'toml' } }),
    wrongRole: 'supervisor',
    rightRole: ['designer'],
  },
  {
    route: 'POST /v1/definitions',
    invalid: () => ({ method: 'POST', url: '/v1/definitions', payload: { format: 'toml' } }),
    wrongRole: 'department',
    rightRole: ['admin'],
  },
  {
    route: 'GET /v1/departments',
    invalid: () => ({ method: 'GET', url: '/v1/departments' }),
    rightRole: ['registrar'],
  },
  {
    route: 'GET /v1/departments/{code}',
    invalid: () => ({ method: 'GET', url: '/v1/departments/not%20a%20code!' }),
    rightRole: ['registrar'],
  },
  {
    route: 'GET /v1/reports/annual',
    invalid: () => ({ method: 'GET', url: '/v1/reports/annual?year=20' }),
    wrongRole: 'registrar',
    rightRole: ['supervisor'],
  },
  {
    route: 'PUT /v1/departments/{code}',
    invalid: () => ({ method: 'PUT', url: `/v1/departments/${DEPT}`, payload: { name: 42 } }),
    wrongRole: 'supervisor',
    rightRole: ['admin'],
  },
  {
    route: 'GET /v1/departments/{code}/queue',
    invalid: () => ({ method: 'GET', url: `/v1/departments/${DEPT}/queue?pageSize=0` }),
    wrongRole: 'registrar',
    rightRole: ['department', DEPT],
  },
];

/**
 * Routes that take no token on purpose (`config.auth.anonymous`): the embedded default's console sign-in, which is
 * how a token is obtained there (test/api/console-routes.test.ts covers who may use it).
 */
const anonymous = ['GET /v1/console/dev-sign-in', 'POST /v1/console/dev-token'];

/** Requests whose only fault is in what they send; a route without any input is refused nowhere. */
const hasInvalidInput = (c: RouteCase) =>
  !['GET /v1/definitions', 'GET /v1/departments', 'GET /v1/definition-drafts'].includes(c.route);

describe('authentication and roles come before validation', () => {
  it('covers every /v1 route the API documents', () => {
    const paths = (t.app.swagger() as { paths: Record<string, Record<string, unknown>> }).paths;
    const documented = Object.entries(paths)
      .filter(([path]) => path.startsWith('/v1/'))
      .flatMap(([path, methods]) => Object.keys(methods).map((m) => `${m.toUpperCase()} ${path}`))
      .sort();
    expect([...cases.map((c) => c.route), ...anonymous].sort()).toEqual(documented);
  });

  it.each(cases.filter(hasInvalidInput).map((c) => [c.route, c] as const))(
    '%s: the request is refused by validation (400) for a role the route is for',
    async (_route, c) => {
      const [role, dept] = c.rightRole;
      const res = await t.call(t.token(role, dept), c.invalid());
      expect(res.statusCode).toBe(400);
      expect(res.json()).toMatchObject({ error: 'validation_failed' });
    },
  );

  it.each(cases.map((c) => [c.route, c] as const))(
    '%s: the same request without a token is 401, not 400',
    async (_route, c) => {
      const res = await t.call(undefined, c.invalid());
      expect(res.statusCode).toBe(401);
      expect(res.headers['www-authenticate']).toBe('Bearer');
      expect(res.json()).toMatchObject({
        error: 'unauthorized',
        message: expect.stringContaining('bearer token'),
      });
    },
  );

  it.each(cases.filter((c) => c.wrongRole).map((c) => [c.route, c.wrongRole, c] as const))(
    '%s: the same request from a %s is 403, not 400',
    async (_route, wrongRole, c) => {
      const res = await t.call(t.token(wrongRole!, 'X1'), c.invalid());
      expect(res.statusCode).toBe(403);
      expect(res.json()).toMatchObject({
        error: 'forbidden',
        message: expect.stringContaining(`Role "${wrongRole}" may not`),
        details: { role: wrongRole },
      });
    },
  );

  it('a petitioner with the access code who sends an action reserved for staff gets 403, not 400', async () => {
    const res = await t.call(undefined, {
      method: 'POST',
      url: `/v1/petitions/${petition.id}/actions/accept`,
      headers: { 'x-access-code': petition.accessCode },
      payload: [1, 2],
    });
    expect(res.statusCode).toBe(403);
    expect(res.json()).toMatchObject({
      error: 'forbidden',
      message: expect.stringContaining('With an access code a petitioner may only'),
    });
  });

  it('a wrong access code is 404 as for an unknown petition, whatever the body', async () => {
    const res = await t.call(undefined, {
      method: 'POST',
      url: `/v1/petitions/${petition.id}/actions/withdraw`,
      headers: { 'x-access-code': '0000-0000-0000-0000-0000' },
      payload: [1, 2],
    });
    expect(res.statusCode).toBe(404);
    expect(res.json()).toMatchObject({ error: 'not_found' });
  });

  it('a petitioner with the right code and an invalid body is told what is invalid (400)', async () => {
    const res = await t.call(undefined, {
      method: 'POST',
      url: `/v1/petitions/${petition.id}/actions/withdraw`,
      headers: { 'x-access-code': petition.accessCode },
      payload: [1, 2],
    });
    expect(res.statusCode).toBe(400);
    expect(res.json()).toMatchObject({ error: 'validation_failed' });
  });

  it('an access code on a route that is not the petitioner’s is no credential (401)', async () => {
    const res = await t.call(undefined, {
      method: 'POST',
      url: '/v1/petitions',
      headers: { 'x-access-code': petition.accessCode },
      payload: { channel: 'pigeon' },
    });
    expect(res.statusCode).toBe(401);
  });
});
