import { randomBytes } from 'node:crypto';
import type { Client, Connection } from '@temporalio/client';
import type { PayloadCodec } from '@temporalio/common';
import Fastify, { type FastifyBaseLogger, type FastifyInstance, type FastifyPluginCallback } from 'fastify';
import fastifyMetrics from 'fastify-metrics';
import type { Logger } from 'pino';
import type { Registry } from 'prom-client';
import type { Config } from '../config';
import { createLazyConnection } from '../config/temporal';
import { defaultCalendarData, type CalendarData } from '../definitions/calendar';
import type { AuthOptions } from './auth/plugin';
import { toApiError, toErrorBody, type ErrorBody } from './errors';
import { consoleRoutes, defaultConsoleDir, type ConsoleRouteOptions } from './routes/console';
import type { DevTokenRouteOptions } from './routes/dev-token';
import { codecRoutes } from './routes/codec';
import { registerDocs } from './routes/docs';
import { requestMetricsOptions } from './metrics';
import { healthRoutes } from './routes/health';
import { apiRoutes, type ApiRouteOptions } from './routes/index';
import type { DefinitionService } from './services/definitions';
import type { DraftService } from './services/drafts';
import { loadDepartmentSeed } from '../activities/connectors/directory';
import { createDepartmentService, type DepartmentService } from './services/departments';
import { settleCalls } from './services/temporal-calls';

/** What the API needs from its process; `server.ts` builds it from the config, tests build their own. */
export interface AppDeps {
  config: Pick<Config, 'temporal'>;
  logger: Logger;
  /**
   * Client connection to Temporal for routes (lazy in `server.ts`). `/readyz` probes through its own connection. Its
   * owner closes it after `app.close()`, which waits until no call made on it is still running.
   */
  connection: Connection;
  client: Client;
  /**
   * How bearer tokens are verified (server.ts: `resolveAuth(config)`). Absent: a random secret of this process,
   * so no token from outside is accepted.
   */
  auth?: AuthOptions;
  /**
   * The secret of the same-matter key of petitioners (server.ts: `resolveIdentityKeySecret(config)`). Absent: a
   * random secret of this process, so keys match only among the petitions it registered.
   */
  identityKey?: string;
  /** The definition registry; absent, registration uses the built-in statutory definition and `/v1/definitions` answers 503. */
  definitions?: DefinitionService;
  /** Designers' drafts of definitions (`/v1/definitions/:id/draft`); absent, those routes answer 503. */
  drafts?: DraftService;
  /**
   * The department registry (`/v1/departments`). Default: the registry workflow on the task queue, seeded from
   * config/departments.seed.json in the embedded default.
   */
  departments?: DepartmentService;
  /** The legal calendar in force (default: the official data shipped with the code). */
  calendar?: () => CalendarData;
  /** Body size and rate limits (defaults: 1 MiB; 600 requests a minute per token or address). */
  limits?: Partial<Config['limits']>;
  /** Bound on each Temporal call a request makes (default 10 s). */
  rpcTimeoutMs?: number;
  /** Clock (tests). */
  now?: () => Date;
  /**
   * The plugin that traces every request (api/tracing.ts), when the process traces: `server.ts` loads it only then,
   * since `@fastify/otel` alone takes hundreds of milliseconds to load.
   */
  requestTracing?: FastifyPluginCallback;
  /** Where request metrics go (api/metrics.ts; `server.ts` serves the registry on its own listener). */
  metrics?: Registry;
  /**
   * The web console at `/console/` (default: `dist/console` of the project, no role picker, no OpenID Connect).
   * `devSignIn` is the embedded signing secret when the role picker is on (server.ts decides).
   */
  console?: Partial<Omit<ConsoleRouteOptions, 'devSignIn'>> & {
    devSignIn?: DevTokenRouteOptions['devSignIn'];
  };
  /**
   * The codec server for the Temporal Web UI (`/codec`): the payload codec of the client, and the UI origins CORS
   * allows (config `codec.allowedOrigins`). Absent: no codec server.
   */
  codec?: { codec: PayloadCodec; allowedOrigins: readonly string[] };
  /** How definition migration batches pace themselves (tests make them small); default: the batch's own. */
  migrationBatch?: ApiRouteOptions['migrationBatch'];
}

/**
 * Builds the HTTP API as a Fastify instance without listening (only `server.ts` listens; tests use `inject`).
 * Every error leaves through one handler as `{ error, message, details? }`.
 */
export function buildApp(deps: AppDeps): FastifyInstance {
  // Typed as Fastify's base logger so route plugins need not carry pino's type parameter.
  const app = Fastify({
    loggerInstance: deps.logger as FastifyBaseLogger,
    bodyLimit: deps.limits?.bodyLimit ?? 1024 * 1024,
  });
  // Before any route: both wrap the routes as they are added.
  if (deps.requestTracing) app.register(deps.requestTracing);
  if (deps.metrics) app.register(fastifyMetrics, requestMetricsOptions(deps.metrics));

  app.setErrorHandler((err, request, reply) => {
    const { status, body } = toErrorBody(toApiError(err));
    if (status >= 500) request.log.error({ err }, 'request failed');
    else request.log.info({ err: { message: body.message, code: body.error } }, 'request rejected');
    void reply.code(status).send(body);
  });

  app.setNotFoundHandler((request, reply) => {
    void reply.code(404).send({
      error: 'not_found',
      message: `No route for ${request.method} ${request.url}`,
    } satisfies ErrorBody);
  });

  // Probes get their own connection without retries: one prompt answer, nothing left retrying after close.
  const probeConnection = createLazyConnection(deps.config, { retry: false });
  app.addHook('onClose', async () => {
    await probeConnection.close().catch(() => undefined);
  });
  const rpcTimeoutMs = deps.rpcTimeoutMs ?? 10_000;
  app.addHook('onClose', async () => {
    if (!(await settleCalls(deps.connection, rpcTimeoutMs + 10_000))) {
      app.log.warn(
        'closing with Temporal calls still running; their retries may fail on the closed connection',
      );
    }
  });
  registerDocs(app);
  const auth = deps.auth ?? { secret: randomBytes(32).toString('base64url') };
  const now = deps.now ?? (() => new Date());

  app.register(healthRoutes, {
    connection: probeConnection,
    address: deps.config.temporal.address,
    namespace: deps.config.temporal.namespace,
    taskQueue: deps.config.temporal.taskQueue,
  });

  app.register(consoleRoutes, {
    distDir: deps.console?.distDir ?? defaultConsoleDir,
    devSignIn: deps.console?.devSignIn !== undefined,
    ...(deps.console?.oidc && { oidc: deps.console.oidc }),
  });

  app.register(apiRoutes, {
    client: deps.client,
    connection: deps.connection,
    namespace: deps.config.temporal.namespace,
    taskQueue: deps.config.temporal.taskQueue,
    auth,
    identityKey: deps.identityKey ?? randomBytes(32).toString('base64url'),
    definitions: deps.definitions,
    drafts: deps.drafts,
    departments:
      deps.departments ??
      createDepartmentService(deps.client, {
        taskQueue: deps.config.temporal.taskQueue,
        seed: deps.config.temporal.embedded ? loadDepartmentSeed() : [],
        connection: deps.connection,
        rpcTimeoutMs: deps.rpcTimeoutMs,
      }),
    calendar: deps.calendar ?? defaultCalendarData,
    rateLimit: {
      max: deps.limits?.rateLimitMax ?? 600,
      windowMs: deps.limits?.rateLimitWindowMs ?? 60_000,
    },
    rpcTimeoutMs,
    now,
    devSignIn: deps.console?.devSignIn,
    ...(deps.migrationBatch && { migrationBatch: deps.migrationBatch }),
  });

  if (deps.codec) {
    app.register(codecRoutes, {
      prefix: '/codec',
      codec: deps.codec.codec,
      allowedOrigins: deps.codec.allowedOrigins,
      namespace: deps.config.temporal.namespace,
      auth,
      now,
    });
  }

  return app;
}
