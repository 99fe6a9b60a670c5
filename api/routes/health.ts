import { randomUUID } from 'node:crypto';
import { Client, type Connection } from '@temporalio/client';
import type { DataConverter } from '@temporalio/common';
// Default import: the package is CommonJS, and Node's ESM loader cannot see its named exports.
import proto from '@temporalio/proto';
import { serializerCompiler, validatorCompiler, type FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { errors } from '../schemas/common';

const { TaskQueueKind, TaskQueueType } = proto.temporal.api.enums.v1;

/**
 * A worker re-polls at least once a minute (the server's long-poll expiry), so a poller last seen longer ago
 * than this has gone away. The server itself keeps pollers listed for five minutes.
 */
export const POLLER_MAX_AGE_MS = 90_000;
/** Keeps `/readyz` answering promptly when Temporal is slow or down. */
const RPC_TIMEOUT_MS = 2_000;
/**
 * The worker health check: a `ping` workflow whose activity a worker must run, answered within this time. A worker
 * that died still shows as a poller for up to a minute and a half; it fails this at once.
 */
export const PING_TIMEOUT_MS = 3_000;
/** A passed health check is reused this long, so probes every second cost one round trip every few seconds. */
export const PING_CACHE_MS = 3_000;

/** One readiness check as reported by `/readyz`. */
export interface ReadinessCheck {
  name: 'temporal' | 'namespace' | 'worker';
  ok: boolean;
  detail: string;
}

export interface HealthRouteOptions {
  /** Best without the SDK's retry interceptor (see `createLazyConnection(config, { retry: false })`). */
  connection: Connection;
  /** Shown in messages only. */
  address?: string;
  namespace: string;
  taskQueue: string;
  /** The API client's data converter: the worker encrypts the ping's result (config/data-converter.ts). */
  dataConverter: DataConverter;
  /** Clock for poller recency; tests may replace it. */
  now?: () => number;
}

function reason(err: unknown): string {
  return err instanceof Error ? err.message : String(err);
}

function ago(ms: number): string {
  return ms < 1_000 ? 'just now' : `${Math.round(ms / 1000)} s ago`;
}

/** The last poll the server has seen for one task type, and by whom. */
interface LastPoll {
  label: 'workflow' | 'activity';
  at?: number;
  identity?: string;
  recent: string[];
}

/**
 * The worker health check, one at a time and briefly cached when it passes: a `ping` workflow (workflows/ping.ts)
 * started on the task queue must complete, through one workflow task and one activity task, within
 * {@link PING_TIMEOUT_MS}. Each run ends within 10 s whatever happens (execution timeout), so none lingers.
 */
export function createWorkerPing(opts: HealthRouteOptions) {
  const client = new Client({
    connection: opts.connection,
    namespace: opts.namespace,
    dataConverter: opts.dataConverter,
  });
  const now = opts.now ?? Date.now;
  let passedAt = Number.NEGATIVE_INFINITY;
  let running: Promise<string | undefined> | undefined;

  const ping = async (): Promise<string | undefined> => {
    const started = now();
    let timer: NodeJS.Timeout | undefined;
    const timeout = new Promise<never>((_, reject) => {
      timer = setTimeout(
        () => reject(new Error(`no answer within ${PING_TIMEOUT_MS / 1000} s`)),
        PING_TIMEOUT_MS,
      );
    });
    const run = opts.connection.withDeadline(started + PING_TIMEOUT_MS, () =>
      client.workflow.execute('ping', {
        taskQueue: opts.taskQueue,
        workflowId: `readyz-ping-${randomUUID()}`,
        workflowExecutionTimeout: '10 seconds',
      }),
    );
    run.catch(() => undefined);
    try {
      await Promise.race([run, timeout]);
      passedAt = now();
      return undefined;
    } catch (err) {
      return reason(err);
    } finally {
      clearTimeout(timer);
    }
  };

  /** Undefined when a worker answered; else why not. */
  return async (): Promise<string | undefined> => {
    if (now() - passedAt < PING_CACHE_MS) return undefined;
    running ??= ping().finally(() => (running = undefined));
    return await running;
  };
}

/**
 * Readiness of this deployment: Temporal answers, the namespace exists, some worker polled the task queue for both
 * workflow and activity tasks lately (the last poll per type is reported), and a worker answers the health check
 * now. Later checks are skipped (and fail) when an earlier one fails.
 */
export async function checkReadiness(
  opts: HealthRouteOptions,
  workerPing: () => Promise<string | undefined> = createWorkerPing(opts),
): Promise<ReadinessCheck[]> {
  const { connection, namespace, taskQueue } = opts;
  const at = opts.address ? ` at ${opts.address}` : '';
  const now = opts.now ?? Date.now;
  const call = <T>(fn: () => Promise<T>): Promise<T> => connection.withDeadline(now() + RPC_TIMEOUT_MS, fn);
  const checks: ReadinessCheck[] = [];

  try {
    const info = await call(() => connection.workflowService.getSystemInfo({}));
    checks.push({
      name: 'temporal',
      ok: true,
      detail: `reachable (server ${info.serverVersion || 'unknown version'})`,
    });
  } catch (err) {
    checks.push({ name: 'temporal', ok: false, detail: `Temporal is not reachable${at}: ${reason(err)}` });
    checks.push({ name: 'namespace', ok: false, detail: 'skipped: Temporal is not reachable' });
    checks.push({ name: 'worker', ok: false, detail: 'skipped: Temporal is not reachable' });
    return checks;
  }

  try {
    await call(() => connection.workflowService.describeNamespace({ namespace }));
    checks.push({ name: 'namespace', ok: true, detail: `namespace "${namespace}" exists` });
  } catch (err) {
    checks.push({
      name: 'namespace',
      ok: false,
      detail: `namespace "${namespace}" is not available: ${reason(err)}`,
    });
    checks.push({ name: 'worker', ok: false, detail: 'skipped: the namespace is not available' });
    return checks;
  }

  let polls: LastPoll[];
  try {
    const types = [
      ['workflow', TaskQueueType.TASK_QUEUE_TYPE_WORKFLOW],
      ['activity', TaskQueueType.TASK_QUEUE_TYPE_ACTIVITY],
    ] as const;
    polls = await Promise.all(
      types.map(async ([label, taskQueueType]): Promise<LastPoll> => {
        const res = await call(() =>
          connection.workflowService.describeTaskQueue({
            namespace,
            taskQueue: { name: taskQueue, kind: TaskQueueKind.TASK_QUEUE_KIND_NORMAL },
            taskQueueType,
          }),
        );
        const seen = (res.pollers ?? [])
          .map((p) => ({ at: Number(p.lastAccessTime?.seconds ?? 0) * 1000, identity: p.identity ?? '?' }))
          .sort((a, b) => b.at - a.at);
        const recent = seen.filter((p) => now() - p.at <= POLLER_MAX_AGE_MS).map((p) => p.identity);
        return { label, at: seen[0]?.at, identity: seen[0]?.identity, recent };
      }),
    );
  } catch (err) {
    checks.push({
      name: 'worker',
      ok: false,
      detail: `could not describe task queue "${taskQueue}": ${reason(err)}`,
    });
    return checks;
  }

  const lastPolls = polls
    .map(
      (p) =>
        `${p.label}: ${p.at === undefined ? 'never' : `last poll ${ago(now() - p.at)} by ${p.identity}`}`,
    )
    .join('; ');
  const missing = polls.filter((p) => p.recent.length === 0).map((p) => p.label);
  if (missing.length > 0) {
    const seenBefore = polls.some((p) => p.at !== undefined);
    checks.push({
      name: 'worker',
      ok: false,
      detail:
        `no worker is polling task queue "${taskQueue}" for ${missing.join(' and ')} tasks (none seen in the last ${POLLER_MAX_AGE_MS / 1000} s)` +
        (seenBefore ? `; ${lastPolls}` : ''),
    });
    return checks;
  }
  const failed = await workerPing();
  if (failed !== undefined) {
    checks.push({
      name: 'worker',
      ok: false,
      detail: `the worker health check failed (a ping workflow and activity on "${taskQueue}": ${failed}): the workers seen polling (${lastPolls}) may have died`,
    });
    return checks;
  }
  const identities = [...new Set(polls.flatMap((p) => p.recent))];
  checks.push({
    name: 'worker',
    ok: true,
    detail: `${identities.length} worker(s) polling task queue "${taskQueue}": ${identities.join(', ')}; health check passed; ${lastPolls}`,
  });
  return checks;
}

const checkSchema = z.object({
  name: z.enum(['temporal', 'namespace', 'worker']),
  ok: z.boolean(),
  detail: z.string(),
});

/** `GET /healthz` (the process is up) and `GET /readyz` (it can do work: see {@link checkReadiness}). */
export const healthRoutes: FastifyPluginAsyncZod<HealthRouteOptions> = async (app, opts) => {
  app.setValidatorCompiler(validatorCompiler);
  app.setSerializerCompiler(serializerCompiler);
  const workerPing = createWorkerPing(opts);

  app.get(
    '/healthz',
    {
      schema: {
        tags: ['health'],
        summary: 'Liveness: 200 while the process is up',
        response: { 200: z.object({ status: z.literal('ok') }), ...errors() },
      },
    },
    async () => ({ status: 'ok' as const }),
  );

  app.get(
    '/readyz',
    {
      schema: {
        tags: ['health'],
        summary: 'Readiness: Temporal, the namespace and a live worker (health check round trip)',
        response: {
          200: z.object({ status: z.literal('ready'), checks: z.array(checkSchema) }),
          503: z.object({
            error: z.literal('not_ready'),
            message: z.string(),
            requestId: z.string(),
            checks: z.array(checkSchema),
          }),
          431: errors()[431]!,
        },
      },
    },
    async (request, reply) => {
      const checks = await checkReadiness(opts, workerPing);
      const failing = checks.filter((c) => !c.ok);
      if (failing.length === 0) return reply.code(200).send({ status: 'ready', checks });
      const first = failing[0]!;
      return reply.code(503).send({
        error: 'not_ready' as const,
        message: `Not ready: check "${first.name}" failed: ${first.detail}`,
        requestId: request.id,
        checks,
      });
    },
  );
};
