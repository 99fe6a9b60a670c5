import { spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { Client, type Connection } from '@temporalio/client';
import type { FastifyInstance } from 'fastify';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { buildApp } from '../../api/app';
import type { ReadinessCheck } from '../../api/routes/health';
import { loadConfig } from '../../config';
import { freePort } from '../../scripts/temporal-servers';
import {
  connectDevServer,
  connectDevServerNative,
  createTestWorker,
  createTimeSkippingEnv,
  testDataConverter,
  testDataDir,
  testLogger,
  testPayloadKeys,
  uniqueTaskQueue,
} from '../helpers/temporal';

const projectRoot = fileURLToPath(new URL('../..', import.meta.url));

interface ReadyBody {
  status?: string;
  error?: string;
  message?: string;
  checks: ReadinessCheck[];
}

function appFor(
  taskQueue: string,
  connection: Connection,
  address = inject('devServerAddress'),
): FastifyInstance {
  const config = loadConfig({ TEMPORAL_ADDRESS: address, TEMPORAL_TASK_QUEUE: taskQueue });
  return buildApp({
    config,
    logger: testLogger,
    connection,
    client: new Client({ connection, dataConverter: testDataConverter() }),
  });
}

async function readyz(app: FastifyInstance): Promise<{ status: number; body: ReadyBody }> {
  const res = await app.inject({ method: 'GET', url: '/readyz' });
  return { status: res.statusCode, body: res.json<ReadyBody>() };
}

/** Polls /readyz until `predicate` holds; pollers show up a moment after a worker starts. */
async function readyzUntil(
  app: FastifyInstance,
  predicate: (r: { status: number; body: ReadyBody }) => boolean,
  timeoutMs = 10_000,
): Promise<{ status: number; body: ReadyBody }> {
  const deadline = Date.now() + timeoutMs;
  let last = await readyz(app);
  while (!predicate(last) && Date.now() < deadline) {
    await new Promise((r) => setTimeout(r, 100));
    last = await readyz(app);
  }
  return last;
}

describe('foundation: the API and workers against the real Temporal dev server', () => {
  let client: Client;
  let connection: Connection;

  beforeAll(async () => {
    ({ client, connection } = await connectDevServer());
  });
  afterAll(async () => {
    await connection?.close();
  });

  it('answers GET /healthz with 200 as soon as the process is up', async () => {
    const app = appFor(uniqueTaskQueue('healthz'), connection);
    const res = await app.inject({ method: 'GET', url: '/healthz' });
    expect(res.statusCode).toBe(200);
    expect(res.json()).toEqual({ status: 'ok' });
    await app.close();
  });

  it('answers GET /readyz with 503 naming the worker check while nobody polls the task queue', async () => {
    const taskQueue = uniqueTaskQueue('nobody');
    const app = appFor(taskQueue, connection);
    const { status, body } = await readyz(app);
    expect(status).toBe(503);
    expect(body.error).toBe('not_ready');
    expect(body.message).toContain('"worker"');
    expect(body.checks.map((c) => [c.name, c.ok])).toEqual([
      ['temporal', true],
      ['namespace', true],
      ['worker', false],
    ]);
    expect(body.checks[2]!.detail).toBe(
      `no worker is polling task queue "${taskQueue}" for workflow and activity tasks (none seen in the last 90 s)`,
    );
    await app.close();
  });

  it('answers GET /readyz with 503 naming the temporal check when the server cannot be reached', async () => {
    const address = `127.0.0.1:${await freePort()}`;
    const app = appFor(uniqueTaskQueue('unreachable'), connection, address);
    const { status, body } = await readyz(app);
    expect(status).toBe(503);
    expect(body.checks[0]).toMatchObject({ name: 'temporal', ok: false });
    expect(body.message).toMatch(
      new RegExp(`^Not ready: check "temporal" failed: Temporal is not reachable at ${address}: `),
    );
    await app.close();
  });

  it('answers GET /readyz with 200 once a worker polls the task queue for workflow and activity tasks', async () => {
    const taskQueue = uniqueTaskQueue('ready');
    const app = appFor(taskQueue, connection);
    expect((await readyz(app)).status).toBe(503);

    const native = await connectDevServerNative();
    const worker = await createTestWorker({ connection: native, taskQueue, identity: 'foundation-worker' });
    const run = worker.run();
    try {
      const ready = await readyzUntil(app, (r) => r.status === 200);
      expect(ready.status).toBe(200);
      expect(ready.body.status).toBe('ready');
      expect(ready.body.checks.every((c) => c.ok)).toBe(true);
      expect(ready.body.checks[2]!.detail).toContain('foundation-worker');
    } finally {
      worker.shutdown();
      await run;
      await native.close();
      await app.close();
    }
  });

  it('runs two workers on one task queue, one of them `npm run worker` as its own process: both poll it and both do work', async () => {
    // The Temporal core refuses two workers for one task queue in one process, so the second is a real worker.ts
    // process, exactly what `npm run worker` runs for scale-out. It bundles the workflows itself (webpack): allow
    // for a loaded machine.
    const taskQueue = uniqueTaskQueue('two-workers');
    const app = appFor(taskQueue, connection);
    const native = await connectDevServerNative();
    const inProcess = await createTestWorker({
      connection: native,
      taskQueue,
      identity: 'in-process-worker',
    });
    const inProcessRun = inProcess.run();
    const child = spawn(process.execPath, ['--import', 'tsx', 'worker.ts'], {
      cwd: projectRoot,
      env: {
        ...process.env,
        TEMPORAL_ADDRESS: inject('devServerAddress'),
        TEMPORAL_TASK_QUEUE: taskQueue,
        DATA_DIR: testDataDir(),
        // The run's keys: the child reads what this process's client writes.
        PAYLOAD_KEYS: testPayloadKeys(),
        LOG_LEVEL: 'warn',
        LOG_FORMAT: 'json',
      },
      stdio: ['ignore', 'ignore', 'pipe', 'ipc'],
    });
    let childStderr = '';
    child.stderr!.on('data', (d: Buffer) => (childStderr += d.toString()));
    const childExited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
    const pingAndWho = async (id: string): Promise<{ result: string; activityWorker: string }> => {
      const handle = await client.workflow.start('ping', {
        taskQueue,
        workflowId: `${taskQueue}-${id}`,
        args: [],
      });
      const result = await handle.result();
      const history = await handle.fetchHistory();
      const started = history.events?.find((e) => e.activityTaskStartedEventAttributes);
      return { result, activityWorker: started?.activityTaskStartedEventAttributes?.identity ?? '?' };
    };
    try {
      const childReady = await new Promise<boolean>((resolve) => {
        child.on('message', (m: { type?: string }) => m?.type === 'ready' && resolve(true));
        void childExited.then(() => resolve(false));
      });
      expect(childReady, `worker.ts did not start:\n${childStderr}`).toBe(true);

      const both = await readyzUntil(
        app,
        (r) => r.status === 200 && r.body.checks[2]!.detail.startsWith('2 worker(s)'),
      );
      expect(both.status).toBe(200);
      expect(both.body.checks[2]!.detail).toContain('in-process-worker');
      expect(both.body.checks[2]!.detail).toContain(`${child.pid}@`);

      const together = await Promise.all(Array.from({ length: 6 }, (_, i) => pingAndWho(`together-${i}`)));
      expect(together.map((r) => r.result)).toEqual(Array(6).fill('pong'));

      // With the in-process worker gone, the other process carries on alone.
      inProcess.shutdown();
      await inProcessRun;
      const alone = await pingAndWho('alone');
      expect(alone).toEqual({
        result: 'pong',
        activityWorker: expect.stringMatching(new RegExp(`^${child.pid}@`)),
      });
    } finally {
      if (inProcess.getState() === 'RUNNING') inProcess.shutdown();
      await inProcessRun;
      child.kill('SIGTERM');
      expect(await childExited).toBe(0);
      await native.close();
      await app.close();
    }
  }, 90_000);

  it('answers an unknown route with 404 and the error shape { error, message }', async () => {
    const app = appFor(uniqueTaskQueue('404'), connection);
    const res = await app.inject({ method: 'GET', url: '/nope' });
    expect(res.statusCode).toBe(404);
    expect(res.json()).toEqual({ error: 'not_found', message: 'No route for GET /nope' });
    await app.close();
  });
});

describe('foundation: time skipping on a test server started and awaited by us', () => {
  it('skips three days of workflow time in well under a second and runs workflows from the prebuilt bundle', async () => {
    const env = await createTimeSkippingEnv();
    try {
      expect(env.supportsTimeSkipping).toBe(true);
      const before = await env.currentTimeMs();
      expect(Math.abs(before - Date.now()), 'a private test server starts at the present').toBeLessThan(
        60_000,
      );
      const wallStart = Date.now();
      await env.sleep('3 days');
      expect((await env.currentTimeMs()) - before).toBeGreaterThanOrEqual(3 * 24 * 3600 * 1000);
      expect(Date.now() - wallStart).toBeLessThan(1_000);

      const taskQueue = uniqueTaskQueue('time-skipping');
      const worker = await createTestWorker({ connection: env.nativeConnection, taskQueue });
      const result = await worker.runUntil(
        env.client.workflow.execute('ping', { taskQueue, workflowId: `${taskQueue}-ping`, args: [] }),
      );
      expect(result).toBe('pong');
    } finally {
      await env.teardown();
    }
  });
});
