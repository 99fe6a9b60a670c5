/**
 * `npm start`: the whole product on one machine. Without TEMPORAL_ADDRESS it runs Temporal's dev server (SQLite
 * under DATA_DIR, so a restart keeps every petition), then the worker, then the API, each as a child process of
 * this supervisor, and stops all three on Ctrl-C / SIGTERM. With TEMPORAL_ADDRESS it starts no server: it
 * registers missing search attributes on that cluster and runs the worker and API against it.
 */
import { spawnSync, type ChildProcess } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { Connection } from '@temporalio/client';
import { searchAttributeRegistrations } from '../workflows/search-attributes';
import { loadConfigOrExit, type Config } from '../config';
import { createLogger } from '../config/logger';
import { ensureSearchAttributes, temporalConnectionOptions } from '../config/temporal';
import { KeyringError, resolveKeyring } from '../config/payload-keys';
import { ConsoleBuildError, ensureConsoleBuilt } from './build-console';
import { ensureTemporalBinaries, TemporalBinariesError } from './fetch-temporal';
import { httpUrl, running, startNodeEntry, stopChild, waitUntilReady } from './supervise';
import {
  portInUse,
  startDevServer,
  stopServer,
  waitForTemporal,
  type ServerProcess,
} from './temporal-servers';

/**
 * One worker and one API on this machine: `npm start` gives both a metrics listener unless the environment says
 * otherwise (`0` turns one off). `npm run worker` and `npm run api` alone have none by default, so that several on
 * one machine never clash.
 */
const metricsDefaults = { WORKER_METRICS_ADDRESS: '127.0.0.1:9464', API_METRICS_ADDRESS: '127.0.0.1:9465' };
const childEnv: NodeJS.ProcessEnv = { ...process.env };
for (const [name, value] of Object.entries(metricsDefaults)) {
  if (!process.env[name]?.trim()) childEnv[name] = value;
}
const config = loadConfigOrExit(childEnv);
const logger = createLogger(config, 'start');
const startedAt = Date.now();

const pidFile = path.join(config.dataDir, 'temporal.pid');
let devServer: ServerProcess | undefined;
const children: { name: string; child: ChildProcess }[] = [];
let shuttingDown = false;
let shutdownStartedAt = 0;

/** Last-resort cleanup for a crash between start and a clean shutdown: nothing we started outlives us. */
process.on('exit', () => {
  for (const { child } of children) if (running(child)) child.kill('SIGKILL');
  if (devServer && running(devServer.child)) {
    devServer.child.kill('SIGKILL');
    rmSync(pidFile, { force: true });
  }
});

/** Stops the API, then the worker, then the dev server, and exits. */
async function shutdown(reason: string, exitCode: number): Promise<never> {
  if (shuttingDown) {
    // One Ctrl-C arrives twice (from the terminal, and forwarded by npm); only a later one means "do not wait".
    if (Date.now() - shutdownStartedAt > 2_000) process.exit(exitCode || 130);
    return new Promise<never>(() => {});
  }
  shuttingDown = true;
  shutdownStartedAt = Date.now();
  logger.info({ reason }, 'stopping');
  for (const name of ['api', 'worker']) {
    const entry = children.find((c) => c.name === name);
    if (entry)
      await stopChild(entry.child, 15_000, () => logger.warn(`${name} did not stop within 15 s; killing it`));
  }
  if (devServer) {
    await stopServer(devServer, 10_000);
    rmSync(pidFile, { force: true });
    logger.info('Temporal dev server stopped');
  }
  logger.info('all stopped');
  // Give the pretty-printing transport a moment to flush.
  await new Promise((r) => setTimeout(r, 50));
  process.exit(exitCode);
}

for (const signal of ['SIGINT', 'SIGTERM', 'SIGHUP'] as const) {
  process.on(signal, () => void shutdown(signal, 0));
}

function fail(message: string): Promise<never> {
  logger.error(message);
  return shutdown('start-up failed', 1);
}

/**
 * If a previous `npm start` was killed hard (SIGKILL), its dev server may still run, orphaned, holding the port
 * and the SQLite file. Stop it, but only when it is ours: a `temporal server start-dev` adopted by init.
 */
async function stopOrphanedDevServer(): Promise<void> {
  if (!existsSync(pidFile)) return;
  const pid = Number(readFileSync(pidFile, 'utf8').trim());
  rmSync(pidFile, { force: true });
  if (!Number.isInteger(pid) || pid <= 0) return;
  const ps = spawnSync('ps', ['-o', 'ppid=,command=', '-p', String(pid)], { encoding: 'utf8' });
  const match = /^\s*(\d+)\s+(.*)$/.exec(ps.stdout.trim());
  if (!match || match[1] !== '1' || !match[2]!.includes('start-dev')) return;
  logger.warn({ orphanPid: pid }, 'stopping a Temporal dev server left behind by an earlier run');
  process.kill(pid, 'SIGTERM');
  for (let i = 0; i < 100 && spawnSync('kill', ['-0', String(pid)]).status === 0; i++) {
    await new Promise((r) => setTimeout(r, 100));
  }
}

async function startEmbeddedServer(cfg: Config): Promise<void> {
  let binaries;
  try {
    binaries = ensureTemporalBinaries(process.env, (line) => logger.info(line));
  } catch (err) {
    if (err instanceof TemporalBinariesError) return fail(err.message);
    throw err;
  }
  mkdirSync(cfg.dataDir, { recursive: true });
  await stopOrphanedDevServer();

  const { ip, port, uiPort, dbFile } = cfg.devServer;
  for (const [what, p, hint] of [
    ['Temporal gRPC', port, 'TEMPORAL_PORT'],
    ['Temporal Web UI', uiPort, 'TEMPORAL_UI_PORT'],
    ['API', cfg.api.port, 'API_PORT'],
  ] as const) {
    if (await portInUse(p, ip)) {
      return fail(
        `${what} port ${ip}:${p} is already in use (another npm start?). Stop that process or set ${hint}.`,
      );
    }
  }
  for (const [what, listen, hint] of [
    ['API metrics', cfg.metrics.api, 'API_METRICS_ADDRESS'],
    ['worker metrics', cfg.metrics.worker, 'WORKER_METRICS_ADDRESS'],
  ] as const) {
    if (listen && (await portInUse(listen.port, listen.host))) {
      return fail(
        `The ${what} address ${listen.host}:${listen.port} is already in use (another npm start?). Stop that process, or set ${hint} to another host:port or to 0 (none).`,
      );
    }
  }

  const resumed = existsSync(dbFile);
  logger.info(
    { dbFile, resumed },
    resumed
      ? 'starting Temporal dev server on existing data'
      : 'starting Temporal dev server (new data file)',
  );
  try {
    devServer = startDevServer({
      cli: binaries.cli,
      uiCodecEndpoint: codecEndpoint(cfg),
      ip,
      port,
      uiPort,
      dbFile,
      searchAttributes: searchAttributeRegistrations,
      namespaces: cfg.temporal.namespace === 'default' ? [] : [cfg.temporal.namespace],
    });
  } catch (err) {
    return fail(err instanceof Error ? err.message : String(err));
  }
  writeFileSync(pidFile, `${devServer.child.pid}\n`);
  void devServer.exited.then(({ code, signal }) => {
    if (!shuttingDown) void fail(`Temporal dev server exited unexpectedly (code ${code}, signal ${signal})`);
  });
  try {
    await waitForTemporal(cfg.temporal.address, {
      namespace: cfg.temporal.namespace,
      server: devServer,
      timeoutMs: 60_000,
    });
  } catch (err) {
    return fail(err instanceof Error ? err.message : String(err));
  }
  logger.info(`Temporal dev server ready after ${((Date.now() - startedAt) / 1000).toFixed(1)} s`);
}

async function prepareExistingCluster(cfg: Config): Promise<void> {
  logger.info(
    { address: cfg.temporal.address, namespace: cfg.temporal.namespace },
    'using an existing Temporal cluster',
  );
  let connection: Connection | undefined;
  try {
    connection = await Connection.connect({ ...temporalConnectionOptions(cfg), connectTimeout: '10s' });
    await connection.workflowService.describeNamespace({ namespace: cfg.temporal.namespace });
    await ensureSearchAttributes(connection, cfg.temporal.namespace, searchAttributeRegistrations, logger);
  } catch (err) {
    return fail(
      `Cannot prepare Temporal at ${cfg.temporal.address} (namespace "${cfg.temporal.namespace}"): ${err instanceof Error ? err.message : String(err)}`,
    );
  } finally {
    await connection?.close().catch(() => undefined);
  }
}

/** Runs an entry point as a child; resolves when it reported ready (or exited, which fails the start). */
async function startChild(name: string, entry: string): Promise<void> {
  const { child, ready } = startNodeEntry(entry, { env: childEnv });
  children.push({ name, child });
  child.on('exit', (code, signal) => {
    if (!shuttingDown) void fail(`${name} exited unexpectedly (code ${code}, signal ${signal})`);
  });
  await ready;
}

// The console builds (only when web/ changed since the last build) while Temporal starts.
const consoleBuild = ensureConsoleBuilt({ log: (line) => logger.info(line) }).then(
  () => true,
  (err: unknown) => {
    if (!(err instanceof ConsoleBuildError)) throw err;
    logger.warn(`${err.message}\nThe API answers 503 on /console/ until the console is built.`);
    return false;
  },
);

function metricsLines(cfg: Config): string[] {
  const url = (listen: { host: string; port: number }) =>
    `http://${listen.host.includes(':') ? `[${listen.host}]` : listen.host}:${listen.port}/metrics`;
  return [
    ...(cfg.metrics.api ? [`  API metrics    ${url(cfg.metrics.api)}  (Prometheus)`] : []),
    ...(cfg.metrics.worker ? [`  Worker metrics ${url(cfg.metrics.worker)}  (Prometheus)`] : []),
  ];
}

/** The API's codec server as the embedded Web UI (on 127.0.0.1) reaches it. */
function codecEndpoint(cfg: Config): string {
  const host = ['0.0.0.0', '::', '[::]'].includes(cfg.api.host) ? '127.0.0.1' : cfg.api.host;
  return `http://${host.includes(':') ? `[${host}]` : host}:${cfg.api.port}/codec`;
}

// The keyring is read (the embedded default's created, mode 0600) once here, before the worker and the API need it.
try {
  const keyring = resolveKeyring(config);
  logger.info(
    { source: keyring.source, encryptingKey: keyring.keys[0]!.id, keys: keyring.keys.length },
    'payload keyring ready',
  );
} catch (err) {
  if (err instanceof KeyringError) await fail(err.message);
  throw err;
}

if (config.temporal.embedded) await startEmbeddedServer(config);
else await prepareExistingCluster(config);
const consoleReady = await consoleBuild;

await startChild('worker', 'worker.ts');
await startChild('api', 'api/server.ts');

const apiUrl = httpUrl(config.api.host, config.api.port);
const notReady = await waitUntilReady(`${apiUrl}/readyz`, 30_000, () => !shuttingDown);
if (notReady !== undefined && !shuttingDown) {
  logger.warn(`${apiUrl}/readyz is still not ready after 30 s: ${notReady}`);
}

if (!shuttingDown) {
  const lines = [
    `Ready after ${((Date.now() - startedAt) / 1000).toFixed(1)} s.`,
    `  Temporal gRPC  ${config.temporal.address}  (namespace "${config.temporal.namespace}", task queue "${config.temporal.taskQueue}")`,
    ...(config.temporal.embedded
      ? [
          `  Temporal UI    http://${config.devServer.ip}:${config.devServer.uiPort}  (payloads decrypted for supervisors/admins signed in at ${codecEndpoint(config)}/)`,
          `  Data           ${path.relative(process.cwd(), config.devServer.dbFile) || config.devServer.dbFile}`,
        ]
      : []),
    `  Console        ${apiUrl}/console/${consoleReady ? '' : '  (not built: see the warning above)'}`,
    `  API            ${apiUrl}  (GET /healthz, GET /readyz)`,
    `  API docs       ${apiUrl}/docs  (OpenAPI: ${apiUrl}/docs/json)`,
    ...metricsLines(config),
    ...(config.tracing ? [`  Traces         OTLP to ${config.tracing.tracesUrl}`] : []),
    ...(config.auth.jwksUrl
      ? []
      : [
          '  Tokens         npm run -s token -- ROLE [--dept CODE]  (registrar, department, superior, supervisor, designer, admin)',
        ]),
    'Ctrl-C stops everything.',
  ];
  process.stdout.write(`\n${lines.join('\n')}\n\n`);
}
