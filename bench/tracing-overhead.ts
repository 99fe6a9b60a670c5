/**
 * What tracing costs an action: `node --import tsx bench/tracing-overhead.ts [--petitions 50] [--rounds 2]`.
 *
 * A dev server of its own (in memory, on a free 127.0.0.1 port), then rounds that alternate tracing off and on: each
 * round starts worker.ts and api/server.ts as `npm run worker` / `npm run api` start them (tracing on: an
 * OTLP endpoint pointing at a receiver in this process that accepts and counts what arrives), registers `--petitions`
 * petitions one at a time and takes each through `forward` and `accept` (c = 1), then stops both. Prints, per mode,
 * the latency of registrations and of actions, the CPU seconds the API and the worker spent per petition, and the
 * spans received. Bounded: rounds × petitions × 3 requests, each with a 30 s timeout.
 */
import { createServer } from 'node:http';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { randomBytes } from 'node:crypto';
import { mintToken } from '../api/auth/secret';
import { configVariableNames } from '../config';
import { formatKeyList, generateKey } from '../config/payload-keys';
import { ensureTemporalBinaries, projectRoot } from '../scripts/fetch-temporal';
import { freePort, startDevServer, startOnFreePort, stopServer } from '../scripts/temporal-servers';
import { searchAttributeRegistrations } from '../workflows/search-attributes';
import { createHttpClient } from './lib/http';
import { waitFor } from './lib/load';
import { BENCH_DEPARTMENTS, registrationBody } from './lib/petitions';
import { cpuSeconds, spawnNode, type NodeChild } from './lib/processes';
import { summarize } from './lib/stats';

const { values } = parseArgs({
  options: { petitions: { type: 'string', default: '50' }, rounds: { type: 'string', default: '2' } },
});
const petitions = Number(values.petitions);
const rounds = Number(values.rounds);
if (!(petitions >= 1 && petitions <= 500 && rounds >= 1 && rounds <= 5))
  throw new Error('--petitions 1-500, --rounds 1-5');

const binaries = ensureTemporalBinaries();
const dir = mkdtempSync(path.join(tmpdir(), 'tracing-overhead-'));
const secret = randomBytes(32).toString('base64url');
// One keyring for every round's worker and API, as a deployment shares one.
const payloadKeys = formatKeyList([generateKey()]);
let spansBytes = 0;
let exports = 0;
const receiver = createServer((req, res) => {
  req.on('data', (c: Buffer) => (spansBytes += c.length));
  req.on('end', () => {
    exports++;
    res.writeHead(req.url === '/v1/traces' ? 200 : 404).end();
  });
});
await new Promise<void>((resolve) => receiver.listen(0, '127.0.0.1', resolve));
const receiverPort = (receiver.address() as { port: number }).port;

const server = await startOnFreePort(
  (port) =>
    startDevServer(
      { cli: binaries.cli, ip: '127.0.0.1', port, searchAttributes: searchAttributeRegistrations },
      'capture',
    ),
  { namespace: 'default', timeoutMs: 60_000 },
);

type Mode = 'off' | 'on';
const results: Record<
  Mode,
  { register: number[]; action: number[]; apiCpu: number; workerCpu: number; n: number }
> = {
  off: { register: [], action: [], apiCpu: 0, workerCpu: 0, n: 0 },
  on: { register: [], action: [], apiCpu: 0, workerCpu: 0, n: 0 },
};
const children: NodeChild[] = [];

async function round(mode: Mode, index: number): Promise<void> {
  const apiPort = await freePort();
  const env: NodeJS.ProcessEnv = { ...process.env };
  for (const name of [...configVariableNames, 'OTEL_EXPORTER_OTLP_ENDPOINT', 'OTEL_SERVICE_NAME'])
    delete env[name];
  Object.assign(env, {
    TEMPORAL_ADDRESS: server.address,
    // One task queue for every round, as in production: the registries' workflows live on it.
    TEMPORAL_TASK_QUEUE: 'petitions',
    DATA_DIR: path.join(dir, `data-${index}`),
    API_PORT: String(apiPort),
    JWT_SECRET: secret,
    PAYLOAD_KEYS: payloadKeys,
    API_RATE_LIMIT_MAX: '1000000',
    LOG_LEVEL: 'warn',
    LOG_FORMAT: 'json',
    ...(mode === 'on' && { OTEL_EXPORTER_OTLP_ENDPOINT: `http://127.0.0.1:${receiverPort}` }),
  });
  const spawn = (name: string, entry: string) => {
    const child = spawnNode(`${name}-${mode}-${index}`, entry, {
      cwd: projectRoot,
      env,
      logFile: path.join(dir, `${name}-${index}.log`),
    });
    children.push(child);
    return child;
  };
  const worker = spawn('worker', 'worker.ts');
  await worker.ready;
  const api = spawn('api', 'api/server.ts');
  await api.ready;
  const apiUrl = `http://127.0.0.1:${apiPort}`;
  await waitFor(
    'the API to be ready',
    async () => (await fetch(`${apiUrl}/readyz`)).status === 200,
    60_000,
    250,
  );
  const http = createHttpClient(apiUrl);
  const registrar = {
    authorization: `Bearer ${mintToken(secret, { role: 'registrar', sub: 'r', ttlSeconds: 3600 })}`,
  };
  const dept = BENCH_DEPARTMENTS[0];
  const staff = {
    authorization: `Bearer ${mintToken(secret, { role: 'department', dept, sub: 's', ttlSeconds: 3600 })}`,
  };
  const one = async (record: boolean) => {
    let t = performance.now();
    const { id } = await http.expect<{ id: string }>(
      201,
      'POST',
      '/v1/petitions',
      registrationBody(),
      registrar,
    );
    if (record) results[mode].register.push(performance.now() - t);
    for (const [action, body, headers] of [
      ['forward', { department: dept }, registrar],
      ['accept', {}, staff],
    ] as const) {
      t = performance.now();
      await http.expect(200, 'POST', `/v1/petitions/${id}/actions/${action}`, body, headers);
      if (record) results[mode].action.push(performance.now() - t);
    }
  };
  for (let i = 0; i < 5; i++) await one(false); // warm-up: bundles cached, connections open, JIT warm
  const cpu0 = { api: cpuSeconds(api.child.pid) ?? 0, worker: cpuSeconds(worker.child.pid) ?? 0 };
  for (let i = 0; i < petitions; i++) await one(true);
  results[mode].apiCpu += (cpuSeconds(api.child.pid) ?? 0) - cpu0.api;
  results[mode].workerCpu += (cpuSeconds(worker.child.pid) ?? 0) - cpu0.worker;
  results[mode].n += petitions;
  http.close();
  await api.stop(10_000);
  await worker.stop(10_000);
}

try {
  for (let r = 0; r < rounds; r++) {
    for (const mode of ['off', 'on'] as const) {
      const started = Date.now();
      await round(mode, r * 2 + (mode === 'on' ? 1 : 0));
      const m = results[mode];
      process.stderr.write(
        `round ${r + 1}/${rounds}, tracing ${mode}: ${((Date.now() - started) / 1000).toFixed(0)} s; so far ${JSON.stringify(summarize(m.action))}\n`,
      );
    }
  }
  const report = Object.fromEntries(
    (['off', 'on'] as const).map((mode) => {
      const m = results[mode];
      return [
        `tracing ${mode}`,
        {
          registrations: summarize(m.register),
          actions: summarize(m.action),
          apiCpuMsPerPetition: Math.round((m.apiCpu / m.n) * 1000 * 10) / 10,
          workerCpuMsPerPetition: Math.round((m.workerCpu / m.n) * 1000 * 10) / 10,
        },
      ];
    }),
  );
  process.stdout.write(
    `${JSON.stringify({ petitionsPerMode: results.on.n, report, otlpExports: exports, otlpBytes: spansBytes }, null, 2)}\n`,
  );
} catch (err) {
  // The logs go with the scratch folder: show the end of each first.
  for (const child of children)
    process.stderr.write(
      `--- ${child.logFile}\n${readFileSync(child.logFile, 'utf8').split('\n').slice(-20).join('\n')}\n`,
    );
  throw err;
} finally {
  for (const child of children) await child.stop(10_000).catch(() => undefined);
  await stopServer(server, 10_000);
  receiver.close();
  rmSync(dir, { recursive: true, force: true });
}
