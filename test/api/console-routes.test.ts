/**
 * The console's routes on the API: static files with SPA fallback and caching, a clear 503 before the console is
 * built, the configuration the console reads, the embedded default's role picker, and action forms from the
 * definition a petition follows.
 */
import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import type { FastifyInstance } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { inject } from 'vitest';
import { buildApp } from '../../api/app';
import { loadConfig } from '../../config';
import { petitionBody } from '../helpers/api';
import { startConsoleStack, type ConsoleStack } from '../helpers/console';
import { connectDevServer, testLogger } from '../helpers/temporal';

const HOUSING = 'cr-housing';

describe('the console files on the API', () => {
  let built: FastifyInstance;
  let unbuilt: FastifyInstance;
  let close: () => Promise<void>;

  beforeAll(async () => {
    const dist = mkdtempSync(path.join(tmpdir(), 'console-dist-'));
    mkdirSync(path.join(dist, 'assets'));
    writeFileSync(path.join(dist, 'index.html'), '<!doctype html><title>console</title>');
    writeFileSync(path.join(dist, 'assets', 'main-Ab12Cd34.js'), 'console.log(1)');
    writeFileSync(path.join(dist, 'favicon.svg'), '<svg/>');
    const { client, connection } = await connectDevServer();
    const config = loadConfig({ TEMPORAL_ADDRESS: inject('devServerAddress') });
    const make = (distDir: string) =>
      buildApp({ config, logger: testLogger, connection, client, console: { distDir } });
    built = make(dist);
    unbuilt = make(path.join(dist, 'missing'));
    await Promise.all([built.ready(), unbuilt.ready()]);
    close = async () => {
      await Promise.all([built.close(), unbuilt.close()]);
      await connection.close();
    };
  });
  afterAll(async () => close?.());

  it('redirects / to /console/', async () => {
    const res = await built.inject({ url: '/' });
    expect(res.statusCode).toBe(302);
    expect(res.headers.location).toBe('/console/');
  });

  it('serves index.html for /console/ and for any deep link of the app, revalidated every time', async () => {
    for (const url of ['/console/', '/console/petitions/XF20260101AAAA', '/console/dashboard?x=1']) {
      const res = await built.inject({ url });
      expect(res.statusCode, url).toBe(200);
      expect(res.headers['content-type']).toContain('text/html');
      expect(res.headers['cache-control']).toBe('no-cache');
      expect(res.body).toContain('<title>console</title>');
    }
  });

  it('serves hashed assets with a year of caching and other files revalidated', async () => {
    const asset = await built.inject({ url: '/console/assets/main-Ab12Cd34.js' });
    expect(asset.statusCode).toBe(200);
    expect(asset.headers['cache-control']).toBe('public, max-age=31536000, immutable');
    const icon = await built.inject({ url: '/console/favicon.svg' });
    expect(icon.statusCode).toBe(200);
    expect(icon.headers['cache-control']).toBe('no-cache');
  });

  it('answers a missing asset with a JSON 404, never the app, and serves nothing outside the build', async () => {
    const missing = await built.inject({ url: '/console/assets/gone-00000000.js' });
    expect(missing.statusCode).toBe(404);
    expect(missing.json()).toMatchObject({ error: 'not_found' });
    const outside = await built.inject({ url: '/console/..%2f..%2fpackage.json' });
    expect(outside.statusCode).toBe(404);
    expect(outside.body).not.toContain('petition-engine');
  });

  it('answers 503 console_not_built (never 500) on every console URL before the console is built', async () => {
    for (const url of ['/console/', '/console/dashboard', '/console/assets/main-Ab12Cd34.js']) {
      const res = await unbuilt.inject({ url });
      expect(res.statusCode, url).toBe(503);
      expect(res.json()).toMatchObject({
        error: 'console_not_built',
        message: expect.stringContaining('npm run console:build'),
      });
    }
  });

  it('tells the console that no sign-in is configured when neither the role picker nor OIDC is on', async () => {
    const res = await built.inject({ url: '/console/config.json' });
    expect(res.statusCode).toBe(200);
    expect(res.headers['cache-control']).toBe('no-store');
    expect(res.json()).toEqual({ signIn: 'none' });
  });

  it('refuses a dev token when the embedded signing secret is not in use', async () => {
    const res = await built.inject({
      method: 'POST',
      url: '/v1/console/dev-token',
      payload: { role: 'admin' },
    });
    expect(res.statusCode).toBe(403);
    expect(res.json()).toMatchObject({
      error: 'dev_sign_in_disabled',
      message: expect.stringContaining('OpenID Connect'),
    });
  });
});

describe('the role picker and action forms', () => {
  let stack: ConsoleStack;
  beforeAll(async () => {
    stack = await startConsoleStack({
      departments: [
        {
          code: HOUSING,
          department: {
            name: '区住房和城乡建设局',
            superior: null,
            supervisor: { email: 'supervision@example.gov.cn' },
            connector: { kind: 'manual' },
          },
          actor: { role: 'system', id: 'test' },
        },
      ],
    });
  }, 300_000);
  afterAll(async () => stack?.close());

  it('offers the roles and the registered departments while the embedded secret is in use', async () => {
    expect((await stack.app.inject({ url: '/console/config.json' })).json()).toEqual({ signIn: 'dev' });
    const res = await stack.app.inject({ url: '/v1/console/dev-sign-in' });
    expect(res.statusCode).toBe(200);
    expect(res.json()).toMatchObject({
      roles: ['registrar', 'department', 'superior', 'supervisor', 'designer', 'admin'],
      needsDepartment: ['department', 'superior'],
      departments: [{ code: HOUSING, name: '区住房和城乡建设局' }],
      ttlSeconds: 7200,
    });
  });

  it('mints a two-hour token for a department that the API accepts', async () => {
    const res = await stack.app.inject({
      method: 'POST',
      url: '/v1/console/dev-token',
      payload: { role: 'department', dept: HOUSING },
    });
    expect(res.statusCode).toBe(200);
    const body = res.json();
    expect(body).toMatchObject({ role: 'department', dept: HOUSING, sub: `console-department-${HOUSING}` });
    expect(Date.parse(body.expiresAt) - Date.now()).toBeGreaterThan(7_100_000);
    const queue = await stack.app.inject({
      url: `/v1/departments/${HOUSING}/queue`,
      headers: { authorization: `Bearer ${body.token}` },
    });
    expect(queue.statusCode).toBe(200);
  });

  it('refuses a department token without a department, and for a department that is not registered', async () => {
    const missing = await stack.app.inject({
      method: 'POST',
      url: '/v1/console/dev-token',
      payload: { role: 'superior' },
    });
    expect(missing.statusCode).toBe(400);
    expect(missing.json()).toMatchObject({
      error: 'validation_failed',
      message: expect.stringContaining('body.dept'),
    });
    const unknown = await stack.app.inject({
      method: 'POST',
      url: '/v1/console/dev-token',
      payload: { role: 'department', dept: 'nowhere' },
    });
    expect(unknown.statusCode).toBe(422);
    expect(unknown.json().error).toBe('unknown_department');
    const role = await stack.app.inject({
      method: 'POST',
      url: '/v1/console/dev-token',
      payload: { role: 'root' },
    });
    expect(role.statusCode).toBe(400);
  });

  it('refuses the role picker to a caller that is not on this machine', async () => {
    const res = await stack.app.inject({
      method: 'POST',
      url: '/v1/console/dev-token',
      payload: { role: 'admin' },
      remoteAddress: '192.0.2.10',
    });
    expect(res.statusCode).toBe(403);
    expect(res.json().error).toBe('dev_sign_in_local_only');
  });

  it('gives the holding department the forms of its actions, with the fields the definition declares (Art. 23)', async () => {
    const registered = await stack.call('POST', '/v1/petitions', {
      token: stack.token('registrar'),
      body: petitionBody({ department: HOUSING }),
    });
    expect(registered.status).toBe(201);
    const { id, accessCode } = registered.json;
    const forms = await stack.call('GET', `/v1/petitions/${id}/action-forms`, {
      token: stack.token('department', HOUSING),
    });
    expect(forms.status).toBe(200);
    expect(forms.json).toMatchObject({
      definition: { id: 'petition-2022', version: 2 },
      step: { id: 'accept-notice', assignee: 'department', holder: HOUSING },
    });
    const accept = forms.json.actions.find((a: { id: string }) => a.id === 'accept');
    expect(accept.fields.route).toMatchObject({
      type: 'enum',
      values: ['duty', 'investigation'],
    });
    // The supervisor's 督办 at the same step: reason (text) and answer days (integer ≥ 1), from the definition.
    const supervisor = await stack.call('GET', `/v1/petitions/${id}/action-forms`, {
      token: stack.token('supervisor'),
    });
    expect(supervisor.json.actions.map((a: { id: string }) => a.id)).toEqual(['supervise', 'recuse']);
    expect(supervisor.json.actions[0].fields).toEqual({
      reason: expect.objectContaining({ type: 'text', required: true }),
      answerDays: expect.objectContaining({ type: 'integer', required: true, min: 1 }),
    });
    // The petitioner, with the access code: only what a petitioner may do (here: withdraw, ask for a recusal).
    const petitioner = await stack.call('GET', `/v1/petitions/${id}/action-forms`, { accessCode });
    expect(petitioner.status).toBe(200);
    expect(petitioner.json.actions.map((a: { id: string }) => a.id)).toEqual(['withdraw', 'request-recusal']);
    // Another body, a wrong code, an unknown id: 404 as if it did not exist.
    expect(
      (
        await stack.call('GET', `/v1/petitions/${id}/action-forms`, {
          token: stack.token('department', 'other'),
        })
      ).status,
    ).toBe(404);
    expect(
      (
        await stack.call('GET', `/v1/petitions/${id}/action-forms`, {
          accessCode: 'AAAA-BBBB-CCCC-DDDD-EEEE',
        })
      ).status,
    ).toBe(404);
    expect(
      (await stack.call('GET', `/v1/petitions/XF20200101NOPE/action-forms`, { token: stack.token('admin') }))
        .status,
    ).toBe(404);
    expect((await stack.call('GET', `/v1/petitions/${id}/action-forms`)).status).toBe(401);
    expect(
      (await stack.call('GET', `/v1/petitions/${id}/action-forms`, { token: stack.token('designer') }))
        .status,
    ).toBe(403);
  });
});
