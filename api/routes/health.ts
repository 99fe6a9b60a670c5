import type { Connection } from '@temporalio/client';
// Default import: the package is CommonJS, and Node's ESM loader cannot see its named exports.
import proto from '@temporalio/proto';
import type { FastifyPluginAsync } from 'fastify';

const { TaskQueueKind, TaskQueueType } = proto.temporal.api.enums.v1;

/**
 * A worker re-polls at least once a minute (the server's long-poll expiry), so a poller last seen longer ago
 * than this has gone away. The server itself keeps pollers listed for five minutes.
 */
export const POLLER_MAX_AGE_MS = 90_000;
/** Keeps `/readyz` answering promptly when Temporal is slow or down. */
const RPC_TIMEOUT_MS = 2_000;

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
  /** Clock for poller recency; tests may replace it. */
  now?: () => number;
}

function reason(err: unknown): string {
  return err instanceof Error ? err.message : String(err);
}

/**
 * Readiness of this deployment: Temporal answers, the namespace exists, and some worker polls the task queue
 * for both workflow and activity tasks. Later checks are skipped (and fail) when an earlier one fails.
 */
export async function checkReadiness(opts: HealthRouteOptions): Promise<ReadinessCheck[]> {
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

  try {
    const types = [
      ['workflow', TaskQueueType.TASK_QUEUE_TYPE_WORKFLOW],
      ['activity', TaskQueueType.TASK_QUEUE_TYPE_ACTIVITY],
    ] as const;
    const recentPollers = await Promise.all(
      types.map(async ([label, taskQueueType]) => {
        const res = await call(() =>
          connection.workflowService.describeTaskQueue({
            namespace,
            taskQueue: { name: taskQueue, kind: TaskQueueKind.TASK_QUEUE_KIND_NORMAL },
            taskQueueType,
          }),
        );
        const recent = (res.pollers ?? []).filter((p) => {
          const seconds = Number(p.lastAccessTime?.seconds ?? 0);
          return now() - seconds * 1000 <= POLLER_MAX_AGE_MS;
        });
        return { label, count: recent.length, identities: recent.map((p) => p.identity ?? '?') };
      }),
    );
    const missing = recentPollers.filter((p) => p.count === 0).map((p) => p.label);
    if (missing.length > 0) {
      checks.push({
        name: 'worker',
        ok: false,
        detail: `no worker is polling task queue "${taskQueue}" for ${missing.join(' and ')} tasks (none seen in the last ${POLLER_MAX_AGE_MS / 1000} s)`,
      });
    } else {
      const identities = [...new Set(recentPollers.flatMap((p) => p.identities))];
      checks.push({
        name: 'worker',
        ok: true,
        detail: `${identities.length} worker(s) polling task queue "${taskQueue}": ${identities.join(', ')}`,
      });
    }
  } catch (err) {
    checks.push({
      name: 'worker',
      ok: false,
      detail: `could not describe task queue "${taskQueue}": ${reason(err)}`,
    });
  }
  return checks;
}

/** `GET /healthz` (the process is up) and `GET /readyz` (it can do work: see {@link checkReadiness}). */
export const healthRoutes: FastifyPluginAsync<HealthRouteOptions> = async (app, opts) => {
  app.get('/healthz', async () => ({ status: 'ok' }));

  app.get('/readyz', async (_request, reply) => {
    const checks = await checkReadiness(opts);
    const failing = checks.filter((c) => !c.ok);
    if (failing.length === 0) return { status: 'ready', checks };
    const first = failing[0]!;
    return reply.code(503).send({
      error: 'not_ready',
      message: `Not ready: check "${first.name}" failed: ${first.detail}`,
      checks,
    });
  });
};
