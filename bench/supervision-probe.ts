/**
 * Probe for the supervision lists at scale (issue 7): a Temporal dev server on a SQLite file that is KEPT between
 * runs, seeded once with open petitions straight through the client (as section 4 of the bench seeds them with
 * `startPetitionDirect`: 20 % received 40 days ago and overdue, search attributes of the registered state, no
 * worker), then timings of the supervision lists and the visibility calls behind them against it.
 *
 *   node --import tsx bench/supervision-probe.ts seed    --dir DIR --open N [--concurrency 32] [--spread]
 *   node --import tsx bench/supervision-probe.ts measure --dir DIR [--samples 20] [--old] [--only REGEX]
 *   node --import tsx bench/supervision-probe.ts verify  --dir DIR
 *   node --import tsx bench/supervision-probe.ts serve   --dir DIR    (prints the address; runs until Ctrl-C)
 *
 * `seed` is resumable: it continues from the petitions already in DIR/temporal.sqlite (their count) up to N, with
 * the instant the first seed run chose (DIR/probe.json). `--spread` spreads the overdue petitions' receipt over a
 * year instead of one instant (every overdue petition of the bench's seed has the same due date). `measure` times,
 * interleaved, the supervision service (first and follow pages of overdue and at-risk, directly and through the
 * API's routes with `app.inject`), the visibility calls behind them and, with `--old`, the former scan (up to 2,000
 * rows in pages of 500, sorted in memory) on the same data. `verify` follows every page of the overdue and at-risk
 * lists and checks them against counts (no petition missing or repeated, most overdue first). Every server started
 * here is stopped.
 */
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { Client, Connection } from '@temporalio/client';
import { decodeTypedSearchAttributes } from '@temporalio/common/lib/converter/payload-search-attributes';
import pino from 'pino';
import { buildApp } from '../api/app';
import { mintToken } from '../api/auth/secret';
import { createSupervisionService } from '../api/services/supervision';
import { loadConfig } from '../config';
import { dataConverterForKeyring } from '../config/data-converter';
import { ephemeralKeyring } from '../config/payload-keys';
import { ensureTemporalBinaries } from '../scripts/fetch-temporal';
import { startDevServer, startOnFreePort, stopServer, type ServerProcess } from '../scripts/temporal-servers';
import { PetitionSearchAttributes as SA, searchAttributeRegistrations } from '../workflows/search-attributes';
import { BENCH_DEPARTMENTS, startPetitionDirect } from './lib/petitions';
import { Recorder } from './lib/stats';

const DAY = 86_400_000;

const { positionals, values: opts } = parseArgs({
  allowPositionals: true,
  options: {
    dir: { type: 'string' },
    open: { type: 'string', default: '20000' },
    concurrency: { type: 'string', default: '32' },
    spread: { type: 'boolean', default: false },
    samples: { type: 'string', default: '20' },
    old: { type: 'boolean', default: false },
    only: { type: 'string' },
  },
});
const command = positionals[0];
if (!opts.dir || !['seed', 'measure', 'verify', 'serve'].includes(command ?? '')) {
  process.stderr.write('usage: supervision-probe.ts seed|measure|verify|serve --dir DIR [options]\n');
  process.exit(2);
}
const dir = path.resolve(opts.dir);
mkdirSync(dir, { recursive: true });
const dbFile = path.join(dir, 'temporal.sqlite');
const metaFile = path.join(dir, 'probe.json');
const say = (line: string) => process.stderr.write(`[probe] ${line}\n`);

interface Meta {
  /** The instant the seed's receipts are relative to. */
  base: number;
  spread: boolean;
}

let server: ServerProcess | undefined;
let connection: Connection | undefined;
async function stopAll(): Promise<void> {
  await connection?.close().catch(() => undefined);
  if (server) await stopServer(server, 10_000);
  server = undefined;
}
for (const signal of ['SIGINT', 'SIGTERM'] as const) {
  process.once(signal, () => {
    say(`${signal}: stopping the server`);
    void stopAll().finally(() => process.exit(130));
  });
}

async function startServer(): Promise<Client> {
  const { cli } = ensureTemporalBinaries(process.env, say);
  server = await startOnFreePort(
    (port) =>
      startDevServer(
        { cli, ip: '127.0.0.1', port, dbFile, searchAttributes: searchAttributeRegistrations },
        'capture',
      ),
    { namespace: 'default', timeoutMs: 120_000 },
  );
  say(`dev server ${server.address} (pid ${server.child.pid}) on ${dbFile}`);
  connection = await Connection.connect({ address: server.address });
  // The probe is the only process: a throwaway keyring encrypts what it seeds.
  return new Client({
    connection,
    namespace: 'default',
    dataConverter: dataConverterForKeyring(ephemeralKeyring('probe')).dataConverter,
  });
}

const PROBE_ID = (i: number) => `XFPROBE${i.toString(36).toUpperCase().padStart(6, '0')}`;

async function seed(client: Client): Promise<void> {
  const target = Number(opts.open);
  const meta: Meta = existsSync(metaFile)
    ? (JSON.parse(readFileSync(metaFile, 'utf8')) as Meta)
    : { base: Date.now(), spread: opts.spread };
  writeFileSync(metaFile, JSON.stringify(meta));
  const have = (await client.workflow.count(`WorkflowType = 'petition'`)).count;
  say(`${have} petitions present; seeding up to ${target} (spread: ${meta.spread})`);
  let next = have;
  let done = 0;
  let errors = 0;
  const started = Date.now();
  const ticker = setInterval(() => {
    const s = (Date.now() - started) / 1000;
    say(`${have + done}/${target} (${(done / s).toFixed(1)}/s, ${errors} errors)`);
  }, 10_000);
  const loop = async () => {
    while (next < target) {
      const i = next++;
      const overdue = i % 5 === 0;
      // As bench/phases.ts: overdue ones received 40 days before the base instant, the rest within 10 minutes
      // of it. Spread: overdue ones received 16 to 380 days before it (a due date on every day of a year).
      const receivedAt = overdue
        ? meta.base - (meta.spread ? (16 + ((i / 5) % 365)) * DAY + (i % 86_400) * 1000 : 40 * DAY)
        : meta.base - (i % 600) * 1000;
      for (let attempt = 0; ; attempt++) {
        try {
          await startPetitionDirect(client, {
            id: PROBE_ID(i),
            taskQueue: 'petitions',
            department: BENCH_DEPARTMENTS[i % BENCH_DEPARTMENTS.length],
            channel: 'online',
            receivedAt: new Date(receivedAt),
          });
          done++;
          break;
        } catch (err) {
          if (err instanceof Error && /already/i.test(err.message)) break;
          errors++;
          if (attempt >= 3) throw err;
        }
      }
    }
  };
  await Promise.all(Array.from({ length: Number(opts.concurrency) }, loop));
  clearInterval(ticker);
  say(`seeded ${done} in ${((Date.now() - started) / 1000).toFixed(0)} s; waiting for visibility`);
  for (let i = 0; i < 120; i++) {
    const n = (await client.workflow.count(`WorkflowType = 'petition' AND PetitionDueAt IS NOT NULL`)).count;
    if (n >= target) break;
    await new Promise((r) => setTimeout(r, 1000));
  }
}

/** The former `overdue()`: up to 2,000 rows in pages of 500, sorted in memory (for comparison). */
async function oldOverdue(client: Client): Promise<number> {
  const query = `WorkflowType = 'petition' AND PetitionStatus = 'open' AND PetitionDueAt < '${new Date().toISOString()}'`;
  const all: Array<{ id: string; dueAt: number }> = [];
  let token: Uint8Array | undefined;
  do {
    const res = await client.workflowService.listWorkflowExecutions({
      namespace: 'default',
      query,
      pageSize: 500,
      nextPageToken: token ?? new Uint8Array(),
    });
    for (const raw of res.executions) {
      const sa = decodeTypedSearchAttributes(raw.searchAttributes?.indexedFields);
      all.push({ id: raw.execution?.workflowId ?? '', dueAt: sa.get(SA.dueAt)?.getTime() ?? 0 });
    }
    token = res.nextPageToken && res.nextPageToken.length > 0 ? res.nextPageToken : undefined;
  } while (token && all.length < 2_000);
  all.sort((a, b) => a.dueAt - b.dueAt || a.id.localeCompare(b.id));
  return all.length;
}

/** The service with a client whose visibility calls are counted. */
function countedService(client: Client) {
  const counter = { list: 0 };
  const workflowService = client.workflowService;
  const counted = {
    workflowService: {
      listWorkflowExecutions: (req: Parameters<typeof workflowService.listWorkflowExecutions>[0]) => {
        counter.list += 1;
        return workflowService.listWorkflowExecutions(req);
      },
    },
    workflow: client.workflow,
  } as unknown as Client;
  const service = createSupervisionService({
    client: counted,
    connection: connection!,
    namespace: 'default',
    rpcTimeoutMs: 30_000,
    now: () => new Date(),
  });
  return { service, counter };
}

const fmt = (ms: number) => ms.toFixed(1);

async function measure(client: Client): Promise<void> {
  const samples = Number(opts.samples);
  const only = opts.only ? new RegExp(opts.only) : undefined;
  const open = (await client.workflow.count(`WorkflowType = 'petition' AND PetitionStatus = 'open'`)).count;
  const overdueQuery = () =>
    `WorkflowType = 'petition' AND PetitionStatus = 'open' AND PetitionDueAt < '${new Date().toISOString()}'`;
  const overdue = (await client.workflow.count(overdueQuery())).count;
  say(`${open} open petitions, ${overdue} overdue`);

  const { service, counter } = countedService(client);
  const secret = 'probe-secret-probe-secret-probe-secret-0123';
  const app = await buildApp({
    config: loadConfig({ TEMPORAL_ADDRESS: server!.address }),
    logger: pino({ level: 'silent' }),
    connection: connection!,
    client,
    auth: { secret },
    limits: { rateLimitMax: 1_000_000_000 },
  });
  await app.ready();
  const supervisor = mintToken(secret, { role: 'supervisor', sub: 'probe', ttlSeconds: 3600 });
  const staff = mintToken(secret, {
    role: 'department',
    dept: BENCH_DEPARTMENTS[1],
    sub: 'probe-d',
    ttlSeconds: 3600,
  });
  const http = async (url: string, token = supervisor) => {
    const res = await app.inject({ method: 'GET', url, headers: { authorization: `Bearer ${token}` } });
    if (res.statusCode !== 200) throw new Error(`${url}: ${res.statusCode} ${res.body}`);
    return res.json() as { items: unknown[]; nextPageToken: string | null; truncated: boolean };
  };
  const follow = async (url: string, pages: number) => {
    let token: string | null = null;
    for (let p = 1; p < pages; p++) {
      token = (await http(`${url}${url.includes('?') ? '&' : '?'}${token ? `pageToken=${token}` : ''}`))
        .nextPageToken;
      if (!token) break;
    }
    return token;
  };

  // Follow pages are timed with the token of the previous page (each keeps the asOf of the first).
  const page2 = await follow('/v1/supervision/overdue', 2);
  const page5 = await follow('/v1/supervision/overdue', 5);
  const page2of100 = await follow('/v1/supervision/overdue?pageSize=100', 2);
  const withToken = (url: string, token: string | null) =>
    token ? `${url}${url.includes('?') ? '&' : '?'}pageToken=${token}` : url;

  type Op = { name: string; run: () => Promise<string> };
  const ops: Op[] = [
    {
      name: 'http overdue (default page)',
      run: async () => `${(await http('/v1/supervision/overdue')).items.length} items`,
    },
    {
      name: 'http overdue page 2',
      run: async () => `${(await http(withToken('/v1/supervision/overdue', page2))).items.length} items`,
    },
    {
      name: 'http overdue page 5',
      run: async () => `${(await http(withToken('/v1/supervision/overdue', page5))).items.length} items`,
    },
    {
      name: 'http overdue pageSize=100',
      run: async () => `${(await http('/v1/supervision/overdue?pageSize=100')).items.length} items`,
    },
    {
      name: 'http overdue pageSize=100 page 2',
      run: async () =>
        `${(await http(withToken('/v1/supervision/overdue?pageSize=100', page2of100))).items.length} items`,
    },
    {
      name: 'http overdue pageSize=500',
      run: async () => `${(await http('/v1/supervision/overdue?pageSize=500')).items.length} items`,
    },
    {
      name: `http overdue ?department=${BENCH_DEPARTMENTS[1]}`,
      run: async () =>
        `${(await http(`/v1/supervision/overdue?department=${BENCH_DEPARTMENTS[1]}`)).items.length} items`,
    },
    {
      name: 'http overdue as department staff',
      run: async () => `${(await http('/v1/supervision/overdue', staff)).items.length} items`,
    },
    {
      name: 'http at-risk P3D',
      run: async () => `${(await http('/v1/supervision/at-risk')).items.length} items`,
    },
    {
      name: 'http at-risk P30D',
      run: async () => `${(await http('/v1/supervision/at-risk?within=P30D')).items.length} items`,
    },
    {
      name: 'service overdue (default page): visibility calls',
      run: async () => {
        const before = counter.list;
        const r = await service.overdue({ pageSize: 50 }, {});
        return `${r.items.length} items, ${counter.list - before} calls`;
      },
    },
    {
      name: 'visibility: list 50 over all overdue (bench diagnostics)',
      run: async () =>
        `${(await client.workflowService.listWorkflowExecutions({ namespace: 'default', query: overdueQuery(), pageSize: 50 })).executions.length} rows`,
    },
    {
      name: 'visibility: count overdue',
      run: async () => `${(await client.workflow.count(overdueQuery())).count}`,
    },
    {
      name: 'visibility: list 1, empty range (one probe)',
      run: async () =>
        `${(await client.workflowService.listWorkflowExecutions({ namespace: 'default', query: `WorkflowType = 'petition' AND PetitionStatus = 'open' AND PetitionDueAt < '2000-01-01T00:00:00Z'`, pageSize: 1 })).executions.length} rows`,
    },
  ];
  if (opts.old)
    ops.push({
      name: 'old overdue (scan 4 x 500, sort)',
      run: async () => `${await oldOverdue(client)} items`,
    });
  const selected = ops.filter((op) => !only || only.test(op.name));
  const rec = new Recorder();
  const info = new Map<string, string>();
  // One unmeasured round (connections, JIT), then interleaved samples.
  for (const op of selected) info.set(op.name, await op.run());
  for (let i = 0; i < samples; i++) {
    for (const op of selected) info.set(op.name, await rec.time(op.name, op.run));
  }
  await app.close();
  const load = (await import('node:os')).loadavg()[0]!.toFixed(2);
  process.stdout.write(
    `\n${open} open, ${overdue} overdue; ${samples} samples each, interleaved; load average ${load}\n`,
  );
  for (const op of selected) {
    const s = rec.summary(op.name);
    process.stdout.write(
      `${op.name.padEnd(58)} p50 ${fmt(s.p50).padStart(7)}  p95 ${fmt(s.p95).padStart(7)}  max ${fmt(s.max).padStart(7)}   ${info.get(op.name)}\n`,
    );
  }
}

/** Follows every page of both lists and checks them against visibility counts. */
async function verify(client: Client): Promise<void> {
  const { service, counter } = countedService(client);
  for (const pageSize of [500, 37]) {
    const seen = new Set<string>();
    let token: string | undefined;
    let pages = 0;
    let lastDays = Infinity;
    let asOf: string | undefined;
    const before = counter.list;
    const t0 = performance.now();
    let maxCalls = 0;
    do {
      const c0 = counter.list;
      const page = await service.overdue({ pageSize, ...(token && { pageToken: token }) }, {});
      maxCalls = Math.max(maxCalls, counter.list - c0);
      asOf ??= page.asOf;
      if (page.asOf !== asOf) throw new Error('asOf changed between pages');
      for (const item of page.items) {
        if (seen.has(item.id)) throw new Error(`${item.id} repeated`);
        seen.add(item.id);
        if (item.overdueDays > lastDays) throw new Error(`order: ${item.overdueDays} after ${lastDays}`);
        lastDays = item.overdueDays;
      }
      token = page.nextPageToken ?? undefined;
      pages += 1;
    } while (token);
    const expected = (
      await client.workflow.count(
        `WorkflowType = 'petition' AND PetitionStatus = 'open' AND PetitionDueAt < '${asOf}'`,
      )
    ).count;
    process.stdout.write(
      `overdue pageSize ${pageSize}: ${seen.size} petitions in ${pages} pages (count says ${expected}), ` +
        `${counter.list - before} visibility calls, at most ${maxCalls} per page, ${fmt(performance.now() - t0)} ms\n`,
    );
    if (seen.size !== expected) throw new Error('missing petitions');
  }
  const seen = new Set<string>();
  let token: string | undefined;
  let pages = 0;
  let asOf: string | undefined;
  let until: string | undefined;
  let lastDue = -Infinity;
  do {
    const page = await service.atRisk(
      30 * 86_400_000,
      { pageSize: 500, ...(token && { pageToken: token }) },
      {},
    );
    asOf ??= page.asOf;
    until ??= page.until;
    for (const item of page.items) {
      if (seen.has(item.id)) throw new Error(`${item.id} repeated`);
      seen.add(item.id);
      const day = Math.floor((Date.parse(item.dueAt) - Date.parse(asOf)) / 86_400_000);
      if (day < lastDue) throw new Error('at-risk order');
      lastDue = day;
    }
    token = page.nextPageToken ?? undefined;
    pages += 1;
  } while (token);
  const expected = (
    await client.workflow.count(
      `WorkflowType = 'petition' AND PetitionStatus = 'open' AND PetitionDueAt >= '${asOf}' AND PetitionDueAt < '${until}'`,
    )
  ).count;
  process.stdout.write(`at-risk P30D: ${seen.size} petitions in ${pages} pages (count says ${expected})\n`);
  if (seen.size !== expected) throw new Error('missing petitions');
}

async function main(): Promise<void> {
  const client = await startServer();
  try {
    if (command === 'seed') await seed(client);
    else if (command === 'serve') {
      // For ad-hoc queries: prints the address, runs until SIGINT/SIGTERM.
      process.stdout.write(`${server!.address}\n`);
      await new Promise(() => undefined);
    } else if (command === 'verify') await verify(client);
    else await measure(client);
  } finally {
    await stopAll();
  }
}

main().catch((err: unknown) => {
  say(err instanceof Error ? (err.stack ?? err.message) : String(err));
  process.exitCode = 1;
});
