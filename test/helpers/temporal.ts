/**
 * Connections, workers and environments for tests, against the servers that test/setup/global-setup.ts started.
 */
import { randomUUID } from 'node:crypto';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { Client, Connection, type ConnectionOptions } from '@temporalio/client';
import { InternalConnectionOptionsSymbol } from '@temporalio/client/lib/connection';
import { TestWorkflowEnvironment } from '@temporalio/testing';
import {
  DefaultLogger,
  NativeConnection,
  Runtime,
  Worker,
  type NativeConnectionOptions,
  type WorkerOptions,
} from '@temporalio/worker';
import { pino } from 'pino';
import { inject } from 'vitest';
import type { DataConverter } from '@temporalio/common';
import { createActivities } from '../../activities';
import { dataConverterForKeyring } from '../../config/data-converter';
import type { EncryptionCodec } from '../../config/payload-codec';
import { parseKeyList } from '../../config/payload-keys';
import {
  registerSearchAttributesOnTestServer,
  startOnFreePort,
  startTimeSkippingServer,
  stopServer,
  type ServerProcess,
} from '../../scripts/temporal-servers';
import { searchAttributeRegistrations } from '../../workflows/search-attributes';
import { serverPidDir } from '../setup/global-setup';

// Worker state changes are logged at INFO by default; tests only want to hear about problems.
try {
  Runtime.install({ logger: new DefaultLogger('WARN') });
} catch {
  // Another module of this test process installed the runtime first; keep theirs.
}

let converter: { dataConverter: DataConverter; codec: EncryptionCodec } | undefined;
/**
 * The run's data converter (the encrypting codec over the keyring global setup made), as every client and worker of
 * the product uses one. Child processes get the same keys through `PAYLOAD_KEYS` ({@link testPayloadKeys}).
 */
export function testDataConverter(): DataConverter {
  converter ??= dataConverterForKeyring({ keys: parseKeyList(inject('payloadKeys')), source: 'test run' });
  return converter.dataConverter;
}

/** The run's payload codec (the one inside {@link testDataConverter}). */
export function testPayloadCodec(): EncryptionCodec {
  testDataConverter();
  return converter!.codec;
}

/** The run's keyring as PAYLOAD_KEYS, for child processes. */
export function testPayloadKeys(): string {
  return inject('payloadKeys');
}

/** A task queue no other test uses, so tests never steal each other's tasks. */
export function uniqueTaskQueue(prefix = 'test'): string {
  return `${prefix}-${randomUUID()}`;
}

/** A client (and its connection) to the dev server; close `connection` when done. */
export async function connectDevServer(): Promise<{ client: Client; connection: Connection }> {
  const connection = await Connection.connect({ address: inject('devServerAddress') });
  return {
    client: new Client({ connection, namespace: 'default', dataConverter: testDataConverter() }),
    connection,
  };
}

/** A worker connection to the dev server; close it after the workers that use it have stopped. */
export async function connectDevServerNative(): Promise<NativeConnection> {
  return await NativeConnection.connect({ address: inject('devServerAddress') });
}

/** A silent logger for activities and apps under test. */
export const testLogger = pino({ level: 'silent' });

let dataDir: string | undefined;
/** A scratch DATA_DIR for this test process (outbox, archive), so tests never write into the repository's data/. */
export function testDataDir(): string {
  // Under the run's directory, which global teardown removes (test processes may be killed without an exit event).
  dataDir ??= mkdtempSync(path.join(inject('testRunDir'), 'data-'));
  return dataDir;
}

/**
 * A Worker that runs the prebuilt workflow bundle (no per-test webpack run) and the real activities, unless
 * `activities` replaces them.
 */
export async function createTestWorker(
  opts: { connection: NativeConnection; taskQueue: string } & Partial<
    Omit<WorkerOptions, 'connection' | 'taskQueue'>
  >,
): Promise<Worker> {
  const { connection, taskQueue, ...rest } = opts;
  return await Worker.create({
    connection,
    namespace: 'default',
    taskQueue,
    workflowBundle: { codePath: inject('workflowBundlePath') },
    dataConverter: testDataConverter(),
    activities: createActivities({
      logger: testLogger,
      dataDir: testDataDir(),
      archiveCodec: testPayloadCodec(),
    }),
    ...rest,
  });
}

/**
 * The SDK's `createFromExistingServer` always sets `supportsTimeSkipping: false` (no test service on its
 * connections, a plain Client, real-time `sleep`), and `createTimeSkipping` insists on launching the server itself
 * with a ~5 s start-up wait. This subclass builds the environment `createTimeSkipping` builds (test-service
 * connections, the TimeSkipping client that unlocks time while awaiting a result, skipping `sleep`) around a test
 * server we started and waited for ourselves. `teardown()` closes the connections and stops that server.
 */
class ExistingTimeSkippingEnvironment extends TestWorkflowEnvironment {
  private ownServer?: ServerProcess;

  static async connect(address: string, ownServer?: ServerProcess): Promise<ExistingTimeSkippingEnvironment> {
    const internal = { [InternalConnectionOptionsSymbol]: { supportsTestService: true } };
    const nativeConnection = await NativeConnection.connect({
      address,
      ...internal,
    } as NativeConnectionOptions);
    const connection = await Connection.connect({ address, ...internal } as ConnectionOptions);
    // `options` has a non-exported type; this is what the SDK's private `create` passes for a server it does not own.
    const options = {
      server: { type: 'existing' },
      client: { dataConverter: testDataConverter() },
      plugins: [],
    } as never;
    const env = new ExistingTimeSkippingEnvironment(
      Runtime.instance(),
      options,
      true,
      'existing',
      connection,
      nativeConnection,
      'default',
      address,
    );
    env.ownServer = ownServer;
    return env;
  }

  override async teardown(): Promise<void> {
    await super.teardown();
    if (this.ownServer) await stopPrivateServer(this.ownServer);
  }
}

const privateServers = new Set<ServerProcess>();
// A test process that ends without teardown must not leave its servers running (global teardown is the backstop).
process.once('exit', () => {
  for (const server of privateServers) server.child.kill('SIGKILL');
});

function pidFile(server: ServerProcess): string {
  return path.join(serverPidDir(inject('testRunDir')), String(server.child.pid));
}

async function stopPrivateServer(server: ServerProcess): Promise<void> {
  await stopServer(server, 5_000);
  privateServers.delete(server);
  rmSync(pidFile(server), { force: true });
}

/**
 * A time-skipping environment on a private test server (started here, ready in well under a second, with the
 * search attributes registered), so its clock starts at the present and moves only by this file's own skipping, and
 * no other file's workflows or timers share it. Call `teardown()` in `afterAll`; it stops the server.
 */
export async function createTimeSkippingEnv(): Promise<TestWorkflowEnvironment> {
  const server = await startOnFreePort((port) =>
    startTimeSkippingServer(inject('temporalTestServerPath'), port),
  );
  privateServers.add(server);
  writeFileSync(pidFile(server), String(server.child.pid));
  try {
    await registerSearchAttributesOnTestServer(server.address, searchAttributeRegistrations);
    return await ExistingTimeSkippingEnvironment.connect(server.address, server);
  } catch (err) {
    await stopPrivateServer(server);
    throw err;
  }
}

/** A time-skipping environment on the run's shared test server: its clock carries every earlier file's skipping. */
export async function connectSharedTimeSkippingEnv(): Promise<TestWorkflowEnvironment> {
  return await ExistingTimeSkippingEnvironment.connect(inject('timeSkippingAddress'));
}
