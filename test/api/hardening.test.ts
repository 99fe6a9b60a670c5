/**
 * The API under hostile input, at its edge: security headers, CORS only where configured, request ids in every error
 * body and log line, 405 for unsupported methods, Node-level refusals in the error shape, nesting bounded before any
 * parser recurses, rate limits keyed on what was verified, reversed ranges refused. Nothing here answers 500, and
 * nothing refused changes a petition.
 */
import { connect } from 'node:net';
import { Writable } from 'node:stream';
import pino from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildApp } from '../../api/app';
import { mintToken } from '../../api/auth/secret';
import { MAX_NESTING_DEPTH } from '../../definitions/language/nesting-depth';
import { petitionWorkflowId } from '../../workflows/messages';
import { loadConfig } from '../../config';
import { createClient, createLazyConnection } from '../../config/temporal';
import { freePort } from '../../scripts/temporal-servers';
import { petitionBody, startApiTest, uniqueDept, type ApiTestContext } from '../helpers/api';
import { testDataConverter } from '../helpers/temporal';

let t: ApiTestContext;
const DEPT = uniqueDept('H');
let petitionId: string;

beforeAll(async () => {
  t = await startApiTest({ corsOrigins: ['https://console.example.gov.cn'] });
  const res = await t.call(t.token('registrar'), {
    method: 'POST',
    url: '/v1/petitions',
    payload: petitionBody({ department: DEPT }),
  });
  expect(res.statusCode, res.body).toBe(201);
  petitionId = res.json().id;
});
afterAll(async () => {
  await t?.close();
});

/** The petition's history length, once its first workflow task has run (a query waits for that). */
const historyLength = async (): Promise<number> => {
  const handle = t.client.workflow.getHandle(petitionWorkflowId(petitionId));
  await handle.query('petitionState');
  return (await handle.describe()).historyLength;
};

describe('security headers', () => {
  it('sends helmet’s headers and a CSP that loads nothing on JSON answers, errors included', async () => {
    for (const res of [
      await t.call(t.token('supervisor'), { method: 'GET', url: `/v1/petitions/${petitionId}` }),
      await t.call(undefined, { method: 'GET', url: '/v1/petitions' }),
      await t.call(undefined, { method: 'GET', url: '/nowhere' }),
    ]) {
      expect(res.headers['x-content-type-options']).toBe('nosniff');
      expect(res.headers['x-frame-options']).toBe('SAMEORIGIN');
      expect(res.headers['referrer-policy']).toBe('no-referrer');
      expect(res.headers['strict-transport-security']).toMatch(/max-age=\d+/);
      expect(res.headers['content-security-policy']).toBe(
        "default-src 'none';base-uri 'none';form-action 'none';frame-ancestors 'none'",
      );
    }
  });

  it('gives Swagger UI at /docs a CSP that allows its own scripts, styles, images and the document, nothing else', async () => {
    const page = await t.call(undefined, { method: 'GET', url: '/docs/' });
    expect(page.statusCode).toBe(200);
    const csp = String(page.headers['content-security-policy']);
    expect(csp).toContain("script-src 'self'");
    expect(csp).toContain("connect-src 'self'");
    expect(csp).toContain("img-src 'self' data:");
    expect(csp).not.toContain('upgrade-insecure-requests');
    // Every script the page loads is its own, served from /docs/static, and the initializer fetches the document.
    const scripts = [...page.body.matchAll(/<script src="([^"]+)"/g)].map((m) => m[1]!);
    expect(scripts.length).toBeGreaterThan(0);
    expect(page.body).not.toMatch(/<script>(?!\s*<\/script>)/);
    for (const src of scripts) {
      const res = await t.call(undefined, { method: 'GET', url: `/docs/${src.replace(/^\.\//, '')}` });
      expect(res.statusCode, src).toBe(200);
    }
    const init = await t.call(undefined, { method: 'GET', url: '/docs/static/swagger-initializer.js' });
    expect(init.body).toContain('json');
  });
});

describe('CORS', () => {
  it('answers a configured origin, and no other, with CORS headers; preflight included', async () => {
    const allowed = await t.call(t.token('supervisor'), {
      method: 'GET',
      url: `/v1/petitions/${petitionId}`,
      headers: { origin: 'https://console.example.gov.cn' },
    });
    expect(allowed.headers['access-control-allow-origin']).toBe('https://console.example.gov.cn');
    const other = await t.call(t.token('supervisor'), {
      method: 'GET',
      url: `/v1/petitions/${petitionId}`,
      headers: { origin: 'https://evil.example' },
    });
    expect(other.headers['access-control-allow-origin']).toBeUndefined();
    const preflight = await t.call(undefined, {
      method: 'OPTIONS',
      url: '/v1/petitions',
      headers: {
        origin: 'https://console.example.gov.cn',
        'access-control-request-method': 'POST',
        'access-control-request-headers': 'authorization, content-type',
      },
    });
    expect(preflight.statusCode).toBe(204);
    expect(preflight.headers['access-control-allow-headers']).toContain('authorization');
  });

  it('sends no CORS headers at all unless origins are configured', async () => {
    const config = loadConfig({ TEMPORAL_ADDRESS: `127.0.0.1:${await freePort()}` });
    const connection = createLazyConnection(config);
    const app = buildApp({
      config,
      logger: pino({ level: 'silent' }),
      connection,
      client: createClient(config, connection, testDataConverter()),
    });
    try {
      const res = await app.inject({
        method: 'GET',
        url: '/v1/calendar/deadline?from=2026-01-05&days=3',
        headers: { origin: 'https://console.example.gov.cn' },
      });
      expect(res.headers['access-control-allow-origin']).toBeUndefined();
      const preflight = await app.inject({
        method: 'OPTIONS',
        url: '/v1/petitions',
        headers: { origin: 'https://console.example.gov.cn', 'access-control-request-method': 'POST' },
      });
      expect(preflight.statusCode).toBe(405);
      expect(preflight.headers['access-control-allow-origin']).toBeUndefined();
    } finally {
      await app.close();
      await connection.close().catch(() => undefined);
    }
  });
});

describe('request ids', () => {
  it('generates one, sends it back as X-Request-Id and puts it in every error body', async () => {
    const res = await t.call(undefined, { method: 'GET', url: '/v1/petitions' });
    expect(res.statusCode).toBe(401);
    const id = res.headers['x-request-id'];
    expect(id).toMatch(/^[0-9a-f-]{36}$/);
    expect(res.json()).toMatchObject({ error: 'unauthorized', requestId: id });
  });

  it('keeps a well-formed incoming X-Request-Id and replaces a malformed one', async () => {
    const kept = await t.call(undefined, {
      method: 'GET',
      url: '/v1/petitions',
      headers: { 'x-request-id': 'edge-7f3a:42' },
    });
    expect(kept.headers['x-request-id']).toBe('edge-7f3a:42');
    expect(kept.json().requestId).toBe('edge-7f3a:42');
    for (const bad of ['x'.repeat(200), 'has space', '<script>', '']) {
      const res = await t.call(undefined, {
        method: 'GET',
        url: '/v1/petitions',
        headers: { 'x-request-id': bad },
      });
      expect(res.headers['x-request-id']).toMatch(/^[0-9a-f-]{36}$/);
    }
  });

  it('is in every log line about the request', async () => {
    const lines: Array<Record<string, unknown>> = [];
    const sink = new Writable({
      write(chunk: Buffer, _encoding, done) {
        for (const line of chunk.toString().split('\n').filter(Boolean)) lines.push(JSON.parse(line));
        done();
      },
    });
    const config = loadConfig({ TEMPORAL_ADDRESS: `127.0.0.1:${await freePort()}` });
    const connection = createLazyConnection(config);
    const app = buildApp({
      config,
      logger: pino({ level: 'info' }, sink),
      connection,
      client: createClient(config, connection, testDataConverter()),
    });
    try {
      await app.inject({ method: 'GET', url: '/v1/stats', headers: { 'x-request-id': 'trace-123' } });
      await app.inject({
        method: 'POST',
        url: '/v1/petitions',
        headers: { 'x-request-id': 'trace-456' },
        payload: '{',
      });
    } finally {
      await app.close();
      await connection.close().catch(() => undefined);
    }
    for (const id of ['trace-123', 'trace-456']) {
      const about = lines.filter((l) => JSON.stringify(l).includes(id));
      expect(about.length, id).toBeGreaterThanOrEqual(2);
      expect(about.every((l) => l['reqId'] === id)).toBe(true);
    }
  });
});

describe('methods', () => {
  it.each([
    ['DELETE', `/v1/petitions/XF20260101AAAAAAAAAAAA`, 'GET, HEAD'],
    ['PUT', '/v1/petitions', 'GET, HEAD, POST'],
    ['PATCH', '/v1/petitions/XF20260101AAAAAAAAAAAA/actions/accept', 'POST'],
    ['DELETE', '/v1/departments/x', 'GET, HEAD, PUT'],
    ['POST', '/healthz', 'GET, HEAD'],
  ])('%s %s is 405 with Allow: %s, before any authentication', async (method, url, allow) => {
    const res = await t.call(undefined, { method: method as 'DELETE', url });
    expect(res.statusCode).toBe(405);
    expect(res.headers['allow']).toBe(allow);
    expect(res.json()).toMatchObject({ error: 'method_not_allowed', requestId: expect.any(String) });
  });

  it('answers a path nobody serves with 404, whatever the method', async () => {
    expect((await t.call(undefined, { method: 'DELETE', url: '/v1/nothing' })).statusCode).toBe(404);
  });
});

describe('what Node refuses before Fastify sees it', () => {
  let listening: Promise<string> | undefined;
  /** Sends raw bytes to the app, listening on a free 127.0.0.1 port, and returns the raw answer. */
  async function raw(bytes: string): Promise<{ status: number; headers: string; body: string }> {
    listening ??= t.app.listen({ host: '127.0.0.1', port: 0 });
    const { port } = new URL(await listening);
    const answer = await new Promise<string>((resolve, reject) => {
      const socket = connect(Number(port), '127.0.0.1', () => socket.end(bytes));
      let data = '';
      socket.on('data', (d: Buffer) => (data += d.toString()));
      socket.on('end', () => resolve(data));
      socket.on('error', reject);
    });
    const [head, body = ''] = answer.split('\r\n\r\n');
    return { status: Number(head!.split(' ')[1]), headers: head!, body };
  }

  it('a malformed request line is 400 in the error shape, with a request id', async () => {
    const res = await raw('GET /v1/petitions HTTP/9.9 garbage\r\n\r\n');
    expect(res.status).toBe(400);
    expect(res.headers).toMatch(/content-type: application\/json/i);
    expect(JSON.parse(res.body)).toEqual({
      error: 'bad_request',
      message: expect.stringContaining('not valid HTTP/1.1'),
      requestId: expect.stringMatching(/^[0-9a-f-]{36}$/),
    });
  });

  it('headers over 16 KiB are 431 in the error shape', async () => {
    const res = await raw(`GET /healthz HTTP/1.1\r\nHost: x\r\nX-Big: ${'a'.repeat(20_000)}\r\n\r\n`);
    expect(res.status).toBe(431);
    expect(JSON.parse(res.body)).toMatchObject({ error: 'headers_too_large', requestId: expect.any(String) });
  });
});

describe('nesting is bounded before anything recursive sees it', () => {
  const nested = (depth: number) => `${'{"a":'.repeat(depth)}1${'}'.repeat(depth)}`;

  it(`an action body nested 10,000 levels (20 KB) is 400 validation_failed/too_deep naming the limit (${MAX_NESTING_DEPTH}), and changes nothing`, async () => {
    const before = await historyLength();
    const body = `{"reason":${'['.repeat(10_000)}${']'.repeat(10_000)}}`;
    expect(body.length).toBeGreaterThanOrEqual(20_000);
    const res = await t.call(t.token('department', DEPT), {
      method: 'POST',
      url: `/v1/petitions/${petitionId}/actions/accept`,
      headers: { 'content-type': 'application/json' },
      payload: body,
    });
    expect(res.statusCode).toBe(400);
    expect(res.json()).toMatchObject({
      error: 'validation_failed',
      message: expect.stringContaining(`deeper than ${MAX_NESTING_DEPTH} levels`),
      details: [{ field: 'body', code: 'too_deep', limit: MAX_NESTING_DEPTH }],
    });
    expect(await historyLength()).toBe(before);
  });

  it('a body at the limit is parsed as usual', async () => {
    const res = await t.call(t.token('department', DEPT), {
      method: 'POST',
      url: `/v1/petitions/${petitionId}/actions/accept`,
      headers: { 'content-type': 'application/json' },
      payload: `{"route":${nested(MAX_NESTING_DEPTH - 1)}}`,
    });
    // Refused by the workflow for its content (route is not an object), not by its depth.
    expect(res.statusCode).toBe(400);
    expect(res.json().error).toBe('invalid_input');
  });

  it.each([
    ['JSON', { source: `${'['.repeat(100_000)}${']'.repeat(100_000)}`, format: 'json' }],
    ['YAML flow', { source: `${'['.repeat(100_000)}${']'.repeat(100_000)}`, format: 'yaml' }],
    ['YAML block sequences', { source: `${'- '.repeat(100_000)}x`, format: 'yaml' }],
  ])(
    'a definition source nested 100,000 levels (%s) is 400 too_deep, to validate or to publish',
    async (_kind, body) => {
      for (const url of ['/v1/definitions/validate', '/v1/definitions']) {
        const res = await t.call(t.token('designer'), { method: 'POST', url, payload: body });
        expect(res.statusCode, url).toBe(400);
        expect(res.json()).toMatchObject({
          error: 'validation_failed',
          details: [{ field: 'body.source', code: 'too_deep', limit: MAX_NESTING_DEPTH }],
        });
      }
    },
  );

  it('a YAML definition sent as application/yaml is measured too', async () => {
    const res = await t.call(t.token('designer'), {
      method: 'POST',
      url: '/v1/definitions/validate',
      headers: { 'content-type': 'application/yaml' },
      payload: `id: x\nelements: ${'['.repeat(5_000)}${']'.repeat(5_000)}\n`,
    });
    expect(res.statusCode).toBe(400);
    expect(res.json().details).toEqual([expect.objectContaining({ field: 'body', code: 'too_deep' })]);
  });
});

describe('rate limits', () => {
  let app: ReturnType<typeof buildApp>;
  let secret: string;
  let close: () => Promise<void>;
  beforeAll(async () => {
    const config = loadConfig({ TEMPORAL_ADDRESS: `127.0.0.1:${await freePort()}` });
    const connection = createLazyConnection(config);
    secret = 'r'.repeat(43);
    app = buildApp({
      config,
      logger: pino({ level: 'silent' }),
      connection,
      client: createClient(config, connection, testDataConverter()),
      auth: { secret },
      limits: { rateLimitMax: 3, rateLimitAddressMax: 8, rateLimitWindowMs: 60_000 },
    });
    close = async () => {
      await app.close();
      await connection.close().catch(() => undefined);
    };
  });
  afterAll(async () => {
    await close?.();
  });
  const deadline = '/v1/calendar/deadline?from=2026-01-05&days=3';

  it('counts a verified caller once, however its Authorization header is spelt', async () => {
    const token = mintToken(secret, { role: 'registrar', sub: 'u-1', ttlSeconds: 600 });
    const statuses: number[] = [];
    for (const scheme of ['Bearer', 'bearer', 'BEARER', 'BeArEr']) {
      const res = await app.inject({
        method: 'GET',
        url: deadline,
        remoteAddress: '10.0.0.1',
        headers: { authorization: `${scheme} ${token}` },
      });
      statuses.push(res.statusCode);
      if (res.statusCode === 429) {
        expect(res.headers['retry-after']).toBeDefined();
        expect(res.json()).toMatchObject({ error: 'rate_limited', details: { scope: 'caller', max: 3 } });
      }
    }
    expect(statuses).toEqual([200, 200, 200, 429]);
    // Another caller from the same address is counted on its own.
    const other = mintToken(secret, { role: 'registrar', sub: 'u-2', ttlSeconds: 600 });
    expect(
      (
        await app.inject({
          method: 'GET',
          url: deadline,
          remoteAddress: '10.0.0.1',
          headers: { authorization: `Bearer ${other}` },
        })
      ).statusCode,
    ).toBe(200);
  });

  it('limits garbage tokens by client address, however they are spelt', async () => {
    const statuses: number[] = [];
    for (let i = 0; i < 10; i++) {
      const scheme = ['Bearer', 'bearer', 'BEARER', 'BeArEr', 'Basic'][i % 5];
      const res = await app.inject({
        method: 'GET',
        url: deadline,
        remoteAddress: '10.0.0.2',
        headers: { authorization: `${scheme} garbage-${i}` },
      });
      statuses.push(res.statusCode);
    }
    expect(statuses.slice(0, 8).every((s) => s === 401)).toBe(true);
    expect(statuses.slice(8)).toEqual([429, 429]);
    const last = await app.inject({ method: 'GET', url: deadline, remoteAddress: '10.0.0.2' });
    expect(last.json()).toMatchObject({ error: 'rate_limited', details: { scope: 'address' } });
    // Another address is not affected.
    expect((await app.inject({ method: 'GET', url: deadline, remoteAddress: '10.0.0.3' })).statusCode).toBe(
      401,
    );
  });
});

describe('ranges', () => {
  it.each([
    ['/v1/stats?from=2026-03-01&to=2026-02-01', 'querystring.to'],
    ['/v1/stats?from=2026-03-01T10:00:00%2B08:00&to=2026-03-01T09:00:00%2B08:00', 'querystring.to'],
    ['/v1/petitions?receivedFrom=2026-03-01&receivedTo=2026-02-01', 'querystring.receivedTo'],
  ])('a reversed range is 400 naming the end: %s', async (url, field) => {
    const res = await t.call(t.token('supervisor'), { method: 'GET', url });
    expect(res.statusCode).toBe(400);
    expect(res.json()).toMatchObject({
      error: 'validation_failed',
      details: [expect.objectContaining({ field, message: expect.stringContaining('the range is [') })],
    });
  });

  it('an empty range (from = to) is answered', async () => {
    const res = await t.call(t.token('supervisor'), {
      method: 'GET',
      url: '/v1/stats?from=2026-03-01&to=2026-03-01',
    });
    expect(res.statusCode).toBe(200);
    expect(res.json().registered).toBe(0);
  });
});
