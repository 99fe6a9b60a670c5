/**
 * Starting, waiting for and stopping Temporal server processes: the dev server behind `npm start` and the test
 * setup, and the time-skipping test server. We start them ourselves instead of through the SDK's
 * `TestWorkflowEnvironment.createLocal/createTimeSkipping`, which give a server only about 5 s to come up.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { createServer } from 'node:net';
import { Connection } from '@temporalio/client';
import { TypedSearchAttributes, type SearchAttributeType } from '@temporalio/common';
import { encodeSearchAttributeIndexedValueType } from '@temporalio/common/lib/search-attributes';

/** Options for `temporal server start-dev`. */
export interface DevServerOptions {
  cli: string;
  ip: string;
  port: number;
  /** Web UI port; `undefined` runs headless. */
  uiPort?: number;
  /** SQLite file; `undefined` keeps everything in memory (lost on exit). */
  dbFile?: string;
  searchAttributes: ReadonlyArray<{ name: string; type: SearchAttributeType }>;
  namespaces?: string[];
  /**
   * The codec server the Web UI decodes payloads through (`--ui-codec-endpoint`): the API's `/codec`, so staff who
   * signed in there read petitions in the UI and everyone else sees ciphertext.
   */
  uiCodecEndpoint?: string;
  /** Server log level; `error` by default (at `warn` it reports its own system workers' shutdown as failures). */
  logLevel?: 'debug' | 'info' | 'warn' | 'error';
}

/**
 * Custom search attributes the dev server's SQLite visibility store can hold per namespace (pre-allocated
 * columns; the CLI offers no override). A real cluster on Elasticsearch has no such limit; SQL visibility on
 * PostgreSQL or MySQL has the same columns (`executions_visibility` in Temporal 1.32's schema), so the same limits.
 */
export const SQLITE_SEARCH_ATTRIBUTE_LIMITS: Readonly<Record<SearchAttributeType, number>> = {
  TEXT: 3,
  KEYWORD: 10,
  INT: 3,
  DOUBLE: 3,
  BOOL: 3,
  DATETIME: 3,
  KEYWORD_LIST: 3,
};

/** Problems that would stop a SQL visibility store from taking these search attributes (empty when they fit). */
export function searchAttributeLimitProblems(
  searchAttributes: ReadonlyArray<{ name: string; type: SearchAttributeType }>,
  store = "the dev server's SQLite visibility store",
): string[] {
  const byType = new Map<SearchAttributeType, string[]>();
  for (const { name, type } of searchAttributes) byType.set(type, [...(byType.get(type) ?? []), name]);
  return [...byType].flatMap(([type, names]) =>
    names.length > SQLITE_SEARCH_ATTRIBUTE_LIMITS[type]
      ? [
          `${names.length} search attributes of type ${TypedSearchAttributes.toMetadataType(type)} (${names.join(', ')}), ` +
            `but ${store} holds at most ${SQLITE_SEARCH_ATTRIBUTE_LIMITS[type]}`,
        ]
      : [],
  );
}

/** Arguments for `temporal server start-dev`; WAL with synchronous=NORMAL keeps commits durable across restarts. */
export function devServerArgs(o: DevServerOptions): string[] {
  const args = ['server', 'start-dev', '--ip', o.ip, '--port', String(o.port)];
  if (o.uiPort === undefined) args.push('--headless');
  else {
    args.push('--ui-port', String(o.uiPort), '--ui-disable-news-fetch');
    if (o.uiCodecEndpoint !== undefined) args.push('--ui-codec-endpoint', o.uiCodecEndpoint);
  }
  if (o.dbFile !== undefined) {
    args.push(
      '--db-filename',
      o.dbFile,
      '--sqlite-pragma',
      'journal_mode=WAL',
      '--sqlite-pragma',
      'synchronous=NORMAL',
    );
  }
  for (const { name, type } of o.searchAttributes) {
    args.push('--search-attribute', `${name}=${TypedSearchAttributes.toMetadataType(type)}`);
  }
  for (const ns of o.namespaces ?? []) args.push('--namespace', ns);
  args.push('--log-level', o.logLevel ?? 'error');
  return args;
}

/** How a server's stdout/stderr are handled: shown, dropped, or kept (the tail) for error messages. */
export type ServerOutput = 'inherit' | 'ignore' | 'capture';

/** A running server process plus a promise that settles when it exits. */
export interface ServerProcess {
  child: ChildProcess;
  address: string;
  exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
  /** The last few KB the server printed, when started with output `capture`. */
  output: () => string;
}

function spawnServer(command: string, args: string[], address: string, output: ServerOutput): ServerProcess {
  const stdio = output === 'capture' ? 'pipe' : output;
  // Not detached: the server stays in our process group, so a terminal's Ctrl-C reaches it even if we hang.
  const child = spawn(command, args, { stdio: ['ignore', stdio, stdio], detached: false });
  let tail = '';
  const keep = (chunk: Buffer): void => {
    tail = (tail + chunk.toString('utf8')).slice(-8192);
  };
  child.stdout?.on('data', keep);
  child.stderr?.on('data', keep);
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) => {
    child.once('exit', (code, signal) => resolve({ code, signal }));
    child.once('error', (err) => {
      keep(Buffer.from(`could not run ${command}: ${err.message}\n`));
      resolve({ code: null, signal: null });
    });
  });
  return { child, address, exited, output: () => tail };
}

/** Starts `temporal server start-dev`; await {@link waitForTemporal} before using it. */
export function startDevServer(o: DevServerOptions, output: ServerOutput = 'inherit'): ServerProcess {
  const problems = searchAttributeLimitProblems(o.searchAttributes);
  if (problems.length > 0) {
    throw new Error(
      `Cannot start the Temporal dev server: ${problems.join('; ')} (workflows/search-attributes.ts).`,
    );
  }
  return spawnServer(o.cli, devServerArgs(o), `${o.ip}:${o.port}`, output);
}

/**
 * Starts the Java SDK's time-skipping test server. It starts with time skipping locked, as the SDK does; the
 * TimeSkipping client unlocks it while awaiting a result. It takes only a port and listens on all interfaces.
 */
export function startTimeSkippingServer(
  testServer: string,
  port: number,
  output: ServerOutput = 'capture',
): ServerProcess {
  return spawnServer(testServer, [String(port)], `127.0.0.1:${port}`, output);
}

/**
 * Waits until the frontend at `address` answers gRPC (and, when `namespace` is given, until DescribeNamespace
 * finds it). Fails at once if `server` exits first, or after `timeoutMs`.
 */
export async function waitForTemporal(
  address: string,
  opts: {
    timeoutMs?: number;
    namespace?: string;
    server?: ServerProcess;
    connectionOptions?: Record<string, unknown>;
  } = {},
): Promise<void> {
  const deadline = Date.now() + (opts.timeoutMs ?? 60_000);
  let exited = false;
  void opts.server?.exited.then(() => (exited = true));
  let lastError: unknown;
  while (Date.now() < deadline) {
    if (exited) {
      const said = opts.server?.output().trim();
      throw new Error(`Temporal server for ${address} exited before it was ready${said ? `:\n${said}` : ''}`);
    }
    let connection: Connection | undefined;
    try {
      connection = await Connection.connect({ ...opts.connectionOptions, address, connectTimeout: 2_000 });
      if (opts.namespace) {
        await connection.withDeadline(Date.now() + 2_000, () =>
          connection!.workflowService.describeNamespace({ namespace: opts.namespace }),
        );
      }
      return;
    } catch (err) {
      lastError = err;
      await new Promise((r) => setTimeout(r, 200));
    } finally {
      await connection?.close().catch(() => undefined);
    }
  }
  const reason = lastError instanceof Error ? lastError.message : String(lastError);
  throw new Error(`Temporal at ${address} was not ready within ${opts.timeoutMs ?? 60_000} ms: ${reason}`);
}

/**
 * Registers search attributes on the time-skipping test server, which rejects upserts of unknown attributes. It
 * implements AddSearchAttributes but not ListSearchAttributes, so this adds them blindly; "already exists" is fine.
 */
export async function registerSearchAttributesOnTestServer(
  address: string,
  searchAttributes: ReadonlyArray<{ name: string; type: SearchAttributeType }>,
  namespace = 'default',
): Promise<void> {
  const encoded: Record<string, number> = {};
  for (const { name, type } of searchAttributes) encoded[name] = encodeSearchAttributeIndexedValueType(type)!;
  const connection = await Connection.connect({ address });
  try {
    await connection.operatorService.addSearchAttributes({ namespace, searchAttributes: encoded });
  } catch (err) {
    if (!/already/i.test(err instanceof Error ? err.message : String(err))) throw err;
  } finally {
    await connection.close();
  }
}

/** Stops a server: SIGTERM, then SIGKILL after `graceMs`. Resolves when it has exited. */
export async function stopServer(server: ServerProcess, graceMs = 10_000): Promise<void> {
  const { child } = server;
  if (child.exitCode !== null || child.signalCode !== null) return;
  child.kill('SIGTERM');
  const timer = setTimeout(() => child.kill('SIGKILL'), graceMs);
  await server.exited;
  clearTimeout(timer);
}

/**
 * Starts a server on a freshly picked free port and waits for it, retrying when another process took the port
 * between our pick and the server's bind.
 */
export async function startOnFreePort(
  start: (port: number) => ServerProcess,
  waitOpts: { namespace?: string; timeoutMs?: number } = {},
): Promise<ServerProcess> {
  let lastError: unknown;
  for (let attempt = 0; attempt < 3; attempt++) {
    const server = start(await freePort());
    try {
      await waitForTemporal(server.address, { ...waitOpts, server, timeoutMs: waitOpts.timeoutMs ?? 60_000 });
      return server;
    } catch (err) {
      lastError = err;
      await stopServer(server, 2_000);
    }
  }
  throw lastError;
}

/** A TCP port that is free on `host` right now. */
export async function freePort(host = '127.0.0.1'): Promise<number> {
  return await new Promise((resolve, reject) => {
    const srv = createServer();
    srv.unref();
    srv.once('error', reject);
    srv.listen(0, host, () => {
      const address = srv.address();
      const port = typeof address === 'object' && address ? address.port : 0;
      srv.close(() => resolve(port));
    });
  });
}

/** True when something already listens on host:port. */
export async function portInUse(port: number, host = '127.0.0.1'): Promise<boolean> {
  return await new Promise((resolve) => {
    const srv = createServer();
    srv.once('error', () => resolve(true));
    srv.listen(port, host, () => srv.close(() => resolve(false)));
  });
}
