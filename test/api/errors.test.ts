import { randomBytes } from 'node:crypto';
import type { FastifyInstance } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildApp } from '../../api/app';
import { mintToken } from '../../api/auth/secret';
import { loadConfig } from '../../config';
import { createClient, createLazyConnection } from '../../config/temporal';
import { freePort } from '../../scripts/temporal-servers';
import { petitionBody, startApiTest, type ApiTestContext } from '../helpers/api';
import { testDataConverter, testLogger } from '../helpers/temporal';

let t: ApiTestContext;
beforeAll(async () => {
  t = await startApiTest({ limits: { rateLimitMax: 5, bodyLimit: 4096 }, worker: false });
});
afterAll(async () => {
  await t?.close();
});

describe('one error shape everywhere', () => {
  it('401 without a token, with a malformed, forged or expired token, and with a token lacking a claim', async () => {
    const cases: Array<[string | undefined, string]> = [
      [undefined, 'Authorization: Bearer'],
      ['not-a-jwt', 'not accepted'],
      [mintToken('x'.repeat(40), { role: 'admin', sub: 'mallory', ttlSeconds: 600 }), 'not accepted'],
      [
        mintToken(t.secret, {
          role: 'admin',
          sub: 'old',
          ttlSeconds: 60,
          now: Math.floor(Date.now() / 1000) - 3600,
        }),
        'not accepted',
      ],
      [mintToken(t.secret, { role: 'department', sub: 'no-dept', ttlSeconds: 600 }), 'dept'],
    ];
    for (const [token, text] of cases) {
      const res = await t.app.inject({
        method: 'GET',
        url: '/v1/petitions',
        headers: token ? { authorization: `Bearer ${token}` } : {},
      });
      expect(res.statusCode, text).toBe(401);
      expect(res.headers['www-authenticate']).toBe('Bearer');
      expect(res.json()).toMatchObject({ error: 'unauthorized', message: expect.stringContaining(text) });
    }
  });

  it('404 for an unknown route, in the same JSON shape', async () => {
    const res = await t.app.inject({ method: 'GET', url: '/v1/nothing-here' });
    expect(res.statusCode).toBe(404);
    expect(res.json()).toMatchObject({ error: 'not_found', message: expect.any(String) });
  });

  it('413 for a body over the limit', async () => {
    const res = await t.call(t.token('registrar'), {
      method: 'POST',
      url: '/v1/petitions',
      payload: petitionBody({ content: '很长'.repeat(4000) }),
    });
    expect(res.statusCode).toBe(413);
    expect(res.json()).toMatchObject({ error: 'payload_too_large' });
  });

  it('429 once a token has used up its requests, with Retry-After, in the same JSON shape', async () => {
    const token = t.token('designer', undefined, 'busy-designer');
    const statuses: number[] = [];
    for (let i = 0; i < 7; i++)
      statuses.push(
        (
          await t.call(token, {
            method: 'POST',
            url: '/v1/definitions/validate',
            payload: { source: 'id: x' },
          })
        ).statusCode,
      );
    expect(statuses.slice(0, 5).every((s) => s === 200)).toBe(true);
    const res = await t.call(token, {
      method: 'POST',
      url: '/v1/definitions/validate',
      payload: { source: 'id: x' },
    });
    expect(res.statusCode).toBe(429);
    expect(res.headers['retry-after']).toBeDefined();
    expect(res.json()).toMatchObject({
      error: 'rate_limited',
      message: expect.stringContaining('Too many requests'),
    });
    // Another token is counted on its own.
    expect(
      (
        await t.call(t.token('designer', undefined, 'calm-designer'), {
          method: 'GET',
          url: '/v1/calendar/deadline?from=2026-01-05&days=3',
        })
      ).statusCode,
    ).toBe(200);
  });
});

describe('503 when Temporal is unreachable', () => {
  let app: FastifyInstance;
  let token: (role: 'registrar' | 'supervisor') => string;
  let close: () => Promise<void>;
  beforeAll(async () => {
    const port = await freePort();
    const config = loadConfig({ TEMPORAL_ADDRESS: `127.0.0.1:${port}`, TEMPORAL_TASK_QUEUE: 'nowhere' });
    const connection = createLazyConnection(config);
    const secret = randomBytes(32).toString('base64url');
    app = buildApp({
      config,
      logger: testLogger,
      connection,
      client: createClient(config, connection, testDataConverter()),
      auth: { secret },
      rpcTimeoutMs: 1500,
    });
    token = (role) => mintToken(secret, { role, sub: role, ttlSeconds: 600 });
    close = async () => {
      await app.close();
      await connection.close().catch(() => undefined);
    };
  });
  afterAll(async () => {
    await close?.();
  });

  it.each([
    ['POST', '/v1/petitions', 'registrar'],
    ['GET', '/v1/petitions/XF20260101AAAAAAAAAAAA', 'supervisor'],
    ['POST', '/v1/petitions/XF20260101AAAAAAAAAAAA/actions/accept', 'registrar'],
    ['GET', '/v1/petitions', 'supervisor'],
    ['GET', '/v1/supervision/overdue', 'supervisor'],
    ['GET', '/v1/stats', 'supervisor'],
  ] as const)('%s %s answers 503 temporal_unavailable promptly', async (method, url, role) => {
    const started = Date.now();
    const res = await app.inject({
      method,
      url,
      headers: { authorization: `Bearer ${token(role)}` },
      ...(method === 'POST' && { payload: petitionBody() }),
    });
    expect(res.statusCode).toBe(503);
    expect(res.json()).toMatchObject({
      error: 'temporal_unavailable',
      message: expect.stringContaining('Temporal'),
    });
    expect(Date.now() - started).toBeLessThan(10_000);
  });

  it('still answers what needs no Temporal (the calendar; a 401)', async () => {
    expect(
      (
        await app.inject({
          method: 'GET',
          url: '/v1/calendar/deadline?from=2026-01-05&days=3',
          headers: { authorization: `Bearer ${token('registrar')}` },
        })
      ).statusCode,
    ).toBe(200);
    expect((await app.inject({ method: 'GET', url: '/v1/petitions' })).statusCode).toBe(401);
  });
});

describe('closing while Temporal is unreachable', () => {
  it('waits for the calls it answered 503 for to settle, so none retries on a closed connection afterwards', async () => {
    // The SDK's retry interceptor starts each next attempt of a failed call from a timer; one firing after the
    // connection is closed throws "Channel has been shut down" from that timer, outside any request.
    const uncaught: unknown[] = [];
    const onUncaught = (err: unknown) => void uncaught.push(err);
    process.on('uncaughtException', onUncaught);
    try {
      const port = await freePort();
      const config = loadConfig({ TEMPORAL_ADDRESS: `127.0.0.1:${port}`, TEMPORAL_TASK_QUEUE: 'nowhere' });
      const connection = createLazyConnection(config);
      const secret = randomBytes(32).toString('base64url');
      const app = buildApp({
        config,
        logger: testLogger,
        connection,
        client: createClient(config, connection, testDataConverter()),
        auth: { secret },
        rpcTimeoutMs: 1500,
      });
      const res = await app.inject({
        method: 'GET',
        url: '/v1/petitions',
        headers: {
          authorization: `Bearer ${mintToken(secret, { role: 'supervisor', sub: 's', ttlSeconds: 600 })}`,
        },
      });
      expect(res.statusCode).toBe(503);
      // The call is still being retried now (backoff 100 ms · 1.7^n, jitter ±20 %): its next attempt is due within
      // about 1.7 s.
      const closing = Date.now();
      await app.close();
      await connection.close();
      expect(Date.now() - closing).toBeLessThan(10_000);
      await new Promise((resolve) => setTimeout(resolve, 2_500));
      expect(uncaught).toEqual([]);
    } finally {
      process.off('uncaughtException', onUncaught);
    }
  });
});
