/**
 * The API's metrics in process: the open-petitions gauges count from the dev server's visibility store at most once
 * per cache period however often they are scraped, survive an unreachable Temporal, and the request histogram labels
 * requests by route pattern and status — never by raw URL.
 */
import { Registry } from 'prom-client';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { buildApp } from '../../api/app';
import { buildMetricsServer, createApiMetrics, OTHER_STEP } from '../../api/metrics';
import { settleCalls } from '../../api/services/temporal-calls';
import { loadConfig } from '../../config';
import { createClient, createLazyConnection } from '../../config/temporal';
import { freePort } from '../../scripts/temporal-servers';
import { petitionBody, startApiTest, type ApiTestContext } from '../helpers/api';
import { testDataConverter, testLogger } from '../helpers/temporal';

function sample(text: string, name: string, labels: Record<string, string> = {}): number | undefined {
  for (const line of text.split('\n')) {
    const m = /^([a-zA-Z_:][\w:]*)(?:\{(.*)\})? (\S+)/.exec(line);
    if (!m || m[1] !== name) continue;
    const got = Object.fromEntries(
      [...(m[2] ?? '').matchAll(/(\w+)="((?:[^"\\]|\\.)*)"/g)].map((l) => [l[1], l[2]]),
    );
    if (Object.entries(labels).every(([k, v]) => got[k] === v)) return Number(m[3]);
  }
  return undefined;
}

describe('the open-petitions gauges', () => {
  let t: ApiTestContext;
  beforeAll(async () => {
    t = await startApiTest();
  });
  afterAll(async () => {
    await t?.close();
  });

  it('count once per cache period (one count in all plus one per step), however often they are scraped', async () => {
    let clock = 1_000_000;
    const count = vi.spyOn(t.client.workflow, 'count');
    const registry = createApiMetrics({
      client: t.client,
      connection: t.connection,
      logger: testLogger,
      steps: ['forward', 'handle'],
      cacheMs: 15_000,
      now: () => clock,
    });
    const first = await registry.metrics();
    expect(count).toHaveBeenCalledTimes(3);
    expect(sample(first, 'petitions_open_counted_timestamp_seconds')).toBe(1000);
    expect(sample(first, 'petitions_open', { step: 'forward' })).toBeGreaterThanOrEqual(0);
    expect(sample(first, 'petitions_open', { step: OTHER_STEP })).toBeGreaterThanOrEqual(0);

    const registered = await t.call(t.token('registrar'), {
      method: 'POST',
      url: '/v1/petitions',
      payload: petitionBody(),
    });
    expect(registered.statusCode).toBe(201);
    await Promise.all([registry.metrics(), registry.metrics()]);
    clock += 14_999;
    const cached = await registry.metrics();
    expect(count).toHaveBeenCalledTimes(3);
    expect(sample(cached, 'petitions_open', { step: 'forward' })).toBe(
      sample(first, 'petitions_open', { step: 'forward' }),
    );

    // Past the period, the next scrape counts again and sees the new petition (visibility lags a little).
    let forward = sample(first, 'petitions_open', { step: 'forward' })!;
    for (let i = 0; i < 50 && forward === sample(first, 'petitions_open', { step: 'forward' }); i++) {
      clock += 15_000;
      forward = sample(await registry.metrics(), 'petitions_open', { step: 'forward' })!;
      if (forward === sample(first, 'petitions_open', { step: 'forward' }))
        await new Promise((r) => setTimeout(r, 100));
    }
    expect(forward).toBeGreaterThan(sample(first, 'petitions_open', { step: 'forward' })!);
    count.mockRestore();
  });

  it('still answer a scrape within their wait when Temporal cannot be reached: no counts, the count time stays 0', async () => {
    const config = loadConfig({ TEMPORAL_ADDRESS: `127.0.0.1:${await freePort()}` });
    // The API's own connection retries a refused call for seconds: the scrape must not wait for that.
    const connection = createLazyConnection(config);
    const warn = vi.fn();
    const logger = { ...testLogger, warn, child: () => logger } as unknown as typeof testLogger;
    const registry = createApiMetrics({
      client: createClient(config, connection, testDataConverter()),
      connection,
      logger,
      waitMs: 500,
    });
    const server = buildMetricsServer(registry, testLogger);
    try {
      const started = Date.now();
      const res = await server.inject({ method: 'GET', url: '/metrics' });
      expect(Date.now() - started).toBeLessThan(2_000);
      expect(res.statusCode).toBe(200);
      expect(res.headers['content-type']).toContain('text/plain');
      expect(sample(res.body, 'petitions_open_counted_timestamp_seconds')).toBe(0);
      expect(sample(res.body, 'petitions_open', { step: 'forward' })).toBeUndefined();
      await vi.waitFor(
        () =>
          expect(warn).toHaveBeenCalledWith(expect.anything(), 'could not count open petitions for /metrics'),
        { timeout: 30_000 },
      );
    } finally {
      await server.close();
      expect(await settleCalls(connection, 30_000)).toBe(true);
      await connection.close().catch(() => undefined);
    }
  });
});

describe('the request metrics', () => {
  it('label requests by method, route pattern and status, with requests for no route under one label', async () => {
    const config = loadConfig({ TEMPORAL_ADDRESS: `127.0.0.1:${await freePort()}` });
    const connection = createLazyConnection(config);
    const registry = new Registry();
    const app = buildApp({
      config,
      logger: testLogger,
      connection,
      client: createClient(config, connection, testDataConverter()),
      metrics: registry,
    });
    try {
      for (const url of [
        '/healthz',
        '/healthz',
        '/v1/petitions/P1',
        '/v1/petitions/P2',
        '/nope/1',
        '/nope/2',
      ])
        await app.inject({ method: 'GET', url });
      const text = await registry.metrics();
      const count = (route: string, status: string) =>
        sample(text, 'http_request_duration_seconds_count', { method: 'GET', route, status_code: status });
      expect(count('/healthz', '200')).toBe(2);
      expect(count('/v1/petitions/:id', '401')).toBe(2);
      expect(count('(no route)', '404')).toBe(2);
      expect(text).not.toContain('P1');
      expect(text).not.toContain('/nope');
    } finally {
      await app.close();
      await connection.close().catch(() => undefined);
    }
  });
});
