/**
 * Settings of `npm run cluster`: the CLUSTER_* environment variables, parsed once by zod like config/index.ts.
 * The product's own variables (DATA_DIR, TEMPORAL_NAMESPACE, TEMPORAL_TASK_QUEUE, LOG_*, JWT_*) keep their
 * meaning; TEMPORAL_ADDRESS is refused, since the cluster is the Temporal the processes use.
 */
import path from 'node:path';
import { z } from 'zod';
import { loadConfig, type Config } from '../../config';

/** The Temporal server release the cluster builds, and the Go toolchain that release needs. */
export const TEMPORAL_SERVER_VERSION = '1.32.2';
export const GO_TOOLCHAIN = 'go1.27.3';

const port = z.coerce.number().int().min(1).max(65535);

const variables = {
  CLUSTER_DIR: {
    schema: z.string().min(1).optional(),
    expected: 'a directory for the cluster (default DATA_DIR/cluster)',
  },
  CLUSTER_PG_DATA: {
    schema: z.string().min(1).optional(),
    expected: 'the PostgreSQL data directory (default CLUSTER_DIR/pg)',
  },
  CLUSTER_PG_PORT: { schema: port.default(5532), expected: 'an integer 1-65535' },
  CLUSTER_PG_BIN: {
    schema: z.string().min(1).optional(),
    expected: 'a directory holding initdb, pg_ctl and psql (default: the newest /usr/lib/postgresql/*/bin)',
  },
  CLUSTER_TEMPORAL_PORT: {
    // The next eight ports include the services' membership ports, which Temporal's PostgreSQL schema stores as
    // SMALLINT (cluster_membership.rpc_port): a port above 32767 makes the server fail at start.
    schema: port.max(32767 - 8).default(7233),
    expected:
      "the frontend gRPC port, 1-32759 (the next eight ports serve the other services; Temporal's PostgreSQL schema keeps membership ports below 32768)",
  },
  CLUSTER_METRICS_PORT: {
    schema: port.optional(),
    expected: "an integer 1-65535 (the server's Prometheus endpoint; default CLUSTER_TEMPORAL_PORT + 9)",
  },
  CLUSTER_HISTORY_SHARDS: {
    schema: z.coerce.number().int().min(1).max(16384).default(4),
    expected: 'an integer 1-16384, fixed when the cluster is created',
  },
  CLUSTER_RETENTION_DAYS: {
    schema: z.coerce.number().int().min(1).max(3650).default(30),
    expected: 'days a closed petition stays in Temporal, 1-3650',
  },
  CLUSTER_API_PORTS: {
    schema: z
      .string()
      .default('3101,3102')
      .transform((s) => s.split(',').map((p) => p.trim()))
      .pipe(
        z
          .array(z.string().regex(/^\d+$/).transform(Number).pipe(z.number().int().min(1).max(65535)))
          .min(1)
          .max(16),
      ),
    expected: 'a comma-separated list of API ports, one API process each (e.g. 3101,3102)',
  },
  CLUSTER_WORKERS: {
    schema: z.coerce.number().int().min(1).max(16).default(2),
    expected: 'the number of worker processes, 1-16',
  },
} as const;

type VariableName = keyof typeof variables;
const names = Object.keys(variables) as VariableName[];
const schema = z.object(
  Object.fromEntries(names.map((name) => [name, variables[name].schema])) as {
    [K in VariableName]: (typeof variables)[K]['schema'];
  },
);

/** Ports of the Temporal server: all four services run in one process, each with a gRPC and a membership port. */
export interface TemporalPorts {
  frontend: number;
  frontendMembership: number;
  frontendHttp: number;
  history: number;
  historyMembership: number;
  matching: number;
  matchingMembership: number;
  worker: number;
  workerMembership: number;
  metrics: number;
}

/** Everything `npm run cluster` needs to know. */
export interface ClusterSettings {
  /** The product's configuration, for what the workers and APIs share with the rest of the product. */
  product: Config;
  /** Always 127.0.0.1: a project-started cluster listens on the loopback only. */
  host: '127.0.0.1';
  dir: string;
  postgres: { dataDir: string; socketDir: string; logFile: string; port: number; binDir?: string };
  /** The role Temporal connects as; its password lives in `passwordFile` (created at first start, mode 0600). */
  database: { user: string; passwordFile: string; store: string; visibility: string };
  temporal: { ports: TemporalPorts; historyShards: number; retentionDays: number; logFile: string };
  apiPorts: number[];
  workers: number;
}

/** Thrown when a CLUSTER_* variable has a value the cluster cannot use. */
export class ClusterSettingsError extends Error {
  override name = 'ClusterSettingsError';
}

/** Parses the environment into {@link ClusterSettings}; throws {@link ClusterSettingsError} naming each bad variable. */
export function loadClusterSettings(env: NodeJS.ProcessEnv = process.env): ClusterSettings {
  if (env.TEMPORAL_ADDRESS?.trim()) {
    throw new ClusterSettingsError(
      'TEMPORAL_ADDRESS is set, but `npm run cluster` runs its own Temporal: unset it (to use an existing cluster, run `npm start` with TEMPORAL_ADDRESS instead).',
    );
  }
  const product = loadConfig(env);
  const raw: Record<string, string | undefined> = {};
  for (const name of names) {
    const value = env[name]?.trim();
    raw[name] = value === '' ? undefined : value;
  }
  const parsed = schema.safeParse(raw);
  if (!parsed.success) {
    const problems = [...new Set(parsed.error.issues.map((i) => String(i.path[0])))].map(
      (name) =>
        `${name} must be ${variables[name as VariableName].expected} (got ${JSON.stringify(raw[name])})`,
    );
    throw new ClusterSettingsError(
      `Invalid cluster configuration:\n${problems.map((p) => `  - ${p}`).join('\n')}`,
    );
  }
  const e = parsed.data;
  const dir = path.resolve(e.CLUSTER_DIR ?? path.join(product.dataDir, 'cluster'));
  const base = e.CLUSTER_TEMPORAL_PORT;
  const ports: TemporalPorts = {
    frontend: base,
    frontendMembership: base + 1,
    frontendHttp: base + 2,
    history: base + 3,
    historyMembership: base + 4,
    matching: base + 5,
    matchingMembership: base + 6,
    worker: base + 7,
    workerMembership: base + 8,
    metrics: e.CLUSTER_METRICS_PORT ?? base + 9,
  };
  const all = [...Object.values(ports), e.CLUSTER_PG_PORT, ...e.CLUSTER_API_PORTS];
  const clash = all.find((p, i) => all.indexOf(p) !== i);
  if (clash !== undefined) {
    throw new ClusterSettingsError(
      `Port ${clash} is given twice: PostgreSQL (CLUSTER_PG_PORT), Temporal (CLUSTER_TEMPORAL_PORT and the eight ports after it, CLUSTER_METRICS_PORT) and the APIs (CLUSTER_API_PORTS) need distinct ports.`,
    );
  }
  return {
    product,
    host: '127.0.0.1',
    dir,
    postgres: {
      dataDir: path.resolve(e.CLUSTER_PG_DATA ?? path.join(dir, 'pg')),
      socketDir: path.join(dir, 'pg-run'),
      logFile: path.join(dir, 'pg-run', 'postgresql.log'),
      port: e.CLUSTER_PG_PORT,
      ...(e.CLUSTER_PG_BIN !== undefined && { binDir: path.resolve(e.CLUSTER_PG_BIN) }),
    },
    database: {
      user: 'temporal',
      passwordFile: path.join(dir, 'pg-password'),
      store: 'temporal',
      visibility: 'temporal_visibility',
    },
    temporal: {
      ports,
      historyShards: e.CLUSTER_HISTORY_SHARDS,
      retentionDays: e.CLUSTER_RETENTION_DAYS,
      logFile: path.join(dir, 'temporal.log'),
    },
    apiPorts: e.CLUSTER_API_PORTS,
    workers: e.CLUSTER_WORKERS,
  };
}
