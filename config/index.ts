import { accessSync, constants } from 'node:fs';
import path from 'node:path';
import { z } from 'zod';
import { KeyringError, parseKeyList, type PayloadKey, type PayloadKeyConfig } from './payload-keys';

/**
 * Every environment variable the product reads, parsed once by zod. Each entry says in words what it expects,
 * so a bad value stops start-up with a message a person can act on.
 */
const readableFile = z.string().refine(
  (p) => {
    try {
      accessSync(p, constants.R_OK);
      return true;
    } catch {
      return false;
    }
  },
  { message: 'not a readable file' },
);
const port = z.coerce.number().int().min(1).max(65535);
const bool = z
  .enum(['true', 'false', '1', '0', 'yes', 'no'])
  .transform((v) => v === 'true' || v === '1' || v === 'yes');
const nonEmpty = z.string().min(1);
/** `host:port` to listen on, or `0`/`off` for "not at all" (the same as unset). */
const listenAddress = z
  .string()
  .regex(/^(0|off|(\[[0-9a-fA-F:]+\]|[^\s:/[\]]+):\d{1,5})$/)
  .transform((v) => {
    if (v === '0' || v === 'off') return undefined;
    const at = v.lastIndexOf(':');
    return { host: v.slice(0, at).replace(/^\[(.*)\]$/, '$1'), port: Number(v.slice(at + 1)) };
  })
  .refine((a) => a === undefined || (a.port >= 1 && a.port <= 65535));

const variables = {
  TEMPORAL_ADDRESS: {
    schema: z
      .string()
      .regex(/^(\[[0-9a-fA-F:]+\]|[^\s:/[\]]+):\d{1,5}$/)
      .optional(),
    expected:
      'host:port of an existing Temporal frontend (e.g. temporal.example.com:7233), or unset for the embedded dev server',
  },
  TEMPORAL_NAMESPACE: { schema: nonEmpty.default('default'), expected: 'a namespace name' },
  TEMPORAL_TASK_QUEUE: { schema: nonEmpty.default('petitions'), expected: 'a task queue name' },
  TEMPORAL_TLS: { schema: bool.optional(), expected: 'true or false' },
  TEMPORAL_TLS_CERT_PATH: {
    schema: readableFile.optional(),
    expected: 'a path to a readable PEM client certificate',
  },
  TEMPORAL_TLS_KEY_PATH: {
    schema: readableFile.optional(),
    expected: 'a path to a readable PEM private key',
  },
  TEMPORAL_TLS_CA_PATH: {
    schema: readableFile.optional(),
    expected: 'a path to a readable PEM CA certificate',
  },
  TEMPORAL_TLS_SERVER_NAME: { schema: nonEmpty.optional(), expected: 'a TLS server name (SNI override)' },
  TEMPORAL_API_KEY: { schema: nonEmpty.optional(), expected: 'an API key' },
  TEMPORAL_PORT: { schema: port.default(7233), expected: 'an integer 1-65535' },
  TEMPORAL_UI_PORT: { schema: port.optional(), expected: 'an integer 1-65535' },
  TEMPORAL_CLI_PATH: { schema: nonEmpty.optional(), expected: 'a path to the temporal CLI binary' },
  TEMPORAL_TEST_SERVER_PATH: {
    schema: nonEmpty.optional(),
    expected: 'a path to the temporal-test-server binary',
  },
  API_HOST: { schema: nonEmpty.default('127.0.0.1'), expected: 'a host name or IP address to listen on' },
  API_PORT: { schema: port.default(3000), expected: 'an integer 1-65535' },
  DATA_DIR: { schema: nonEmpty.default('data'), expected: 'a directory path' },
  LOG_LEVEL: {
    schema: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('info'),
    expected: 'one of fatal, error, warn, info, debug, trace, silent',
  },
  LOG_FORMAT: {
    schema: z.enum(['auto', 'json', 'pretty']).default('auto'),
    expected: 'one of auto (pretty on a TTY, JSON otherwise), json, pretty',
  },
  JWT_SECRET: {
    schema: z.string().min(32).optional(),
    expected: 'an HS256 signing secret of at least 32 characters',
  },
  JWT_JWKS_URL: {
    schema: z.url({ protocol: /^https?$/ }).optional(),
    expected: 'the http(s) URL of a JWKS document (e.g. https://idp.example.com/.well-known/jwks.json)',
  },
  JWT_ISSUER: { schema: nonEmpty.optional(), expected: 'the expected `iss` claim of tokens' },
  JWT_AUDIENCE: { schema: nonEmpty.optional(), expected: 'the expected `aud` claim of tokens' },
  API_METRICS_ADDRESS: {
    schema: listenAddress.optional(),
    expected: "host:port for the API's Prometheus /metrics listener (e.g. 127.0.0.1:9465), or 0 for none",
  },
  WORKER_METRICS_ADDRESS: {
    schema: listenAddress.optional(),
    expected: "host:port for the worker's Prometheus /metrics listener (e.g. 127.0.0.1:9464), or 0 for none",
  },
  OTEL_EXPORTER_OTLP_ENDPOINT: {
    schema: z.url({ protocol: /^https?$/ }).optional(),
    expected:
      'the http(s) base URL of an OTLP/HTTP receiver (e.g. http://127.0.0.1:4318); traces go to its /v1/traces',
  },
  OTEL_SERVICE_NAME: {
    schema: nonEmpty.optional(),
    expected: 'the service name spans are exported under (default petition-api / petition-worker)',
  },
  CONSOLE_DEV_SIGN_IN: {
    schema: z.enum(['auto', 'off']).default('auto'),
    expected:
      'auto (the console offers a role picker while the embedded signing secret in DATA_DIR is in use) or off',
  },
  OIDC_ISSUER: {
    schema: z.url({ protocol: /^https?$/ }).optional(),
    expected:
      'the issuer URL of the OpenID Connect provider the console signs in with (e.g. https://idp.example.com)',
  },
  OIDC_CLIENT_ID: {
    schema: nonEmpty.optional(),
    expected: "the console's client id at the OpenID Connect provider",
  },
  OIDC_SCOPES: {
    schema: nonEmpty.default('openid profile'),
    expected: 'the scopes the console asks for, separated by spaces (must include openid)',
  },
  OIDC_ROLE_CLAIM: {
    schema: nonEmpty.default('role'),
    expected: 'the ID token claim that carries the role the console shows (e.g. role)',
  },
  OIDC_DEPT_CLAIM: {
    schema: nonEmpty.default('dept'),
    expected: 'the ID token claim that carries the department code the console shows (e.g. dept)',
  },
  OIDC_RESOURCE: {
    schema: z.url().optional(),
    expected:
      'a resource indicator (RFC 8707) the console asks its access token for, when the provider needs one',
  },
  PAYLOAD_KEYS: {
    schema: z
      .string()
      .transform((text, ctx): PayloadKey[] => {
        try {
          return parseKeyList(text);
        } catch (err) {
          if (!(err instanceof KeyringError)) throw err;
          ctx.addIssue({ code: 'custom', message: err.message });
          return z.NEVER;
        }
      })
      .optional(),
    expected:
      'payload encryption keys "id:base64key,id:base64key" (32 random bytes each; the first encrypts)',
  },
  PAYLOAD_KEY_FILE: {
    schema: readableFile.optional(),
    expected:
      'a path to a readable payload key file (JSON { "keys": [{ "id", "key" }] } or "id:base64key" lines)',
  },
  IDENTITY_KEY_SECRET: {
    schema: z.string().min(32).optional(),
    expected:
      'the secret the same-matter key of a petitioner is computed with (HMAC-SHA256), at least 32 characters',
  },
  IDENTITY_KEY_FILE: {
    schema: readableFile.optional(),
    expected: 'a path to a readable file holding that secret (at least 32 characters)',
  },
  TEMPORAL_UI_ORIGINS: {
    schema: z
      .string()
      .transform((text) =>
        text
          .split(',')
          .map((o) => o.trim())
          .filter(Boolean),
      )
      .pipe(
        z.array(z.url({ protocol: /^https?$/ }).refine((o) => new URL(o).origin === o.replace(/\/$/, ''))),
      )
      .optional(),
    expected:
      'comma-separated origins of Temporal Web UIs allowed to call the codec server, e.g. https://temporal-ui.example.gov.cn (scheme, host and port only)',
  },
  WORKER_MAX_CACHED_WORKFLOWS: {
    schema: z.coerce.number().int().min(0).max(100_000).default(2000),
    expected: 'an integer 0-100000 (open petitions a worker keeps in memory, about 170-260 KiB each)',
  },
  WORKER_WORKFLOW_BUNDLE: {
    schema: readableFile.optional(),
    expected:
      'a path to a readable workflow bundle written by `npm run worker:bundle` from this same checkout',
  },
  API_BODY_LIMIT: {
    schema: z.coerce
      .number()
      .int()
      .min(1024)
      .max(64 * 1024 * 1024)
      .default(1024 * 1024),
    expected: 'a request body limit in bytes, 1024-67108864',
  },
  API_RATE_LIMIT_MAX: {
    schema: z.coerce.number().int().min(1).default(600),
    expected: 'a positive integer (requests per window, per token or client address)',
  },
  API_RATE_LIMIT_WINDOW_MS: {
    schema: z.coerce.number().int().min(1000).default(60_000),
    expected: 'a window length in milliseconds, at least 1000',
  },
  SMTP_URL: {
    schema: z
      .string()
      .regex(/^smtps?:\/\/\S+$/)
      .optional(),
    expected: 'an smtp:// or smtps:// URL, e.g. smtp://user:pass@mail.example.com:587',
  },
  SMTP_HOST: { schema: nonEmpty.optional(), expected: 'the host name of the SMTP server' },
  SMTP_PORT: { schema: port.optional(), expected: 'an integer 1-65535' },
  SMTP_SECURE: {
    schema: bool.optional(),
    expected: 'true (implicit TLS, port 465) or false (STARTTLS when offered)',
  },
  SMTP_USER: { schema: nonEmpty.optional(), expected: 'the SMTP user name' },
  SMTP_PASS: { schema: nonEmpty.optional(), expected: 'the SMTP password' },
  SMTP_FROM: {
    schema: nonEmpty.optional(),
    expected: 'the sender of notices, e.g. "市信访局 <noreply@xfj.example.gov.cn>"',
  },
} as const;

type VariableName = keyof typeof variables;

/** The names of every environment variable the product reads (docs/configuration.md lists them all). */
export const configVariableNames = Object.keys(variables) as VariableName[];

const envSchema = z.object(
  Object.fromEntries(Object.entries(variables).map(([name, v]) => [name, v.schema])) as {
    [K in VariableName]: (typeof variables)[K]['schema'];
  },
);

/** Thrown by {@link loadConfig} when an environment variable has a value the product cannot use. */
export class ConfigError extends Error {
  override name = 'ConfigError';
  constructor(readonly problems: string[]) {
    super(
      problems.length === 1
        ? `Invalid configuration: ${problems[0]}`
        : `Invalid configuration:\n${problems.map((p) => `  - ${p}`).join('\n')}`,
    );
  }
}

/** Variables whose values must never be echoed in an error message. */
const secretVariables: ReadonlySet<string> = new Set([
  'IDENTITY_KEY_SECRET',
  'JWT_SECRET',
  'TEMPORAL_API_KEY',
  'SMTP_URL',
  'SMTP_PASS',
  'PAYLOAD_KEYS',
]);

function describeProblem(name: string, raw: string | undefined, issue?: z.core.$ZodIssue): string {
  const variable = variables[name as VariableName];
  if (!variable) return `${name} is invalid`;
  // Key list problems name the key and what is wrong with it (never the key material).
  if (name === 'PAYLOAD_KEYS' && issue?.code === 'custom') return issue.message;
  const got = secretVariables.has(name) ? `${raw?.length ?? 0} characters` : JSON.stringify(raw);
  return `${name} must be ${variable.expected} (got ${got})`;
}

/** What only several variables together can get wrong; each problem reads like one bad value. */
function combinationProblems(e: z.output<typeof envSchema>, uiPort: number): string[] {
  const problems: string[] = [];
  if (Boolean(e.TEMPORAL_TLS_CERT_PATH) !== Boolean(e.TEMPORAL_TLS_KEY_PATH)) {
    problems.push('TEMPORAL_TLS_CERT_PATH and TEMPORAL_TLS_KEY_PATH must be set together (mTLS needs both)');
  }
  if (uiPort > 65535) {
    problems.push(
      `TEMPORAL_UI_PORT must be an integer 1-65535 (TEMPORAL_PORT + 1000 = ${uiPort}; set it explicitly)`,
    );
  }
  if (uiPort === e.TEMPORAL_PORT) problems.push('TEMPORAL_UI_PORT must differ from TEMPORAL_PORT');
  if (e.JWT_SECRET && e.JWT_JWKS_URL) {
    problems.push(
      'JWT_SECRET and JWT_JWKS_URL exclude each other (tokens are verified with one or the other)',
    );
  }
  if (e.SMTP_URL && e.SMTP_HOST) {
    problems.push('SMTP_URL and SMTP_HOST exclude each other (give the server as a URL or as host and port)');
  }
  if ((e.SMTP_URL || e.SMTP_HOST) && !e.SMTP_FROM) {
    problems.push('SMTP_FROM must be set when SMTP_URL or SMTP_HOST is (the sender of notices)');
  }
  if (
    !e.SMTP_URL &&
    !e.SMTP_HOST &&
    (e.SMTP_PORT || e.SMTP_USER || e.SMTP_PASS || e.SMTP_SECURE !== undefined)
  ) {
    problems.push('SMTP_PORT, SMTP_SECURE, SMTP_USER and SMTP_PASS need SMTP_HOST');
  }
  if (e.SMTP_PASS && !e.SMTP_USER) problems.push('SMTP_PASS needs SMTP_USER');
  if (e.API_METRICS_ADDRESS?.port === e.API_PORT) {
    problems.push(
      'API_METRICS_ADDRESS must use another port than API_PORT (metrics have a listener of their own)',
    );
  }
  if (Boolean(e.OIDC_ISSUER) !== Boolean(e.OIDC_CLIENT_ID)) {
    problems.push(
      'OIDC_ISSUER and OIDC_CLIENT_ID go together (the console signs in with that provider and client)',
    );
  }
  if (e.OIDC_ISSUER && !e.JWT_JWKS_URL) {
    problems.push(
      "OIDC_ISSUER needs JWT_JWKS_URL (the provider's keys, which the API verifies its tokens with)",
    );
  }
  if (e.OIDC_ISSUER && !e.OIDC_SCOPES.split(/\s+/).includes('openid')) {
    problems.push('OIDC_SCOPES must include openid');
  }
  if (e.IDENTITY_KEY_SECRET && e.IDENTITY_KEY_FILE) {
    problems.push(
      'IDENTITY_KEY_SECRET and IDENTITY_KEY_FILE exclude each other (give the secret in one place)',
    );
  }
  if (e.PAYLOAD_KEYS && e.PAYLOAD_KEY_FILE) {
    problems.push('PAYLOAD_KEYS and PAYLOAD_KEY_FILE exclude each other (give the keys in one place)');
  }
  return problems;
}

/**
 * The environment (every variable parsed) resolved into the configuration shared by the starter, the worker and the
 * API. {@link Config} is its output type: the shape is written here once.
 */
const configSchema = envSchema.transform((e, ctx) => {
  const uiPort = e.TEMPORAL_UI_PORT ?? e.TEMPORAL_PORT + 1000;
  const problems = combinationProblems(e, uiPort);
  for (const message of problems) ctx.addIssue({ code: 'custom', message, input: e });
  if (problems.length > 0) return z.NEVER;

  // TLS is on when asked for, when any certificate is given, or with an API key (Temporal Cloud requires TLS).
  const anyTlsFile = Boolean(
    e.TEMPORAL_TLS_CERT_PATH || e.TEMPORAL_TLS_CA_PATH || e.TEMPORAL_TLS_SERVER_NAME,
  );
  const tlsOn = e.TEMPORAL_TLS ?? (anyTlsFile || Boolean(e.TEMPORAL_API_KEY));
  const dataDir = path.resolve(e.DATA_DIR);

  return {
    temporal: {
      /** gRPC address of the frontend: TEMPORAL_ADDRESS, or the embedded dev server on 127.0.0.1. */
      address: e.TEMPORAL_ADDRESS ?? `127.0.0.1:${e.TEMPORAL_PORT}`,
      /** True when no TEMPORAL_ADDRESS was given and `npm start` runs its own dev server. */
      embedded: e.TEMPORAL_ADDRESS === undefined,
      namespace: e.TEMPORAL_NAMESPACE,
      taskQueue: e.TEMPORAL_TASK_QUEUE,
      ...(tlsOn && {
        tls: {
          certPath: e.TEMPORAL_TLS_CERT_PATH,
          keyPath: e.TEMPORAL_TLS_KEY_PATH,
          caPath: e.TEMPORAL_TLS_CA_PATH,
          serverName: e.TEMPORAL_TLS_SERVER_NAME,
        },
      }),
      ...(e.TEMPORAL_API_KEY !== undefined && { apiKey: e.TEMPORAL_API_KEY }),
    },
    devServer: {
      ip: '127.0.0.1' as const,
      port: e.TEMPORAL_PORT,
      uiPort,
      dbFile: path.join(dataDir, 'temporal.sqlite'),
    },
    binaries: { cliPath: e.TEMPORAL_CLI_PATH, testServerPath: e.TEMPORAL_TEST_SERVER_PATH },
    api: { host: e.API_HOST, port: e.API_PORT },
    /**
     * How the API verifies bearer tokens: a JWKS (production), a configured HS256 secret, or (neither set) the
     * secret the embedded default keeps in `DATA_DIR/jwt-secret`.
     */
    auth: {
      ...(e.JWT_SECRET !== undefined && { secret: e.JWT_SECRET }),
      ...(e.JWT_JWKS_URL !== undefined && { jwksUrl: e.JWT_JWKS_URL }),
      ...(e.JWT_ISSUER !== undefined && { issuer: e.JWT_ISSUER }),
      ...(e.JWT_AUDIENCE !== undefined && { audience: e.JWT_AUDIENCE }),
    },
    /** Request limits of the API. */
    limits: {
      bodyLimit: e.API_BODY_LIMIT,
      rateLimitMax: e.API_RATE_LIMIT_MAX,
      rateLimitWindowMs: e.API_RATE_LIMIT_WINDOW_MS,
    },
    /**
     * E-mail for notices and escalations (SMTP_URL, or SMTP_HOST with SMTP_PORT/SECURE/USER/PASS; SMTP_FROM). Absent:
     * notices go to the file outbox under `dataDir`.
     */
    ...((e.SMTP_URL || e.SMTP_HOST) && {
      smtp: {
        ...(e.SMTP_URL !== undefined && { url: e.SMTP_URL }),
        ...(e.SMTP_HOST !== undefined && { host: e.SMTP_HOST }),
        ...(e.SMTP_PORT !== undefined && { port: e.SMTP_PORT }),
        ...(e.SMTP_SECURE !== undefined && { secure: e.SMTP_SECURE }),
        ...(e.SMTP_USER !== undefined && { user: e.SMTP_USER }),
        ...(e.SMTP_PASS !== undefined && { pass: e.SMTP_PASS }),
        from: e.SMTP_FROM!,
      },
    }),
    console: {
      devSignIn: e.CONSOLE_DEV_SIGN_IN,
      ...(e.OIDC_ISSUER &&
        e.OIDC_CLIENT_ID && {
          oidc: {
            issuer: e.OIDC_ISSUER,
            clientId: e.OIDC_CLIENT_ID,
            scopes: e.OIDC_SCOPES,
            roleClaim: e.OIDC_ROLE_CLAIM,
            deptClaim: e.OIDC_DEPT_CLAIM,
            ...(e.OIDC_RESOURCE !== undefined && { resource: e.OIDC_RESOURCE }),
          },
        }),
    },
    /**
     * Worker tuning: how many petitions stay cached in memory (about 170–260 KiB each; the rest replay on demand), and
     * a prebuilt workflow bundle (absent: the worker bundles the workflows itself at start, 10–20 s on 2 cores).
     */
    worker: {
      maxCachedWorkflows: e.WORKER_MAX_CACHED_WORKFLOWS,
      ...(e.WORKER_WORKFLOW_BUNDLE !== undefined && {
        workflowBundle: path.resolve(e.WORKER_WORKFLOW_BUNDLE),
      }),
    },
    /** Where the API and the worker serve Prometheus metrics; absent: nowhere (docs/operations.md#traces-and-metrics). */
    metrics: { api: e.API_METRICS_ADDRESS, worker: e.WORKER_METRICS_ADDRESS },
    /**
     * OpenTelemetry tracing, on only when an OTLP endpoint is configured: spans go by OTLP/HTTP (protobuf) to
     * `tracesUrl`, under `serviceName` (or each process's default name).
     */
    ...(e.OTEL_EXPORTER_OTLP_ENDPOINT !== undefined && {
      tracing: {
        tracesUrl: `${e.OTEL_EXPORTER_OTLP_ENDPOINT.replace(/\/+$/, '')}/v1/traces`,
        ...(e.OTEL_SERVICE_NAME !== undefined && { serviceName: e.OTEL_SERVICE_NAME }),
      },
    }),
    /**
     * Payload encryption keys: PAYLOAD_KEYS, or PAYLOAD_KEY_FILE, or neither (the embedded default's
     * `DATA_DIR/payload-keys.json`, created on first use). Resolved by config/payload-keys.ts `resolveKeyring`.
     */
    /**
     * The secret of the same-matter key (api/services/identity-key.ts): IDENTITY_KEY_SECRET, IDENTITY_KEY_FILE, or
     * (neither set) the embedded default's `DATA_DIR/identity-key`, created on first use.
     */
    identityKey: {
      ...(e.IDENTITY_KEY_SECRET !== undefined && { secret: e.IDENTITY_KEY_SECRET }),
      ...(e.IDENTITY_KEY_FILE !== undefined && { file: path.resolve(e.IDENTITY_KEY_FILE) }),
    },
    payloadKeys: {
      ...(e.PAYLOAD_KEYS !== undefined && { keys: e.PAYLOAD_KEYS }),
      ...(e.PAYLOAD_KEY_FILE !== undefined && { file: path.resolve(e.PAYLOAD_KEY_FILE) }),
    } as PayloadKeyConfig,
    /**
     * Origins of the Temporal Web UIs that may call the codec server (`/codec`, CORS). Default on the embedded dev
     * server: its own UI at http://127.0.0.1:UI_PORT and http://localhost:UI_PORT; elsewhere none unless
     * TEMPORAL_UI_ORIGINS.
     */
    codec: {
      allowedOrigins:
        e.TEMPORAL_UI_ORIGINS?.map((o) => o.replace(/\/$/, '')) ??
        (e.TEMPORAL_ADDRESS === undefined
          ? [`http://127.0.0.1:${uiPort}`, `http://localhost:${uiPort}`]
          : []),
    },
    dataDir,
    log: { level: e.LOG_LEVEL, format: e.LOG_FORMAT },
  };
});

/** Resolved configuration, shared by the starter, the worker and the API (the output of its schema). */
export type Config = z.output<typeof configSchema>;

/**
 * Parses the environment into a {@link Config}. Empty strings count as unset. Throws {@link ConfigError} naming
 * every bad variable and what it expects.
 */
export function loadConfig(env: NodeJS.ProcessEnv = process.env): Config {
  const raw: Record<string, string | undefined> = {};
  for (const name of configVariableNames) {
    const value = env[name]?.trim();
    raw[name] = value === '' ? undefined : value;
  }

  const parsed = configSchema.safeParse(raw);
  if (parsed.success) return parsed.data;
  // One problem per variable (its first issue); the combination problems say themselves what is wrong.
  const problems = new Map<string, string>();
  for (const issue of parsed.error.issues) {
    if (issue.path.length === 0) problems.set(issue.message, issue.message);
    else {
      const name = String(issue.path[0]);
      if (!problems.has(name)) problems.set(name, describeProblem(name, raw[name], issue));
    }
  }
  throw new ConfigError([...problems.values()]);
}

/** {@link loadConfig} for entry points: a bad value prints the reason to stderr and exits with code 1. */
export function loadConfigOrExit(env: NodeJS.ProcessEnv = process.env): Config {
  try {
    return loadConfig(env);
  } catch (err) {
    if (err instanceof ConfigError) {
      process.stderr.write(`${err.message}\n`);
      process.exit(1);
    }
    throw err;
  }
}
