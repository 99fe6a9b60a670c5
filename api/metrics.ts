/**
 * Prometheus metrics of an API process: request rates and latency by route and status (`fastify-metrics`, registered
 * by `buildApp`), the process's own vitals, and the open petitions by the step they rest on, counted from Temporal's
 * visibility store. They are served on a listener of their own (`buildMetricsServer`, listened on by `server.ts` at
 * `API_METRICS_ADDRESS`), never on the API's port: no token is needed to scrape, so the address decides who can.
 */
import type { Client, Connection } from '@temporalio/client';
import Fastify, { type FastifyBaseLogger, type FastifyInstance } from 'fastify';
import type { IMetricsPluginOptions } from 'fastify-metrics';
import type { Logger } from 'pino';
import { Gauge, Registry } from 'prom-client';
import { loadStatutoryDefinition } from '../definitions/statutory';
import { PetitionSearchAttributes as SA } from '../workflows/search-attributes';
import type { ErrorBody } from './errors';
import { VisibilityQuery } from './services/supervision';
import { boundedCall } from './services/temporal-calls';

/** The label of petitions resting on a step that is not a user task of the shipped definition. */
export const OTHER_STEP = '(other)';

/** Latency buckets in seconds: fine below 100 ms, where an action should answer (issue 16's p99 target). */
const latencyBuckets = [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10];

export interface ApiMetricsOptions {
  client: Client;
  /** The client's connection: counts are tracked on it, so closing the API waits for them (api/services/temporal-calls). */
  connection: Connection;
  logger: Logger;
  /** How long one count of the open petitions is served before the next scrape counts again (default 15 s). */
  cacheMs?: number;
  /** How long a scrape waits for a count before it answers with the previous one (default 3 s; the count goes on). */
  waitMs?: number;
  /** The steps counted one by one (default: the user tasks of the shipped statutory definition). */
  steps?: readonly string[];
  now?: () => number;
}

/**
 * A registry holding this process's metrics, with the open-petitions gauges registered. Counting costs one visibility
 * count for all open petitions plus one per step, at most once per `cacheMs` however often it is scraped; a failed
 * count keeps the previous figures (their age is `petitions_open_counted_timestamp_seconds`) and is logged.
 */
export function createApiMetrics(opts: ApiMetricsOptions): Registry {
  const registry = new Registry();
  const cacheMs = opts.cacheMs ?? 15_000;
  const waitMs = opts.waitMs ?? 3_000;
  const now = opts.now ?? Date.now;
  const steps =
    opts.steps ??
    loadStatutoryDefinition()
      .elements.filter((e) => e.type === 'userTask')
      .map((e) => e.id);
  const open = () => new VisibilityQuery().eq(SA.status.name, 'open');
  const count = async (query: VisibilityQuery) =>
    (
      await boundedCall(opts.connection, 10_000, 'count open petitions', () =>
        opts.client.workflow.count(query.toString()),
      )
    ).count;

  let countedAt = 0;
  let counting: Promise<void> | undefined;
  /**
   * Counts again when the last count is older than `cacheMs`; concurrent scrapes share one count, and none waits for
   * it longer than `waitMs`: while Temporal is slow or down the other metrics still reach Prometheus in time.
   */
  const refresh = async (): Promise<void> => {
    if (now() - countedAt < cacheMs) return;
    counting ??= recount()
      .catch((err: unknown) => opts.logger.warn({ err }, 'could not count open petitions for /metrics'))
      .finally(() => (counting = undefined));
    let timer: NodeJS.Timeout | undefined;
    await Promise.race([counting, new Promise((resolve) => (timer = setTimeout(resolve, waitMs)))]);
    clearTimeout(timer);
  };
  const countedTimestamp = new Gauge({
    name: 'petitions_open_counted_timestamp_seconds',
    help: 'When petitions_open was last counted from the visibility store (Unix time)',
    registers: [registry],
    collect: refresh,
  });
  const byStep = new Gauge({
    name: 'petitions_open',
    help: `Open petitions by the step they rest on (visibility counts, at most ${cacheMs / 1000} s old); "${OTHER_STEP}": any other step`,
    labelNames: ['step'],
    registers: [registry],
    collect: refresh,
  });

  async function recount(): Promise<void> {
    const [total, ...perStep] = await Promise.all([
      count(open()),
      ...steps.map((step) => count(open().eq(SA.step.name, step))),
    ]);
    byStep.reset();
    steps.forEach((step, i) => byStep.set({ step }, perStep[i]!));
    // The counts are not one snapshot: a petition moving meanwhile may be counted twice or not at all.
    byStep.set({ step: OTHER_STEP }, Math.max(0, total! - perStep.reduce((a, b) => a + b, 0)));
    countedAt = now();
    countedTimestamp.set(countedAt / 1000);
  }

  return registry;
}

/**
 * `fastify-metrics` options for request duration histograms (`http_request_duration_seconds{method,route,status_code}`;
 * the `_count` series gives the rates) and the process's vitals, into `registry`. `buildApp` registers the plugin
 * with them before any route.
 */
export function requestMetricsOptions(registry: Registry): Partial<IMetricsPluginOptions> {
  return {
    endpoint: null,
    defaultMetrics: { enabled: true, register: registry },
    routeMetrics: {
      enabled: { histogram: true, summary: false },
      // Requests for no route are counted too, under one label (never their raw URL).
      registeredRoutesOnly: false,
      invalidRouteGroup: '(no route)',
      overrides: {
        histogram: { registers: [registry], buckets: latencyBuckets },
        summary: { registers: [registry] },
      },
    },
  };
}

/** The metrics listener: `/metrics` in Prometheus's text format, and nothing else. Only `server.ts` listens on it. */
export function buildMetricsServer(registry: Registry, logger: Logger): FastifyInstance {
  const app = Fastify({
    loggerInstance: logger.child({ listener: 'metrics' }) as FastifyBaseLogger,
  });
  // Scraped every few seconds: not worth a log line each.
  app.get('/metrics', { logLevel: 'warn' }, async (_request, reply) => {
    const text = await registry.metrics();
    return reply.type(registry.contentType).send(text);
  });
  app.setNotFoundHandler((request, reply) => {
    void reply.code(404).send({
      error: 'not_found',
      message: `No route for ${request.method} ${request.url}; this listener serves GET /metrics only`,
    } satisfies ErrorBody);
  });
  return app;
}
