/**
 * Registration decides the first step in the API and only starts the workflow, so it must keep working while no
 * worker runs (a worker restart, a crash): found by the chaos suite (bench/chaos), where registrations hung past
 * 30 s because each one waited on a Query of the definition registry, which only a worker answers.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { petitionBody, startApiTest, type ApiTestContext } from '../helpers/api';

let t: ApiTestContext | undefined;
afterEach(async () => {
  await t?.close();
  t = undefined;
});

const register = (ctx: ApiTestContext, key: string) =>
  ctx.call(ctx.token('registrar'), {
    method: 'POST',
    url: '/v1/petitions',
    payload: petitionBody(),
    headers: { 'idempotency-key': key },
  });

describe('registration while no worker runs', () => {
  it('answers 201 at once with the definition last read from the registry, refreshing it in the background', async () => {
    // A cache that is always stale: every registration would otherwise wait on the registry's Query.
    t = await startApiTest({ definitionCacheMs: 0, rpcTimeoutMs: 3_000 });
    expect((await register(t, 'with-worker')).statusCode).toBe(201);
    await t.stopWorker();

    const started = Date.now();
    const res = await register(t, 'without-worker');
    expect(res.statusCode, res.body).toBe(201);
    expect(res.json()).toMatchObject({ step: 'forward', definition: { id: 'petition-2022' } });
    expect(Date.now() - started).toBeLessThan(2_500);
  });

  it('answers 503 worker_unavailable within its time bound when no worker has ever answered the registry', async () => {
    // No Idempotency-Key: the registry's Query is the only Temporal call that needs a worker (a keyed registration
    // first describes the petition id, which a loaded server may answer slower than this test's short bound).
    t = await startApiTest({ worker: false, rpcTimeoutMs: 3_000 });
    const started = Date.now();
    const res = await t.call(t.token('registrar'), {
      method: 'POST',
      url: '/v1/petitions',
      payload: petitionBody(),
    });
    expect(res.statusCode, res.body).toBe(503);
    expect(res.json()).toEqual({
      error: 'worker_unavailable',
      message:
        'No worker answered the definition registry within 3 s (a registration pins the latest published definition); check GET /readyz and retry with the same Idempotency-Key.',
      requestId: res.headers['x-request-id'],
    });
    expect(Date.now() - started).toBeLessThan(10_000);
  });
});
