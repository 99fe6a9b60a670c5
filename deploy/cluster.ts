/**
 * `npm run cluster`: the product on a production-shaped Temporal, all on this machine. It installs what is missing
 * (PostgreSQL from Debian, Temporal's server and schema tool built from the Go module), starts a PostgreSQL of its
 * own under DATA_DIR/cluster, applies Temporal's schemas, runs the Temporal server from deploy/temporal/config.yaml,
 * registers the namespace and the search attributes, then runs two workers and two API processes against it.
 * Ctrl-C or SIGTERM stops the APIs and workers, then Temporal, then PostgreSQL; a new start keeps the data.
 * Configuration: the CLUSTER_* variables (deploy/cluster/settings.ts) and the product's own; docs/operations.md.
 */
import { spawnSync, type ChildProcess } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { createInterface } from 'node:readline';
import { Connection } from '@temporalio/client';
import { loadOrCreateJwtSecret } from '../api/auth/secret';
import { createLogger, type Logger } from '../config/logger';
import { httpUrl, running, startNodeEntry, stopChild, waitUntilReady } from '../scripts/supervise';
import { portInUse, stopServer, waitForTemporal, type ServerProcess } from '../scripts/temporal-servers';
import { resolveIdentityKeySecret } from '../api/services/identity-key';
import { searchAttributeRegistrations } from '../workflows/search-attributes';
import { ensurePostgres, ensureTemporalServer, type PostgresBinaries } from './cluster/install';
import {
  databasePassword,
  initPostgres,
  postgresAccount,
  postgresRunning,
  startPostgres,
  stopPostgres,
  type PostgresAccount,
} from './cluster/postgres';
import { loadClusterSettings, TEMPORAL_SERVER_VERSION, type ClusterSettings } from './cluster/settings';
import {
  applySchemas,
  ensureNamespace,
  registerSearchAttributes,
  startTemporalServer,
  stopOrphanedServer,
  waitForNamespace,
  waitUntilUsable,
} from './cluster/temporal';

let settings: ClusterSettings;
try {
  settings = loadClusterSettings();
} catch (err) {
  process.stderr.write(`${err instanceof Error ? err.message : String(err)}\n`);
  process.exit(1);
}
const logger: Logger = createLogger(settings.product, 'cluster');
const say = (line: string): void => logger.info(line);
const startedAt = Date.now();
const rel = (p: string): string => path.relative(process.cwd(), p) || p;

/** What we started, so that shutdown (or the exit handler after a crash) stops exactly that. */
const state: {
  postgres?: { pg: PostgresBinaries; account: PostgresAccount };
  temporal?: ServerProcess;
  children: { name: string; kind: 'api' | 'worker'; child: ChildProcess; port?: number }[];
} = { children: [] };
const supervisorPidFile = path.join(settings.dir, 'supervisor.pid');
const stateFile = path.join(settings.dir, 'cluster.json');
let claimed = false;
let shuttingDown = false;
let shutdownStartedAt = 0;

/** Last resort after a crash: nothing we started outlives us. */
process.on('exit', () => {
  for (const { child } of state.children) if (running(child)) child.kill('SIGKILL');
  if (state.temporal && running(state.temporal.child)) state.temporal.child.kill('SIGKILL');
  if (state.postgres) {
    const { pg, account } = state.postgres;
    spawnSync(pg.pgCtl, ['stop', '-D', settings.postgres.dataDir, '-m', 'immediate'], {
      cwd: '/',
      ...(account.uid !== undefined && { uid: account.uid, gid: account.gid }),
    });
  }
  if (claimed) {
    rmSync(stateFile, { force: true });
    rmSync(supervisorPidFile, { force: true });
  }
});

/** Stops the APIs, then the workers, then Temporal, then PostgreSQL, and exits. */
async function shutdown(reason: string, exitCode: number): Promise<never> {
  if (shuttingDown) {
    // One Ctrl-C arrives twice (from the terminal, and forwarded by npm); only a later one means "do not wait".
    if (Date.now() - shutdownStartedAt > 2_000) process.exit(exitCode || 130);
    return new Promise<never>(() => {});
  }
  shuttingDown = true;
  shutdownStartedAt = Date.now();
  logger.info({ reason }, 'stopping the cluster');
  rmSync(stateFile, { force: true });
  for (const kind of ['api', 'worker'] as const) {
    await Promise.all(
      state.children
        .filter((c) => c.kind === kind)
        .map(({ name, child }) =>
          stopChild(child, 15_000, () => logger.warn(`${name} did not stop within 15 s; killing it`)),
        ),
    );
  }
  if (state.temporal) {
    await stopServer(state.temporal, 20_000);
    state.temporal = undefined;
    logger.info('Temporal server stopped');
  }
  if (state.postgres) {
    try {
      stopPostgres(settings, state.postgres.pg, state.postgres.account);
      logger.info('PostgreSQL stopped');
    } catch (err) {
      logger.error(err instanceof Error ? err.message : String(err));
      exitCode ||= 1;
    }
    state.postgres = undefined;
  }
  logger.info('all stopped');
  await new Promise((r) => setTimeout(r, 50));
  process.exit(exitCode);
}

for (const signal of ['SIGINT', 'SIGTERM', 'SIGHUP'] as const) {
  process.on(signal, () => void shutdown(signal, 0));
}
// Started with an IPC channel (the cluster test does): if that parent dies, stop everything rather than linger.
process.on('disconnect', () => void shutdown('parent exited', 0));

function fail(message: string): Promise<never> {
  logger.error(message);
  return shutdown('start-up failed', 1);
}

/** True when `pid` is a live `deploy/cluster.ts` (a stale pid file may name a pid that was reused since). */
function supervisorAlive(pid: number): boolean {
  try {
    return readFileSync(`/proc/${pid}/cmdline`, 'utf8').includes('deploy/cluster.ts');
  } catch {
    return false;
  }
}

/** One supervisor per cluster folder: a second one would stop the first one's PostgreSQL as "left over". */
function claimFolder(): void {
  mkdirSync(settings.dir, { recursive: true, mode: 0o755 });
  if (existsSync(supervisorPidFile)) {
    const pid = Number(readFileSync(supervisorPidFile, 'utf8').trim());
    if (Number.isInteger(pid) && pid > 0 && pid !== process.pid && supervisorAlive(pid)) {
      logger.error(
        `Another \`npm run cluster\` (pid ${pid}) runs on ${rel(settings.dir)}. Stop it first, or give this one another DATA_DIR or CLUSTER_DIR.`,
      );
      process.exit(1);
    }
  }
  writeFileSync(supervisorPidFile, `${process.pid}\n`);
  claimed = true;
}

/** Copies a child's output to ours, each line prefixed with its name. */
function prefixOutput(name: string, child: ChildProcess): void {
  for (const [stream, sink] of [
    [child.stdout, process.stdout],
    [child.stderr, process.stderr],
  ] as const) {
    if (!stream) continue;
    createInterface({ input: stream, crlfDelay: Infinity }).on('line', (line) =>
      sink.write(`[${name}] ${line}\n`),
    );
  }
}

/** The environment of the workers and APIs: the product's own, pointed at this cluster. */
function childEnvironment(jwtSecret: string | undefined, identityKey: string): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = { ...process.env };
  for (const name of Object.keys(env)) {
    if (name.startsWith('TEMPORAL_TLS') || name === 'TEMPORAL_API_KEY') delete env[name];
  }
  return {
    ...env,
    TEMPORAL_ADDRESS: `${settings.host}:${settings.temporal.ports.frontend}`,
    TEMPORAL_NAMESPACE: settings.product.temporal.namespace,
    TEMPORAL_TASK_QUEUE: settings.product.temporal.taskQueue,
    DATA_DIR: settings.product.dataDir,
    // Our output is a pipe to the children: keep pino-pretty when we ourselves write to a terminal.
    ...(settings.product.log.format === 'auto' && { LOG_FORMAT: process.stdout.isTTY ? 'pretty' : 'json' }),
    ...(jwtSecret !== undefined && { JWT_SECRET: jwtSecret }),
    // Every API computes the same-matter keys with one secret (IDENTITY_KEY_*, else DATA_DIR/identity-key).
    IDENTITY_KEY_SECRET: identityKey,
    IDENTITY_KEY_FILE: undefined,
  };
}

async function startChild(
  name: string,
  kind: 'api' | 'worker',
  entry: string,
  env: NodeJS.ProcessEnv,
  port?: number,
): Promise<void> {
  // Its own process group: a terminal's Ctrl-C reaches only us, and we stop the children in order.
  const { child, ready } = startNodeEntry(entry, { env, output: 'pipe', detached: true });
  state.children.push({ name, kind, child, ...(port !== undefined && { port }) });
  prefixOutput(name, child);
  child.on('exit', (code, signal) => {
    if (shuttingDown) return;
    const left = state.children.filter((c) => c.kind === kind && running(c.child)).length;
    if (left === 0) {
      void fail(`${name} exited (code ${code}, signal ${signal}) and no ${kind} is left`);
    } else {
      logger.warn(`${name} exited (code ${code}, signal ${signal}); ${left} ${kind} process(es) still run`);
    }
  });
  if (!(await ready) && !shuttingDown) await fail(`${name} exited before it was ready`);
}

async function main(): Promise<void> {
  claimFolder();
  say(`Cluster folder ${rel(settings.dir)} (PostgreSQL data ${rel(settings.postgres.dataDir)})`);

  const pg = ensurePostgres(settings.postgres.binDir, say);
  say(`PostgreSQL ${pg.major} from ${pg.binDir}`);
  const binaries = ensureTemporalServer(say);
  say(`Temporal server v${TEMPORAL_SERVER_VERSION}: ${rel(binaries.server)}`);

  const account = postgresAccount();
  const orphan = await stopOrphanedServer(settings, binaries.server);
  if (orphan) logger.warn(`stopped a Temporal server (pid ${orphan}) left running by an earlier, killed run`);
  if (postgresRunning(settings, pg, account)) {
    logger.warn('PostgreSQL was left running on this data folder by an earlier, killed run; restarting it');
    stopPostgres(settings, pg, account);
  }

  const p = settings.temporal.ports;
  const wanted: [string, number, string][] = [
    ['PostgreSQL', settings.postgres.port, 'CLUSTER_PG_PORT'],
    ...Object.entries(p).map(
      ([what, port]) =>
        [`Temporal ${what}`, port, what === 'metrics' ? 'CLUSTER_METRICS_PORT' : 'CLUSTER_TEMPORAL_PORT'] as [
          string,
          number,
          string,
        ],
    ),
    ...settings.apiPorts.map(
      (port, i) => [`API ${i + 1}`, port, 'CLUSTER_API_PORTS'] as [string, number, string],
    ),
  ];
  for (const [what, port, variable] of wanted) {
    if (await portInUse(port, settings.host)) {
      return void (await fail(
        `${what} port ${settings.host}:${port} is already in use (another cluster or npm start?). Stop that process or set ${variable}.`,
      ));
    }
  }

  const password = databasePassword(settings);
  const created = initPostgres(settings, pg, account, password);
  say(
    created
      ? `Created a PostgreSQL cluster in ${rel(settings.postgres.dataDir)} (runs as ${account.name})`
      : `Using the PostgreSQL cluster in ${rel(settings.postgres.dataDir)}`,
  );
  state.postgres = { pg, account };
  startPostgres(settings, pg, account);
  say(`PostgreSQL listens on ${settings.host}:${settings.postgres.port}`);

  for (const r of applySchemas(settings, pg, binaries.sqlTool, password)) {
    say(
      r.created
        ? `Database "${r.database}" created, schema ${r.to}`
        : r.from === r.to
          ? `Database "${r.database}" is at schema ${r.to}`
          : `Database "${r.database}" updated from schema ${r.from} to ${r.to}`,
    );
  }

  say(`Starting the Temporal server (log ${rel(settings.temporal.logFile)}) ...`);
  state.temporal = startTemporalServer(settings, binaries.server, password);
  void state.temporal.exited.then(({ code, signal }) => {
    if (!shuttingDown) {
      void fail(
        `the Temporal server exited unexpectedly (code ${code}, signal ${signal}); see ${rel(settings.temporal.logFile)}:\n${state.temporal?.output().trim() ?? ''}`,
      );
    }
  });
  const address = state.temporal.address;
  await waitForTemporal(address, { server: state.temporal, timeoutMs: 180_000 });

  const namespace = settings.product.temporal.namespace;
  const connection = await Connection.connect({ address });
  try {
    const ns = await ensureNamespace(connection, namespace, settings.temporal.retentionDays);
    say(`Namespace "${namespace}" ${ns} (retention ${settings.temporal.retentionDays} days)`);
    await waitForNamespace(connection, namespace);
    const added = await registerSearchAttributes(connection, namespace, searchAttributeRegistrations, logger);
    say(
      added.length > 0
        ? `Registered ${added.length} search attributes on "${namespace}"`
        : `All ${searchAttributeRegistrations.length} search attributes are registered on "${namespace}"`,
    );
    await waitUntilUsable(
      connection,
      namespace,
      searchAttributeRegistrations,
      ns !== 'unchanged' || added.length > 0,
    );
  } finally {
    await connection.close();
  }

  // The APIs verify tokens with the secret `npm run -s token` signs with: JWT_SECRET, else DATA_DIR/jwt-secret.
  const { auth, dataDir } = settings.product;
  const jwtSecret = auth.jwksUrl || auth.secret ? undefined : loadOrCreateJwtSecret(dataDir);
  const env = childEnvironment(jwtSecret, resolveIdentityKeySecret(settings.product).secret);
  await Promise.all(
    Array.from({ length: settings.workers }, (_, i) =>
      startChild(`worker-${i + 1}`, 'worker', 'worker.ts', env),
    ),
  );
  await Promise.all(
    settings.apiPorts.map((port, i) =>
      startChild(`api-${i + 1}`, 'api', 'api/server.ts', { ...env, API_PORT: String(port) }, port),
    ),
  );
  for (const port of settings.apiPorts) {
    const url = `${httpUrl(settings.product.api.host, port)}/readyz`;
    const notReady = await waitUntilReady(url, 60_000, () => !shuttingDown);
    if (notReady !== undefined && !shuttingDown)
      return void (await fail(`${url} is not ready after 60 s: ${notReady}`));
  }
  if (shuttingDown) return;

  const apis = state.children.filter((c) => c.kind === 'api');
  const workers = state.children.filter((c) => c.kind === 'worker');
  const summary = {
    supervisorPid: process.pid,
    postgres: { address: `${settings.host}:${settings.postgres.port}`, dataDir: settings.postgres.dataDir },
    temporal: {
      address,
      httpAddress: `${settings.host}:${p.frontendHttp}`,
      metricsUrl: `http://${settings.host}:${p.metrics}/metrics`,
      namespace,
      taskQueue: settings.product.temporal.taskQueue,
      pid: state.temporal.child.pid,
    },
    apis: apis.map((a) => ({
      name: a.name,
      url: httpUrl(settings.product.api.host, a.port!),
      pid: a.child.pid,
    })),
    workers: workers.map((w) => ({ name: w.name, pid: w.child.pid })),
    dataDir,
  };
  writeFileSync(stateFile, `${JSON.stringify(summary, null, 2)}\n`);
  const lines = [
    `Cluster ready after ${((Date.now() - startedAt) / 1000).toFixed(1)} s.`,
    `  PostgreSQL        ${summary.postgres.address}  (data ${rel(settings.postgres.dataDir)}, log ${rel(settings.postgres.logFile)})`,
    `  Temporal gRPC     ${address}  (namespace "${namespace}", task queue "${summary.temporal.taskQueue}"; HTTP ${summary.temporal.httpAddress}; log ${rel(settings.temporal.logFile)})`,
    `  Temporal metrics  ${summary.temporal.metricsUrl}  (Prometheus)`,
    ...summary.apis.map(
      (a) => `  API ${a.name.slice(4)}             ${a.url}  (pid ${a.pid}; GET /readyz, docs ${a.url}/docs)`,
    ),
    ...summary.workers.map(
      (w) => `  Worker ${w.name.slice(7)}          pid ${w.pid}  (polls "${summary.temporal.taskQueue}")`,
    ),
    ...(auth.jwksUrl
      ? []
      : [`  Tokens            npm run -s token -- ROLE [--dept CODE]  (with DATA_DIR=${rel(dataDir)})`]),
    `  State             ${rel(stateFile)}`,
    'Ctrl-C stops everything (APIs and workers, then Temporal, then PostgreSQL); the data stays for the next start.',
  ];
  process.stdout.write(`\n${lines.join('\n')}\n\n`);
}

try {
  await main();
} catch (err) {
  await fail(err instanceof Error ? err.message : String(err));
}
