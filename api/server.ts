/**
 * API entry point (`npm run api`): the only place that listens. Run several behind a load balancer for
 * scale-out; they hold no state of their own. Only wiring lives here.
 */
import { loadConfigOrExit } from '../config';
import { createLogger } from '../config/logger';
import { createCalendarProvider } from '../config/calendar';
import { dataConverterFromConfig } from '../config/data-converter';
import { createClient, createLazyConnection } from '../config/temporal';
import { startTracing } from '../config/tracing';
import { buildApp } from './app';
import { buildMetricsServer, createApiMetrics } from './metrics';
import { jwtSecretPath, resolveAuthOptions } from './auth/secret';
import { createDefinitionService } from './services/definitions';
import { identityKeyPath, resolveIdentityKeySecret } from './services/identity-key';
import { createDraftService } from './services/drafts';

const config = loadConfigOrExit();
const logger = createLogger(config, 'api');
// Before the client: its interceptors come from here. Nothing is loaded without OTEL_EXPORTER_OTLP_ENDPOINT.
const tracing = await startTracing(config, 'petition-api');
const connection = createLazyConnection(config);
const { dataConverter, codec } = dataConverterFromConfig(config, logger);
const client = createClient(
  config,
  connection,
  dataConverter,
  tracing && { interceptors: tracing.clientInterceptors },
);
const metrics = config.metrics.api && createApiMetrics({ client, connection, logger });
const metricsServer = metrics && buildMetricsServer(metrics, logger);
const { source: authSource, ...auth } = resolveAuthOptions(config);
if (authSource === 'data-dir' && !config.temporal.embedded) {
  logger.warn(
    { file: jwtSecretPath(config.dataDir) },
    'tokens are verified with the secret in DATA_DIR (the embedded default); set JWT_JWKS_URL or JWT_SECRET for a shared deployment',
  );
}
const identityKey = resolveIdentityKeySecret(config);
if (identityKey.source === 'data-dir' && !config.temporal.embedded) {
  logger.warn(
    { file: identityKeyPath(config.dataDir) },
    'same-matter keys are computed with the secret in DATA_DIR (the embedded default); set IDENTITY_KEY_SECRET or IDENTITY_KEY_FILE, the same for every API process, for a shared deployment',
  );
}
// Re-read when a supplement is published, like the worker's: registration computes the first deadlines with it.
const calendar = createCalendarProvider(config.dataDir);
const app = buildApp({
  config,
  logger,
  connection,
  client,
  auth,
  identityKey: identityKey.secret,
  definitions: createDefinitionService(client, { taskQueue: config.temporal.taskQueue, connection }),
  drafts: createDraftService(client, { taskQueue: config.temporal.taskQueue, connection }),
  calendar,
  limits: config.limits,
  ...(tracing && { requestTracing: (await import('./tracing')).requestTracing() }),
  metrics,
  console: {
    // The role picker only while tokens are verified with the embedded secret in DATA_DIR.
    ...(authSource === 'data-dir' &&
      config.console.devSignIn !== 'off' && {
        devSignIn: {
          secret: auth.secret!,
          ...(auth.issuer !== undefined && { issuer: auth.issuer }),
          ...(auth.audience !== undefined && { audience: auth.audience }),
        },
      }),
    ...(config.console.oidc && { oidc: config.console.oidc }),
  },
  codec: { codec, allowedOrigins: config.codec.allowedOrigins },
});

let stopping = false;
const stop = async (reason: string): Promise<void> => {
  if (stopping) return;
  stopping = true;
  logger.info({ reason }, 'api shutting down');
  // The metrics listener first: closing the app then waits for every Temporal call, its counts included.
  await metricsServer?.close();
  await app.close();
  await connection.close().catch(() => undefined);
  await tracing?.shutdown().catch(() => undefined);
  logger.info('api stopped');
  // The pino-pretty transport runs in a thread; let it flush, then go.
  setTimeout(() => process.exit(0), 50).unref();
};
for (const signal of ['SIGINT', 'SIGTERM', 'SIGHUP'] as const) process.on(signal, () => void stop(signal));
// Started by scripts/start.ts with an IPC channel: if the supervisor dies, so do we (no orphan API).
process.on('disconnect', () => void stop('supervisor exited'));

try {
  const url = await app.listen({ host: config.api.host, port: config.api.port });
  const metricsUrl =
    metricsServer && config.metrics.api && (await metricsServer.listen(config.metrics.api)) + '/metrics';
  logger.info(
    {
      url,
      temporal: config.temporal.address,
      namespace: config.temporal.namespace,
      ...(metricsUrl && { metrics: metricsUrl }),
      ...(tracing && { tracing: { serviceName: tracing.serviceName, endpoint: config.tracing?.tracesUrl } }),
    },
    'api listening',
  );
  process.send?.({ type: 'ready', url, metricsUrl });
} catch (err) {
  logger.error(
    { err },
    `api could not listen (API ${config.api.host}:${config.api.port}, metrics ${config.metrics.api ? `${config.metrics.api.host}:${config.metrics.api.port}` : 'off'})`,
  );
  process.exitCode = 1;
  await app.close().catch(() => undefined);
  await connection.close().catch(() => undefined);
  await tracing?.shutdown().catch(() => undefined);
}
