/**
 * The real API (`buildApp`) against the dev server, with a real worker on a task queue of its own and the real
 * definition registry (one per test file), plus tokens for every role.
 */
import { randomBytes, randomUUID } from 'node:crypto';
import type { Client, Connection } from '@temporalio/client';
import type { NativeConnection, Worker } from '@temporalio/worker';
import type { FastifyInstance, InjectOptions, LightMyRequestResponse } from 'fastify';
import { inject } from 'vitest';
import { buildApp, type AppDeps } from '../../api/app';
import type { StaffRole } from '../../api/auth/principal';
import { mintToken } from '../../api/auth/secret';
import { createDefinitionService } from '../../api/services/definitions';
import { createDepartmentService } from '../../api/services/departments';
import type { PutDepartmentInput } from '../../workflows/department-registry';
import { createDraftService } from '../../api/services/drafts';
import { loadConfig } from '../../config';
import type { PetitionView } from '../../workflows/engine';
import { petitionStateQuery, petitionWorkflowId } from '../../workflows/messages';
import {
  connectDevServer,
  connectDevServerNative,
  createTestWorker,
  testLogger,
  testPayloadCodec,
  uniqueTaskQueue,
} from './temporal';

export interface ApiTestContext {
  app: FastifyInstance;
  client: Client;
  connection: Connection;
  taskQueue: string;
  secret: string;
  /**
   * A bearer token for a role (department and superior need a department code); `approver` adds the claim of the
   * body's head (an extension needs it, Art. 34).
   */
  token(role: StaffRole, dept?: string, sub?: string, approver?: boolean): string;
  /** `app.inject` with a bearer token for the role, or none when `as` is undefined. */
  call(as: string | undefined, options: InjectOptions): Promise<LightMyRequestResponse>;
  /** Stops the worker (the API keeps running): what still works without one? */
  stopWorker(): Promise<void>;
  close(): Promise<void>;
}

/** A department code no other test file uses, so visibility queries filtered by it see only this file's petitions. */
export function uniqueDept(prefix = 'D'): string {
  return `${prefix}${randomUUID().slice(0, 8)}`;
}

/** A department for a test's registry: a manual connector, its superior given or none. */
export function seedDepartment(code: string, superior: string | null = null): PutDepartmentInput {
  return {
    code,
    department: {
      name: `部门 ${code}`,
      superior,
      supervisor: { email: `supervision@${code.toLowerCase()}.example.gov.cn` },
      connector: { kind: 'manual' },
    },
    actor: { role: 'system', id: 'seed' },
  };
}

/** The Web UI origins the test API's codec server allows. */
export const TEST_UI_ORIGINS = ['http://127.0.0.1:8233', 'http://localhost:8233'];

/**
 * The app of a test file, with its own definition and department registries (the latter seeded with `departments`,
 * in superior-first order; empty: no department is registered, and codes are not checked).
 */
export async function startApiTest(
  opts: Partial<
    Pick<AppDeps, 'limits' | 'rpcTimeoutMs' | 'now' | 'corsOrigins' | 'logger' | 'migrationBatch'>
  > & {
    worker?: boolean;
    departments?: PutDepartmentInput[];
    /** How long the definition registry's latest answer counts as fresh (default 5 s). */
    definitionCacheMs?: number;
    /**
     * A department registry of this test file's own, not the namespace's: always so here (seeded with `departments`,
     * else empty); kept for the callers that ask for it.
     */
    ownDepartmentRegistry?: boolean;
  } = {},
): Promise<ApiTestContext> {
  const taskQueue = uniqueTaskQueue('api');
  const { client, connection } = await connectDevServer();
  let native: NativeConnection | undefined;
  let worker: Worker | undefined;
  let running: Promise<void> | undefined;
  if (opts.worker !== false) {
    native = await connectDevServerNative();
    worker = await createTestWorker({ connection: native, taskQueue });
    running = worker.run();
  }
  const secret = randomBytes(32).toString('base64url');
  const config = loadConfig({ TEMPORAL_ADDRESS: inject('devServerAddress'), TEMPORAL_TASK_QUEUE: taskQueue });
  const app = buildApp({
    config,
    logger: opts.logger ?? testLogger,
    connection,
    client,
    auth: { secret },
    // The codec server, allowing the embedded default's Web UI origins (TEMPORAL_UI_PORT 8233).
    codec: { codec: testPayloadCodec(), allowedOrigins: TEST_UI_ORIGINS },
    definitions: createDefinitionService(client, {
      taskQueue,
      registryId: `definition-registry-${taskQueue}`,
      connection,
      rpcTimeoutMs: opts.rpcTimeoutMs ?? 15_000,
      ...(opts.definitionCacheMs !== undefined && { cacheMs: opts.definitionCacheMs }),
    }),
    drafts: createDraftService(client, {
      taskQueue,
      storeId: `definition-drafts-${taskQueue}`,
      connection,
      rpcTimeoutMs: opts.rpcTimeoutMs ?? 15_000,
    }),
    departments: createDepartmentService(client, {
      taskQueue,
      registryId: `department-registry-${taskQueue}`,
      seed: opts.departments ?? [],
      connection,
      rpcTimeoutMs: opts.rpcTimeoutMs ?? 15_000,
    }),
    limits: { rateLimitMax: 100_000, rateLimitAddressMax: 100_000, ...opts.limits },
    rpcTimeoutMs: opts.rpcTimeoutMs ?? 15_000,
    ...(opts.now && { now: opts.now }),
    ...(opts.corsOrigins && { corsOrigins: opts.corsOrigins }),
    ...(opts.migrationBatch && { migrationBatch: opts.migrationBatch }),
  });
  await app.ready();
  const token = (role: StaffRole, dept?: string, sub?: string, approver?: boolean) =>
    mintToken(secret, {
      role,
      sub: sub ?? `${role}-${dept ?? 'x'}`,
      ...(dept !== undefined && { dept }),
      ...(approver === true && { approver: true }),
      ttlSeconds: 3600,
    });
  return {
    app,
    client,
    connection,
    taskQueue,
    secret,
    token,
    call: (as, options) =>
      app.inject({
        ...options,
        headers: { ...(as ? { authorization: `Bearer ${as}` } : {}), ...options.headers },
      }),
    async stopWorker() {
      if (worker?.getState() === 'RUNNING') worker.shutdown();
      await running;
    },
    async close() {
      await app.close();
      if (worker?.getState() === 'RUNNING') worker.shutdown();
      await running;
      await native?.close();
      await connection.close();
    },
  };
}

/** Polls until `ok` holds (visibility is eventually consistent), up to `ms`. */
export async function eventually<T>(
  read: () => Promise<T>,
  ok: (value: T) => boolean,
  what: string,
  ms = 10_000,
): Promise<T> {
  const until = Date.now() + ms;
  let last: T | undefined;
  for (;;) {
    last = await read();
    if (ok(last)) return last;
    if (Date.now() > until)
      throw new Error(`timed out waiting for ${what}; last value: ${JSON.stringify(last)?.slice(0, 1500)}`);
    await new Promise((r) => setTimeout(r, 150));
  }
}

/**
 * Waits until the petition rests on `step`: a hand-over to a body answers with its delivery step at once, and the
 * body can act once the delivery has completed. Reads the petition's query directly (a read through the API would
 * be recorded in a report's timeline).
 */
export async function untilStep(
  t: Pick<ApiTestContext, 'client'>,
  id: string,
  step: string,
  ms = 10_000,
): Promise<PetitionView> {
  return await eventually(
    () => t.client.workflow.getHandle(petitionWorkflowId(id)).query(petitionStateQuery),
    (view) => view.step === step,
    `petition ${id} to reach ${step}`,
    ms,
  );
}

/** A minimal valid registration body. */
export function petitionBody(overrides: Record<string, unknown> = {}): Record<string, unknown> {
  return {
    channel: 'letter',
    category: 'complaint',
    petitioner: {
      name: '李四',
      address: '北京市海淀区某路2号',
      phone: '13800001234',
      idNumber: '110101199001011234',
    },
    subject: '小区供暖不达标',
    content: '入冬以来室温长期低于16度，多次反映未果。',
    ...overrides,
  };
}
