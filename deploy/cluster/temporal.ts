/**
 * Temporal on the cluster's PostgreSQL: the schemas (applied with temporal-sql-tool), the server process (all four
 * services from deploy/temporal/config.yaml), and the namespace with the product's search attributes.
 */
import { spawn, spawnSync } from 'node:child_process';
import { closeSync, existsSync, openSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { isGrpcServiceError, type Connection } from '@temporalio/client';
import type { SearchAttributeType } from '@temporalio/common';
import { msNumberToTs, tsToMs } from '@temporalio/common/lib/time';
import type { Logger } from 'pino';
import { ensureSearchAttributes } from '../../config/temporal';
import { projectRoot } from '../../scripts/fetch-temporal';
import { searchAttributeLimitProblems, type ServerProcess } from '../../scripts/temporal-servers';
import type { PostgresBinaries } from './install';
import { psql } from './postgres';
import type { ClusterSettings } from './settings';

/** The server configuration the project ships (a Go template filled from CLUSTER_* variables). */
export const serverConfigFile = path.join(projectRoot, 'deploy', 'temporal', 'config.yaml');

/** Thrown when the schemas, the server or the namespace cannot be set up. */
export class TemporalClusterError extends Error {
  override name = 'TemporalClusterError';
}

/** What was done to one database: created, schema set up, updated to a version. */
export interface SchemaResult {
  database: string;
  created: boolean;
  from: string;
  to: string;
}

/**
 * Creates Temporal's two databases when missing and brings their schemas to the newest version the tool ships
 * (`create-database`, `setup-schema -v 0.0`, `update-schema`). Idempotent: on existing databases the first two are
 * skipped or no-ops and `update-schema` applies only what is newer.
 */
export function applySchemas(
  settings: ClusterSettings,
  pg: PostgresBinaries,
  sqlTool: string,
  password: string,
): SchemaResult[] {
  const { store, visibility } = settings.database;
  const results: SchemaResult[] = [];
  for (const [database, schemaName] of [
    [store, 'postgresql/v12/temporal'],
    [visibility, 'postgresql/v12/visibility'],
  ] as const) {
    const env = {
      ...process.env,
      SQL_PLUGIN: 'postgres12',
      SQL_HOST: settings.host,
      SQL_PORT: String(settings.postgres.port),
      SQL_USER: settings.database.user,
      SQL_PASSWORD: password,
      SQL_DATABASE: database,
    };
    const tool = (args: string[]): void => {
      const result = spawnSync(sqlTool, args, { env, encoding: 'utf8' });
      if (result.status !== 0) {
        throw new TemporalClusterError(
          `temporal-sql-tool ${args.join(' ')} on database "${database}" failed:\n${`${result.stdout}${result.stderr}`.trim()}`,
        );
      }
    };
    const exists =
      psql(settings, pg, password, 'postgres', `SELECT 1 FROM pg_database WHERE datname = '${database}'`) ===
      '1';
    if (!exists) tool(['create-database']);
    const version = (): string => {
      const hasTable = psql(
        settings,
        pg,
        password,
        database,
        `SELECT to_regclass('public.schema_version') IS NOT NULL`,
      );
      return hasTable === 't'
        ? psql(settings, pg, password, database, 'SELECT curr_version FROM schema_version LIMIT 1') || '0.0'
        : 'none';
    };
    const from = version();
    tool(['setup-schema', '-v', '0.0']);
    tool(['update-schema', '--schema-name', schemaName]);
    results.push({ database, created: !exists, from, to: version() });
  }
  return results;
}

/** The environment deploy/temporal/config.yaml is rendered with. */
export function serverEnvironment(settings: ClusterSettings, password: string): NodeJS.ProcessEnv {
  const p = settings.temporal.ports;
  return {
    PATH: process.env.PATH,
    HOME: process.env.HOME,
    CLUSTER_BIND_IP: settings.host,
    CLUSTER_PG_HOST: settings.host,
    CLUSTER_PG_PORT: String(settings.postgres.port),
    CLUSTER_PG_USER: settings.database.user,
    CLUSTER_PG_PASSWORD: password,
    CLUSTER_DB: settings.database.store,
    CLUSTER_VISIBILITY_DB: settings.database.visibility,
    CLUSTER_HISTORY_SHARDS: String(settings.temporal.historyShards),
    CLUSTER_FRONTEND_PORT: String(p.frontend),
    CLUSTER_FRONTEND_MEMBERSHIP_PORT: String(p.frontendMembership),
    CLUSTER_FRONTEND_HTTP_PORT: String(p.frontendHttp),
    CLUSTER_HISTORY_PORT: String(p.history),
    CLUSTER_HISTORY_MEMBERSHIP_PORT: String(p.historyMembership),
    CLUSTER_MATCHING_PORT: String(p.matching),
    CLUSTER_MATCHING_MEMBERSHIP_PORT: String(p.matchingMembership),
    CLUSTER_WORKER_PORT: String(p.worker),
    CLUSTER_WORKER_MEMBERSHIP_PORT: String(p.workerMembership),
    CLUSTER_METRICS_PORT: String(p.metrics),
    CLUSTER_TEMPORAL_LOG_LEVEL: process.env.CLUSTER_TEMPORAL_LOG_LEVEL ?? 'warn',
  };
}

function pidFile(settings: ClusterSettings): string {
  return path.join(settings.dir, 'temporal.pid');
}

/**
 * Starts `temporal-server start` with the shipped config; its log goes to `settings.temporal.logFile`. It runs in
 * a process group of its own so that a terminal's Ctrl-C reaches only the supervisor, which stops the workers and
 * APIs before the server. Await `waitForTemporal` before using it.
 */
export function startTemporalServer(
  settings: ClusterSettings,
  server: string,
  password: string,
): ServerProcess {
  const log = openSync(settings.temporal.logFile, 'a');
  const child = spawn(server, ['--config-file', serverConfigFile, '--allow-no-auth', 'start'], {
    cwd: settings.dir,
    env: serverEnvironment(settings, password),
    stdio: ['ignore', log, log],
    detached: true,
  });
  closeSync(log);
  if (child.pid !== undefined) writeFileSync(pidFile(settings), `${child.pid}\n`);
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) => {
    child.once('exit', (code, signal) => resolve({ code, signal }));
    child.once('error', () => resolve({ code: null, signal: null }));
  });
  void exited.then(() => rmSync(pidFile(settings), { force: true }));
  const output = (): string => {
    try {
      return readFileSync(settings.temporal.logFile, 'utf8').slice(-4096);
    } catch {
      return '';
    }
  };
  return { child, address: `${settings.host}:${settings.temporal.ports.frontend}`, exited, output };
}

/**
 * Stops a Temporal server left running by an earlier supervisor that was killed hard (its pid file remains and
 * the process is still our binary). Returns its pid when it stopped one.
 */
export async function stopOrphanedServer(
  settings: ClusterSettings,
  server: string,
): Promise<number | undefined> {
  const file = pidFile(settings);
  if (!existsSync(file)) return undefined;
  const pid = Number(readFileSync(file, 'utf8').trim());
  rmSync(file, { force: true });
  if (!Number.isInteger(pid) || pid <= 0) return undefined;
  let command = '';
  try {
    command = readFileSync(`/proc/${pid}/cmdline`, 'utf8').split('\0')[0] ?? '';
  } catch {
    return undefined;
  }
  if (path.resolve(command) !== server) return undefined;
  process.kill(pid, 'SIGTERM');
  for (let i = 0; i < 150 && existsSync(`/proc/${pid}`); i++) await new Promise((r) => setTimeout(r, 100));
  if (existsSync(`/proc/${pid}`)) process.kill(pid, 'SIGKILL');
  return pid;
}

const DAY_MS = 86_400_000;
/** gRPC status codes (a table rather than an import of @grpc/grpc-js, which is not our dependency). */
const GrpcStatus = { NOT_FOUND: 5, ALREADY_EXISTS: 6 } as const;

/**
 * Registers the namespace with the configured retention, or brings an existing one's retention in line. Returns
 * what it did.
 */
export async function ensureNamespace(
  connection: Connection,
  namespace: string,
  retentionDays: number,
): Promise<'registered' | 'updated' | 'unchanged'> {
  const retentionMs = retentionDays * DAY_MS;
  try {
    const described = await connection.workflowService.describeNamespace({ namespace });
    if (tsToMs(described.config?.workflowExecutionRetentionTtl) === retentionMs) return 'unchanged';
    await connection.workflowService.updateNamespace({
      namespace,
      config: { workflowExecutionRetentionTtl: msNumberToTs(retentionMs) },
    });
    return 'updated';
  } catch (err) {
    if (!(isGrpcServiceError(err) && err.code === GrpcStatus.NOT_FOUND)) throw err;
  }
  try {
    await connection.workflowService.registerNamespace({
      namespace,
      workflowExecutionRetentionPeriod: msNumberToTs(retentionMs),
      description: 'Petitions (npm run cluster)',
    });
  } catch (err) {
    if (!(isGrpcServiceError(err) && err.code === GrpcStatus.ALREADY_EXISTS)) throw err;
  }
  return 'registered';
}

/**
 * Registers the product's search attributes on the namespace (SQL visibility: at most 10 Keyword and 3 of every
 * other type per namespace, pre-allocated columns of `executions_visibility`). Returns the names added.
 */
export async function registerSearchAttributes(
  connection: Connection,
  namespace: string,
  registrations: ReadonlyArray<{ name: string; type: SearchAttributeType }>,
  logger: Logger,
): Promise<string[]> {
  const problems = searchAttributeLimitProblems(registrations, "PostgreSQL's SQL visibility store");
  if (problems.length > 0) {
    throw new TemporalClusterError(
      `Cannot register the search attributes: ${problems.join('; ')} (workflows/search-attributes.ts).`,
    );
  }
  return await ensureSearchAttributes(connection, namespace, registrations, logger);
}

/** Retries `call` every half second until it succeeds, for at most `timeoutMs`. */
async function retryUntil(call: () => Promise<unknown>, what: string, timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    try {
      await call();
      return;
    } catch (err) {
      if (Date.now() > deadline) {
        throw new TemporalClusterError(
          `${what} after ${timeoutMs / 1000} s: ${err instanceof Error ? err.message : String(err)}`,
        );
      }
      await new Promise((r) => setTimeout(r, 500));
    }
  }
}

/**
 * Waits until the frontend's namespace cache (refreshed every `system.namespaceCacheRefreshInterval`, 2 s) knows a
 * namespace registered just now: until then the operator service answers NOT_FOUND for it.
 */
export async function waitForNamespace(
  connection: Connection,
  namespace: string,
  timeoutMs = 60_000,
): Promise<void> {
  await retryUntil(
    () => connection.operatorService.listSearchAttributes({ namespace }),
    `Namespace "${namespace}" is still unknown to the frontend`,
    timeoutMs,
  );
}

/**
 * Waits until the frontend knows the search attributes: a visibility count that names every one fails until then.
 * History and matching refresh their own namespace caches on the same 2 s period, so attributes or a namespace
 * added just now get one more period.
 */
export async function waitUntilUsable(
  connection: Connection,
  namespace: string,
  registrations: ReadonlyArray<{ name: string }>,
  justChanged: boolean,
  timeoutMs = 60_000,
): Promise<void> {
  const query = registrations.map(({ name }) => `${name} IS NULL`).join(' OR ');
  await retryUntil(
    () => connection.workflowService.countWorkflowExecutions({ namespace, query }),
    `The search attributes of "${namespace}" are still not usable`,
    timeoutMs,
  );
  if (justChanged) await new Promise((r) => setTimeout(r, 2_500));
}
