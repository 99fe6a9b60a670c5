/**
 * Vitest global setup: real Temporal for every test file.
 *
 * - the Temporal dev server (in memory, headless, on a free 127.0.0.1 port, every search attribute registered)
 *   for the API, visibility and end-to-end tests;
 * - a shared time-skipping test server (search attributes registered). Its clock only moves forward and is shared
 *   by every file that uses it, so tests that care about dates use `createTimeSkippingEnv()` from test/helpers,
 *   which starts a private test server per environment with the binary path provided here;
 * - the workflow bundle, built once and written to a file, for Workers created with `workflowBundle: { codePath }`.
 *
 * We start the servers ourselves and wait up to 60 s for them (the SDK's own start gives them about 5 s). A missing
 * binary fails the whole run with a message; nothing is skipped. Teardown also stops any private test server a
 * test process left behind (their pid files are in `testRunDir`).
 */
import { mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { bundleWorkflowCode } from '@temporalio/worker';
import { formatKeyList, generateKey } from '../../config/payload-keys';
import { workflowBundleCodeOptions } from '../../config/workflow-bundle';
import type { TestProject } from 'vitest/node';
import { ensureTemporalBinaries } from '../../scripts/fetch-temporal';
import {
  registerSearchAttributesOnTestServer,
  startDevServer,
  startOnFreePort,
  startTimeSkippingServer,
  stopServer,
  type ServerProcess,
} from '../../scripts/temporal-servers';
import { searchAttributeRegistrations } from '../../workflows/search-attributes';

declare module 'vitest' {
  export interface ProvidedContext {
    /** host:port of the dev server (namespace `default`, all search attributes registered). */
    devServerAddress: string;
    /** host:port of the shared time-skipping server; prefer `createTimeSkippingEnv()` (a private server). */
    timeSkippingAddress: string;
    /** Absolute path of the prebuilt workflow bundle (workflows/index.ts). */
    workflowBundlePath: string;
    /** The `temporal-test-server` binary, for private time-skipping servers. */
    temporalTestServerPath: string;
    /** A scratch directory for this run, removed at teardown. */
    testRunDir: string;
    /** The run's payload keyring as PAYLOAD_KEYS (`id:base64`): every client and worker of the tests encrypts with it. */
    payloadKeys: string;
  }
}

/** Where test processes record the pids of the private test servers they start (see test/helpers/temporal.ts). */
export const serverPidDir = (testRunDir: string): string => path.join(testRunDir, 'server-pids');

function killLeftoverServers(testRunDir: string): void {
  const dir = serverPidDir(testRunDir);
  let files: string[] = [];
  try {
    files = readdirSync(dir);
  } catch {
    return;
  }
  for (const file of files) {
    const pid = Number(readFileSync(path.join(dir, file), 'utf8'));
    try {
      process.kill(pid, 'SIGKILL');
    } catch {
      // already gone
    }
  }
}

export default async function setup(project: TestProject): Promise<() => Promise<void>> {
  const started = Date.now();
  const binaries = ensureTemporalBinaries();
  const testRunDir = mkdtempSync(path.join(tmpdir(), 'petition-tests-'));
  mkdirSync(serverPidDir(testRunDir));
  const servers: ServerProcess[] = [];
  const teardown = async (): Promise<void> => {
    await Promise.all(servers.map((s) => stopServer(s, 5_000)));
    killLeftoverServers(testRunDir);
    rmSync(testRunDir, { recursive: true, force: true });
  };

  try {
    const bundling = bundleWorkflowCode({
      ...workflowBundleCodeOptions,
      logger: {
        log() {},
        trace() {},
        debug() {},
        info() {},
        warn() {},
        error: (m: string) => console.error(m),
      },
    });
    bundling.catch(() => undefined); // awaited below; this only keeps an early failure from going unhandled
    const dev = (async () => {
      const server = await startOnFreePort(
        (port) =>
          startDevServer(
            { cli: binaries.cli, ip: '127.0.0.1', port, searchAttributes: searchAttributeRegistrations },
            'capture',
          ),
        { namespace: 'default' },
      );
      servers.push(server);
      return server;
    })();
    const timeSkipping = (async () => {
      const server = await startOnFreePort((port) => startTimeSkippingServer(binaries.testServer, port));
      servers.push(server);
      await registerSearchAttributesOnTestServer(server.address, searchAttributeRegistrations);
      return server;
    })();
    // allSettled: on a failure, wait for the other start to finish so that teardown stops every server.
    const [devResult, tsResult] = await Promise.allSettled([dev, timeSkipping]);
    if (devResult.status === 'rejected') throw devResult.reason;
    if (tsResult.status === 'rejected') throw tsResult.reason;
    const bundle = await bundling;

    const workflowBundlePath = path.join(testRunDir, 'workflow-bundle.js');
    writeFileSync(workflowBundlePath, bundle.code);

    project.provide('devServerAddress', devResult.value.address);
    project.provide('timeSkippingAddress', tsResult.value.address);
    project.provide('workflowBundlePath', workflowBundlePath);
    project.provide('temporalTestServerPath', binaries.testServer);
    project.provide('testRunDir', testRunDir);
    project.provide('payloadKeys', formatKeyList([generateKey()]));
    console.log(
      `[global-setup] dev server ${devResult.value.address}, time-skipping ${tsResult.value.address}, ` +
        `bundle ${Math.round(bundle.code.length / 1024)} KB, ready in ${((Date.now() - started) / 1000).toFixed(1)} s`,
    );
  } catch (err) {
    await teardown();
    throw err;
  }
  return teardown;
}
