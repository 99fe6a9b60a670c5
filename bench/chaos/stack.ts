/**
 * The whole product as `npm start` runs it, in processes the chaos suite can kill: Temporal's dev server on a SQLite
 * file with WAL under a data folder of its own (scripts/temporal-servers.ts, the embedded default's flags), the
 * product's worker (worker.ts) and API (api/server.ts) as child processes configured as the embedded default
 * configures them (bench/lib/processes.ts). Each can be SIGKILLed and started again on the same port and the same
 * data. The API keeps its token secret in DATA_DIR/jwt-secret, as the embedded default does, so a backup of the data
 * folder carries it. Everything binds 127.0.0.1; `stop()` stops what is still running and removes the folder.
 */
import { mkdirSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { Client, Connection } from '@temporalio/client';
import type { StaffRole } from '../../api/auth/principal';
import { jwtSecretPath, mintToken } from '../../api/auth/secret';
import { ensureTemporalBinaries, projectRoot } from '../../scripts/fetch-temporal';
import {
  freePort,
  startDevServer,
  stopServer,
  waitForTemporal,
  type ServerProcess,
} from '../../scripts/temporal-servers';
import { searchAttributeRegistrations } from '../../workflows/search-attributes';
import { createHttpClient, type HttpClient } from '../lib/http';
import { waitFor } from '../lib/load';
import { dataConverterForKeyring } from '../../config/data-converter';
import { defaultKeyFilePath, loadOrCreateKeyFile } from '../../config/payload-keys';
import { embeddedDefaultEnv, killOnExit, spawnNode, tail, type NodeChild } from '../lib/processes';

export interface StackOptions {
  /** A data folder to start on (a restored backup); default: a fresh one inside the stack's own folder. */
  dataDir?: string;
  /** A prebuilt workflow bundle for the worker (WORKER_WORKFLOW_BUNDLE); without one each start bundles anew. */
  workflowBundle?: string;
  /** Log level of the worker and the API (their logs go to files in the stack's folder). */
  logLevel?: string;
  /** Progress lines. */
  say?: (line: string) => void;
  /** Keep the folder (data, logs) after `stop()`. */
  keep?: boolean;
  /** Name of the stack's folder under the system temp folder. */
  label?: string;
}

/** A fault or a restart, with its instant (ms since the epoch). */
export interface StackEvent {
  at: number;
  what: string;
}

export type StackProcess = 'server' | 'worker' | 'api';

export class Stack {
  readonly dir: string;
  readonly dataDir: string;
  readonly dbFile: string;
  readonly events: StackEvent[] = [];
  server: ServerProcess | undefined;
  worker: NodeChild | undefined;
  api: NodeChild | undefined;
  /**
   * Keep-alive JSON clients for the API (loopback only): one for the load and the checks, one for probes, so that
   * probes never wait for a socket behind the load. A request without an answer after 60 s counts as unanswered.
   */
  readonly http: HttpClient;
  readonly probeHttp: HttpClient;
  /** A Temporal client for the checks (histories): it reconnects by itself after a server restart. */
  readonly client: Client;
  private readonly connection: Connection;
  private readonly cli: string;
  private stopping: Promise<void> | undefined;

  private constructor(
    private readonly opts: StackOptions,
    dir: string,
    dataDir: string,
    readonly port: number,
    readonly apiPort: number,
  ) {
    this.dir = dir;
    this.dataDir = dataDir;
    this.dbFile = path.join(dataDir, 'temporal.sqlite');
    this.cli = ensureTemporalBinaries(process.env, (line) => this.say(line)).cli;
    this.http = createHttpClient(this.apiUrl, { timeoutMs: 60_000, maxSockets: 1024 });
    this.probeHttp = createHttpClient(this.apiUrl, { timeoutMs: 60_000, maxSockets: 1024 });
    this.connection = Connection.lazy({ address: this.address, connectTimeout: '5s' });
    // The embedded default's keyring in DATA_DIR (created here, before the worker and the API read it): the checks
    // read histories encrypted with it, and a backup carries it.
    const keyring = { keys: loadOrCreateKeyFile(dataDir), source: defaultKeyFilePath(dataDir) };
    this.client = new Client({
      connection: this.connection,
      namespace: 'default',
      dataConverter: dataConverterForKeyring(keyring).dataConverter,
    });
  }

  /** Starts the dev server, the worker and the API, and waits until `GET /readyz` answers 200. */
  static async start(opts: StackOptions = {}): Promise<Stack> {
    const dir = mkdtempSync(path.join(tmpdir(), `${opts.label ?? 'petition-chaos'}-`));
    const dataDir = opts.dataDir ?? path.join(dir, 'data');
    mkdirSync(dataDir, { recursive: true, mode: 0o700 });
    const stack = new Stack(opts, dir, dataDir, await freePort(), await freePort());
    try {
      await stack.startServer();
      await Promise.all([stack.startWorker(), stack.startApi()]);
      await stack.waitReady(120_000);
      return stack;
    } catch (err) {
      await stack.stop();
      throw err;
    }
  }

  get address(): string {
    return `127.0.0.1:${this.port}`;
  }

  get apiUrl(): string {
    return `http://127.0.0.1:${this.apiPort}`;
  }

  say(line: string): void {
    this.opts.say?.(line);
  }

  private mark(what: string): void {
    this.events.push({ at: Date.now(), what });
    this.say(what);
  }

  /** Starts the dev server on the stack's port and data file, as `npm start` does, and waits for its namespace. */
  async startServer(): Promise<void> {
    const server = startDevServer(
      {
        cli: this.cli,
        ip: '127.0.0.1',
        port: this.port,
        dbFile: this.dbFile,
        searchAttributes: searchAttributeRegistrations,
      },
      'capture',
    );
    killOnExit(server.child);
    this.server = server;
    await waitForTemporal(this.address, { namespace: 'default', server, timeoutMs: 90_000 });
    this.mark('Temporal dev server ready');
  }

  private spawn(name: 'worker' | 'api', entry: string): NodeChild {
    const child = spawnNode(name, entry, {
      cwd: projectRoot,
      env: embeddedDefaultEnv({
        temporalPort: this.port,
        dataDir: this.dataDir,
        apiPort: this.apiPort,
        logLevel: this.opts.logLevel ?? 'warn',
        extra: this.opts.workflowBundle ? { WORKER_WORKFLOW_BUNDLE: this.opts.workflowBundle } : {},
      }),
      logFile: path.join(this.dir, `${name}.log`),
      readyTimeoutMs: 180_000,
    });
    killOnExit(child.child);
    return child;
  }

  async startWorker(): Promise<void> {
    this.worker = this.spawn('worker', 'worker.ts');
    await this.worker.ready;
    this.mark('worker ready');
  }

  async startApi(): Promise<void> {
    this.api = this.spawn('api', 'api/server.ts');
    await this.api.ready;
    this.mark('API listening');
  }

  /** SIGKILLs one process and resolves once it is gone. */
  async kill(which: StackProcess): Promise<void> {
    const child = which === 'server' ? this.server?.child : this[which]?.child;
    if (!child || child.exitCode !== null || child.signalCode !== null)
      throw new Error(`cannot kill the ${which}: it is not running`);
    const gone = new Promise<void>((resolve) => child.once('exit', () => resolve()));
    child.kill('SIGKILL');
    await gone;
    this.mark(`${which} SIGKILLed`);
  }

  /** Starts one process again (same port, same data). */
  async restart(which: StackProcess): Promise<void> {
    if (which === 'server') await this.startServer();
    else if (which === 'worker') await this.startWorker();
    else await this.startApi();
  }

  /** Waits until `GET /readyz` answers 200: Temporal reachable, the namespace there, a worker polling. */
  async waitReady(timeoutMs = 60_000): Promise<void> {
    await waitFor(
      'the API to answer GET /readyz with 200',
      async () => (await this.http.request('GET', '/readyz')).status === 200,
      timeoutMs,
      200,
    );
  }

  /** The token signing secret the API created in DATA_DIR (the embedded default). */
  secret(): string {
    return readFileSync(jwtSecretPath(this.dataDir), 'utf8').trim();
  }

  /** A bearer token for a role, signed with the secret in DATA_DIR (as `npm run token` signs). */
  token(role: StaffRole, opts: { dept?: string; sub?: string; secret?: string } = {}): string {
    return mintToken(opts.secret ?? this.secret(), {
      role,
      sub: opts.sub ?? `chaos-${role}${opts.dept ? `-${opts.dept}` : ''}`,
      ...(opts.dept !== undefined && { dept: opts.dept }),
      ttlSeconds: 4 * 3600,
    });
  }

  /** The last lines a process wrote, for failure messages. */
  logTail(which: StackProcess): string {
    if (which === 'server') return this.server?.output() ?? '';
    return tail(path.join(this.dir, `${which}.log`));
  }

  /** Stops the API, the worker and the server (the order of `npm start`); idempotent. */
  stop(): Promise<void> {
    this.stopping ??= (async () => {
      this.http.close();
      this.probeHttp.close();
      await this.connection.close().catch(() => undefined);
      await this.api?.stop(10_000).catch(() => undefined);
      await this.worker?.stop(15_000).catch(() => undefined);
      if (this.server) await stopServer(this.server, 10_000);
      // A data folder given by the caller (a restored backup) is the caller's to remove.
      if (this.opts.keep) this.say(`kept ${this.dir} (logs${this.opts.dataDir ? '' : ' and data'})`);
      else rmSync(this.dir, { recursive: true, force: true });
    })();
    return this.stopping;
  }
}
