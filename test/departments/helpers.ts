/**
 * Shared set-up for the department tests: the dev server, a task queue and a department registry of the test's
 * own, a worker whose activities read that registry, petitions started and driven as the API does.
 */
import { randomBytes, randomUUID } from 'node:crypto';
import { mkdtempSync, readdirSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import type { Client, Connection, WorkflowHandle } from '@temporalio/client';
import type { NativeConnection, Worker } from '@temporalio/worker';
import type { FastifyInstance, InjectOptions, LightMyRequestResponse } from 'fastify';
import { inject } from 'vitest';
import { createActivities, type ActivityDeps } from '../../activities';
import { createRegistryDirectory } from '../../activities/connectors/directory';
import { buildApp } from '../../api/app';
import type { StaffRole } from '../../api/auth/principal';
import { mintToken } from '../../api/auth/secret';
import { createDepartmentService, type DepartmentService } from '../../api/services/departments';
import { loadConfig } from '../../config';
import { loadStatutoryDefinition, statutoryDefinitionHash } from '../../definitions/statutory';
import type { DepartmentInput } from '../../workflows/department-registry';
import { indexDefinition } from '../../workflows/engine/definition-index';
import type { Actor, PetitionFacts } from '../../workflows/engine/types';
import type { PetitionView } from '../../workflows/engine/view';
import {
  petitionActionUpdate,
  petitionStateQuery,
  petitionWorkflowId,
  type PetitionWorkflowInput,
} from '../../workflows/messages';
import type { petition } from '../../workflows/petition';
import {
  connectDevServer,
  connectDevServerNative,
  createTestWorker,
  testLogger,
  testPayloadCodec,
  uniqueTaskQueue,
} from '../helpers/temporal';

export const registrar: Actor = { role: 'registrar', id: 'reg-1' };
const statutoryIndex = indexDefinition(loadStatutoryDefinition());

/** A department code no other test uses (task queues and visibility are shared on the dev server). */
export function uniqueCode(prefix: string): string {
  return `${prefix}${randomUUID().slice(0, 8)}`;
}

/** A webhook secret of the required length. */
export const newSecret = (): string => randomBytes(32).toString('hex');

export interface DepartmentTestContext {
  client: Client;
  connection: Connection;
  native: NativeConnection;
  taskQueue: string;
  registryId: string;
  dataDir: string;
  departments: DepartmentService;
  /** Registers (or changes) a department in this test's registry, as an admin would. */
  put(code: string, input: DepartmentInput): Promise<void>;
  /** Starts a petitions worker in this process: workflows and activities, or only one of them. */
  startWorker(options?: {
    workflows?: boolean;
    activities?: boolean;
    deps?: Partial<ActivityDeps>;
  }): Promise<Worker>;
  stopWorkers(): Promise<void>;
  startPetition(facts?: Partial<PetitionFacts>): Promise<WorkflowHandle<typeof petition>>;
  /**
   * Applies an action and returns the view once it has settled: an action that hands the petition to a body is
   * answered on the hand-over step, which completes in the background (waited for here, up to 40 s).
   */
  act(
    handle: WorkflowHandle<typeof petition>,
    action: string,
    actor: Actor,
    input?: Record<string, unknown>,
  ): Promise<PetitionView>;
  view(handle: WorkflowHandle<typeof petition>): Promise<PetitionView>;
  /** The HTTP API on this registry, built on demand. */
  api(): Promise<{
    app: FastifyInstance;
    call(token: string | undefined, options: InjectOptions): Promise<LightMyRequestResponse>;
  }>;
  token(role: StaffRole, dept?: string): string;
  /** Messages the file outbox holds for a recipient kind (`petitioner`, `supervisor`). */
  outbox(recipient: string): Array<
    Record<string, unknown> & {
      to: Record<string, unknown>;
      subject: string;
      text: string;
      petitionId: string;
    }
  >;
  close(): Promise<void>;
}

export async function startDepartmentTest(): Promise<DepartmentTestContext> {
  const taskQueue = uniqueTaskQueue('dept');
  const registryId = `department-registry-${taskQueue}`;
  const dataDir = mkdtempSync(path.join(tmpdir(), 'petition-dept-'));
  const { client, connection } = await connectDevServer();
  const native = await connectDevServerNative();
  const departments = createDepartmentService(client, { taskQueue, registryId });
  const workers: Array<{ worker: Worker; running: Promise<void> }> = [];
  const secret = randomBytes(32).toString('base64url');
  let app: FastifyInstance | undefined;

  const ctx: DepartmentTestContext = {
    client,
    connection,
    native,
    taskQueue,
    registryId,
    dataDir,
    departments,
    async put(code, input) {
      await departments.put(code, input, { role: 'admin', id: 'test-admin' });
    },
    async startWorker(options = {}) {
      const activities = createActivities({
        logger: testLogger,
        dataDir,
        departments: createRegistryDirectory({ registryId, taskQueue, cacheMs: 0 }),
        archiveCodec: testPayloadCodec(),
        ...options.deps,
      });
      const worker = await createTestWorker({
        connection: native,
        taskQueue,
        activities,
        // Local activities (deadlines, documents) always run with the workflows; the rest only where asked.
        ...(options.activities === false && { enableNonLocalActivities: false }),
        ...(options.workflows === false && { workflowBundle: undefined }),
      });
      workers.push({ worker, running: worker.run() });
      return worker;
    },
    async stopWorkers() {
      for (const { worker } of workers) if (worker.getState() === 'RUNNING') worker.shutdown();
      await Promise.all(workers.map((w) => w.running));
      workers.length = 0;
    },
    async startPetition(facts = {}) {
      const petitionId = `DT${Date.now().toString(36)}${randomUUID().slice(0, 6)}`;
      const input: PetitionWorkflowInput = {
        petitionId,
        definition: loadStatutoryDefinition(),
        definitionHash: statutoryDefinitionHash(),
        registeredBy: registrar,
        petition: {
          category: 'complaint',
          channel: 'letter',
          subject: '小区供暖不达标',
          content: '入冬以来室温长期低于16度，多次反映未果。',
          receivedAt: new Date().toISOString(),
          petitioner: { name: '李四', address: '北京市海淀区某路2号', phone: '13800000000' },
          ...facts,
        },
      };
      return await client.workflow.start<typeof petition>('petition', {
        taskQueue,
        workflowId: petitionWorkflowId(petitionId),
        args: [input],
      });
    },
    async act(handle, action, actor, input = {}) {
      const answer = await handle.executeUpdate(petitionActionUpdate, { args: [{ action, actor, input }] });
      if (answer.status !== 'open' || statutoryIndex.element(answer.step).type !== 'serviceTask')
        return await handle.query(petitionStateQuery);
      return await eventually(
        () => handle.query(petitionStateQuery),
        (view) => view.step !== answer.step,
        `the hand-over at ${answer.step}`,
        40_000,
      );
    },
    view: (handle) => handle.query(petitionStateQuery),
    async api() {
      app ??= buildApp({
        config: loadConfig({ TEMPORAL_ADDRESS: inject('devServerAddress'), TEMPORAL_TASK_QUEUE: taskQueue }),
        logger: testLogger,
        connection,
        client,
        auth: { secret },
        departments,
        limits: { rateLimitMax: 100_000 },
        rpcTimeoutMs: 15_000,
      });
      await app.ready();
      const built = app;
      return {
        app: built,
        call: (token, options) =>
          built.inject({
            ...options,
            headers: { ...(token ? { authorization: `Bearer ${token}` } : {}), ...options.headers },
          }),
      };
    },
    token: (role, dept) =>
      mintToken(secret, {
        role,
        sub: `${role}-${dept ?? 'x'}`,
        ...(dept !== undefined && { dept }),
        ttlSeconds: 3600,
      }),
    outbox(recipient) {
      const dir = path.join(dataDir, 'outbox', recipient);
      let files: string[] = [];
      try {
        files = readdirSync(dir);
      } catch {
        return [];
      }
      return files.map((f) => JSON.parse(readFileSync(path.join(dir, f), 'utf8')));
    },
    async close() {
      await app?.close();
      await ctx.stopWorkers();
      await native.close();
      await connection.close();
    },
  };
  return ctx;
}

/** Polls until `ok` holds, up to `ms`. */
export async function eventually<T>(
  read: () => Promise<T>,
  ok: (value: T) => boolean,
  what: string,
  ms = 20_000,
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

/** A supervisor contact for test departments. */
export const supervisor = (code: string) => ({
  name: `${code} 督查`,
  email: `supervisor.${code.toLowerCase()}@example.gov.cn`,
});
