/**
 * The measurements of `npm run bench`, one function per section of the results. Each is bounded in count and time.
 */
import { randomBytes } from 'node:crypto';
import { setTimeout as sleep } from 'node:timers/promises';
import type { Client } from '@temporalio/client';
import { mintToken } from '../api/auth/secret';
import type { StaffRole } from '../api/auth/principal';
import { petitionWorkflowId } from '../workflows/messages';
import { baselineUpdate, type baseline } from './baseline-workflow';
import { BASELINE_TASK_QUEUE, PETITION_TASK_QUEUE, type BenchEnvironment } from './lib/environment';
import { historyCost, type HistoryCost } from './lib/history';
import { createHttpClient, type HttpClient } from './lib/http';
import { closedLoop, describeError, waitFor, type LoadResult } from './lib/load';
import {
  BENCH_DEPARTMENTS,
  definitionSnapshotBytes,
  registrationBody,
  startPetitionDirect,
} from './lib/petitions';
import type { NodeChild } from './lib/processes';
import { progress } from './lib/progress';
import { Recorder, round, slope, summarize, type LatencySummary } from './lib/stats';

export interface Settings {
  mode: 'quick' | 'full';
  levels: number[];
  phaseSeconds: number;
  warmupSeconds: number;
  /** Upper bound of operations in one measured phase (keeps every loop bounded in count). */
  maxOpsPerPhase: number;
  open: number;
  seedConcurrency: number;
  overdueFraction: number;
  seedTimeoutSeconds: number;
  querySamples: number;
  memPetitions: number;
  idempotencyKeys: boolean;
  /**
   * Seed with the worker running and wait until it has run every seeded petition (the product as deployed).
   * Default: stop the worker first and start each petition with the search attributes its first workflow task
   * would publish (bench/lib/petitions.ts), so the queries are measured on the visibility store alone.
   */
  seedWithWorker: boolean;
  logLevel: string;
}

export interface Throughput {
  count: number;
  /**
   * Operations per second. For starts and registrations, counted until the worker has also run the first workflow
   * task of every one (phase time + `drainMs`): answering before the worker has run it must not pass for throughput.
   */
  perSecond: number;
  /** Starts and registrations: operations per second as the client saw them answered (phase time only). */
  clientPerSecond?: number;
  /** Starts and registrations: how long the worker took, after the phase, to run the first task of all of them. */
  drainMs?: number;
  errors: number;
  errorSamples: Record<string, number>;
  latencyMs: LatencySummary;
}

const tput = (r: LoadResult, latency: LatencySummary, drainMs?: number): Throughput => ({
  count: r.ops,
  perSecond: round(drainMs === undefined ? r.perSecond : r.ops / ((r.elapsedMs + drainMs) / 1000)),
  ...(drainMs !== undefined && { clientPerSecond: round(r.perSecond), drainMs: Math.round(drainMs) }),
  errors: r.errors,
  errorSamples: r.errorSamples,
  latencyMs: latency,
});

/**
 * Waits until the worker has run the first workflow task of the workflows just started (a query is answered only
 * after it; the task queue is served in order, so the last few started are the last to run) and returns how long that
 * took after the phase ended.
 */
async function drainStarts(client: Client, ids: string[], query: string): Promise<number> {
  const from = performance.now();
  await Promise.all(
    ids.slice(-8).map((id) =>
      waitFor(
        `the worker to run the first task of ${id}`,
        async () => {
          await client.workflow.getHandle(id).query(query);
          return true;
        },
        300_000,
        50,
      ),
    ),
  );
  return performance.now() - from;
}

export interface Context {
  env: BenchEnvironment;
  settings: Settings;
  http: HttpClient;
  runTag: string;
  tokens: {
    registrar: string;
    supervisor: string;
    department(code: string): string;
    superior(code: string): string;
  };
}

export function createContext(env: BenchEnvironment, settings: Settings): Context {
  const mint = (role: StaffRole, sub: string, dept?: string) =>
    mintToken(env.jwtSecret, { role, sub, ...(dept !== undefined && { dept }), ttlSeconds: 6 * 3600 });
  const deptTokens = new Map<string, string>();
  const superiorTokens = new Map<string, string>();
  return {
    env,
    settings,
    http: createHttpClient(env.apiUrl, { timeoutMs: 30_000 }),
    runTag: randomBytes(3).toString('hex'),
    tokens: {
      registrar: mint('registrar', 'bench-registrar'),
      supervisor: mint('supervisor', 'bench-supervisor'),
      department(code) {
        let t = deptTokens.get(code);
        if (!t) deptTokens.set(code, (t = mint('department', `bench-staff-${code}`, code)));
        return t;
      },
      superior(code) {
        let t = superiorTokens.get(code);
        if (!t) superiorTokens.set(code, (t = mint('superior', `bench-superior-${code}`, code)));
        return t;
      },
    },
  };
}

const auth = (token: string): Record<string, string> => ({ authorization: `Bearer ${token}` });

/** CPU of every process over `fn`. */
export async function metered<T>(
  ctx: Context,
  fn: () => Promise<T>,
): Promise<{ result: T; cpu: ReturnType<BenchEnvironment['cpu']['since']> }> {
  const from = ctx.env.cpu.snapshot();
  const result = await fn();
  return { result, cpu: ctx.env.cpu.since(from) };
}

// ---------------------------------------------------------------------------------------------------------------
// 1. Baseline: start → one Update → complete, straight through the client.

export interface BaselineLevel {
  concurrency: number;
  /** Workflows started per second (client.workflow.start). */
  starts: Throughput;
  /** Updates per second; each completes its workflow, so this is also workflows completed per second. */
  updates: Throughput;
  /** Whole start → update → complete cycles per second, from the two phases (1 / (1/starts + 1/updates)). */
  workflowsPerSecond: number;
  cpu: { starts: unknown; updates: unknown };
}

async function baselineStarts(
  ctx: Context,
  concurrency: number,
  seconds: number,
  label: string,
): Promise<{ result: LoadResult; latency: Recorder; ids: string[] }> {
  const latency = new Recorder();
  const ids: string[] = [];
  const result = await closedLoop({
    label,
    concurrency,
    durationMs: seconds * 1000,
    maxOps: ctx.settings.maxOpsPerPhase,
    unit: 'starts',
    op: async (i) => {
      const id = `bl-${ctx.runTag}-${label.replace(/\W+/g, '')}-${i}`;
      await latency.time('start', () =>
        ctx.env.client.workflow.start<typeof baseline>('baseline', {
          taskQueue: BASELINE_TASK_QUEUE,
          workflowId: id,
          args: [{ id, note: '经调查，供暖温度符合标准。' }],
        }),
      );
      ids.push(id);
    },
  });
  return { result, latency, ids };
}

async function baselineUpdates(
  ctx: Context,
  ids: string[],
  concurrency: number,
  seconds: number,
  label: string,
): Promise<{ result: LoadResult; latency: Recorder }> {
  const latency = new Recorder();
  const result = await closedLoop({
    label,
    concurrency,
    durationMs: seconds * 1000,
    maxOps: Math.min(ids.length, ctx.settings.maxOpsPerPhase),
    unit: 'updates',
    op: async (i) => {
      const id = ids[i];
      if (id === undefined) return false;
      await latency.time('update', () =>
        ctx.env.client.workflow.getHandle(id).executeUpdate(baselineUpdate, { args: [{ value: 'done' }] }),
      );
    },
  });
  return { result, latency };
}

export async function measureBaseline(ctx: Context, concurrency: number): Promise<BaselineLevel> {
  const s = ctx.settings;
  const starts = await metered(ctx, async () => {
    const r = await baselineStarts(ctx, concurrency, s.phaseSeconds, `baseline c=${concurrency} starts`);
    return { ...r, drainMs: await drainStarts(ctx.env.client, r.ids, '__temporal_workflow_metadata') };
  });
  const updates = await metered(ctx, () =>
    baselineUpdates(ctx, starts.result.ids, concurrency, s.phaseSeconds, `baseline c=${concurrency} updates`),
  );
  const sp = starts.result.result.perSecond;
  const up = updates.result.result.perSecond;
  return {
    concurrency,
    starts: tput(starts.result.result, starts.result.latency.summary(), starts.result.drainMs),
    updates: tput(updates.result.result, updates.result.latency.summary()),
    workflowsPerSecond: round(sp > 0 && up > 0 ? 1 / (1 / sp + 1 / up) : 0),
    cpu: { starts: starts.cpu, updates: updates.cpu },
  };
}

export async function warmBaseline(ctx: Context): Promise<void> {
  const w = await baselineStarts(ctx, 4, ctx.settings.warmupSeconds, 'baseline warm-up starts');
  await drainStarts(ctx.env.client, w.ids, '__temporal_workflow_metadata');
  await baselineUpdates(ctx, w.ids, 4, ctx.settings.warmupSeconds * 2, 'baseline warm-up updates');
}

// ---------------------------------------------------------------------------------------------------------------
// 2. Our path: registrations and actions through HTTP.

export const ACTION_SEQUENCE: ReadonlyArray<{ action: string; body: Record<string, unknown> }> = [
  { action: 'accept', body: {} },
  { action: 'opinion', body: { outcome: 'support', text: '经调查，情况属实，已责成供热单位整改。' } },
  { action: 'reply', body: {} },
];

export interface ApiLevel {
  concurrency: number;
  registrations: Throughput;
  actions: Throughput & { byAction: Record<string, LatencySummary> };
  cpu: { registrations: unknown; actions: unknown };
}

interface Registered {
  id: string;
  department: string;
}

async function apiRegistrations(
  ctx: Context,
  concurrency: number,
  seconds: number,
  label: string,
): Promise<{ result: LoadResult; latency: Recorder; petitions: Registered[] }> {
  const latency = new Recorder();
  const petitions: Registered[] = [];
  const result = await closedLoop({
    label,
    concurrency,
    durationMs: seconds * 1000,
    maxOps: ctx.settings.maxOpsPerPhase,
    unit: 'registrations',
    op: async (i) => {
      const department = BENCH_DEPARTMENTS[i % 3]!;
      const headers = {
        ...auth(ctx.tokens.registrar),
        ...(ctx.settings.idempotencyKeys && { 'idempotency-key': `${ctx.runTag}-${label}-${i}` }),
      };
      const body = await latency.time('POST /v1/petitions', () =>
        ctx.http.expect<{ id: string; step: string }>(
          201,
          'POST',
          '/v1/petitions',
          registrationBody({ department }),
          headers,
        ),
      );
      if (body.step !== 'accept-notice')
        throw new Error(`registered at step ${body.step}, expected accept-notice`);
      petitions.push({ id: body.id, department });
    },
  });
  return { result, latency, petitions };
}

async function apiActions(
  ctx: Context,
  petitions: Registered[],
  concurrency: number,
  seconds: number,
  label: string,
): Promise<{ result: LoadResult; latency: Recorder }> {
  const latency = new Recorder();
  const result = await closedLoop({
    label,
    concurrency,
    durationMs: seconds * 1000,
    maxOps: Math.min(petitions.length, ctx.settings.maxOpsPerPhase),
    unit: 'actions',
    op: async (i) => {
      const p = petitions[i];
      if (!p) return false;
      const token = ctx.tokens.department(p.department);
      let done = 0;
      for (const { action, body } of ACTION_SEQUENCE) {
        const headers = {
          ...auth(token),
          ...(ctx.settings.idempotencyKeys && { 'idempotency-key': `${p.id}-${action}` }),
        };
        await latency.time(action, () =>
          ctx.http.expect(200, 'POST', `/v1/petitions/${p.id}/actions/${action}`, body, headers),
        );
        done += 1;
      }
      return done;
    },
  });
  return { result, latency };
}

export async function measureApi(
  ctx: Context,
  concurrency: number,
): Promise<ApiLevel & { petitions: Registered[] }> {
  const s = ctx.settings;
  const reg = await metered(ctx, async () => {
    const r = await apiRegistrations(ctx, concurrency, s.phaseSeconds, `api c=${concurrency} registrations`);
    const ids = r.petitions.map((p) => petitionWorkflowId(p.id));
    return { ...r, drainMs: await drainStarts(ctx.env.client, ids, '__temporal_workflow_metadata') };
  });
  const act = await metered(ctx, () =>
    apiActions(ctx, reg.result.petitions, concurrency, s.phaseSeconds, `api c=${concurrency} actions`),
  );
  const byAction: Record<string, LatencySummary> = {};
  for (const name of act.result.latency.names()) byAction[name] = act.result.latency.summary(name);
  return {
    concurrency,
    registrations: tput(reg.result.result, reg.result.latency.summary(), reg.result.drainMs),
    actions: { ...tput(act.result.result, act.result.latency.summary()), byAction },
    cpu: { registrations: reg.cpu, actions: act.cpu },
    petitions: reg.result.petitions,
  };
}

export async function warmApi(ctx: Context): Promise<void> {
  const w = await apiRegistrations(ctx, 4, ctx.settings.warmupSeconds, 'api warm-up registrations');
  await drainStarts(
    ctx.env.client,
    w.petitions.map((p) => petitionWorkflowId(p.id)),
    '__temporal_workflow_metadata',
  );
  await apiActions(ctx, w.petitions, 4, ctx.settings.warmupSeconds * 2, 'api warm-up actions');
}

// ---------------------------------------------------------------------------------------------------------------
// 4. Supervision at scale.

export interface SupervisionResult {
  /** Whether the worker ran during seeding and querying (see Settings.seedWithWorker). */
  workerRunning: boolean;
  seeded: number;
  seedErrors: number;
  seedErrorSamples: Record<string, number>;
  /** Starts accepted by the server per second (client side). */
  seedStartsPerSecond: number;
  /** With the worker running: seeded petitions whose first workflow task it had run, per second from the first start. */
  seedProcessedPerSecond: number | null;
  seedSeconds: number;
  /** Seeded petitions visible with a due date when the queries began. */
  visible: number;
  openPetitions: number;
  overduePetitions: number;
  overdueQuery: LatencySummary & { items: number; truncated: boolean };
  filteredList: LatencySummary & { items: number; query: string };
  /**
   * Where the overdue query's time goes: the visibility calls it makes, timed straight through the client with its
   * query (`PetitionStatus = 'open' AND PetitionDueAt < now`), p50 over a few samples.
   */
  visibility: {
    query: string;
    countMs: number;
    firstPage50Ms: number;
    firstPage500Ms: number;
    scan4x500Ms: number;
    pagesScanned: number;
  };
  cpu: { seed: unknown; queries: unknown };
}

async function visibilityDiagnostics(
  ctx: Context,
  samples: number,
): Promise<SupervisionResult['visibility']> {
  const client = ctx.env.client;
  const query = `WorkflowType = 'petition' AND PetitionStatus = 'open' AND PetitionDueAt < '${new Date().toISOString()}'`;
  const r = new Recorder();
  const page = (pageSize: number, token?: Uint8Array) =>
    client.workflowService.listWorkflowExecutions({
      namespace: 'default',
      query,
      pageSize,
      nextPageToken: token ?? new Uint8Array(),
    });
  let pagesScanned = 0;
  for (let i = 0; i < samples; i++) {
    await r.time('count', () => client.workflow.count(query));
    await r.time('page50', () => page(50));
    await r.time('page500', () => page(500));
    await r.time('scan', async () => {
      let token: Uint8Array | undefined;
      let pages = 0;
      do {
        const res = await page(500, token);
        token = res.nextPageToken && res.nextPageToken.length > 0 ? res.nextPageToken : undefined;
        pages += 1;
      } while (token && pages < 4);
      pagesScanned = pages;
    });
  }
  return {
    query,
    countMs: r.summary('count').p50,
    firstPage50Ms: r.summary('page50').p50,
    firstPage500Ms: r.summary('page500').p50,
    scan4x500Ms: r.summary('scan').p50,
    pagesScanned,
  };
}

export async function measureSupervision(ctx: Context): Promise<SupervisionResult> {
  const s = ctx.settings;
  const client = ctx.env.client;
  const now = Date.now();
  const overdueEvery = s.overdueFraction > 0 ? Math.max(1, Math.round(1 / s.overdueFraction)) : 0;
  if (!s.seedWithWorker) {
    progress.say(
      'stopping the worker: the supervision queries read the visibility store only (settled point 5)',
    );
    await ctx.env.worker.stop(15_000);
  }
  const seedStarted = performance.now();
  const visibleQuery = `WorkflowType = 'petition' AND PetitionChannel = 'online' AND PetitionDueAt IS NOT NULL`;
  const seed = await metered(ctx, async () => {
    const starts = await closedLoop({
      label: `seeding ${s.open} open petitions (client, concurrency ${s.seedConcurrency})`,
      concurrency: s.seedConcurrency,
      durationMs: s.seedTimeoutSeconds * 1000,
      maxOps: s.open,
      unit: 'starts',
      op: async (i) => {
        const overdue = overdueEvery > 0 && i % overdueEvery === 0;
        await startPetitionDirect(client, {
          id: `XFSEED${ctx.runTag}${i.toString(36).padStart(4, '0')}`,
          taskQueue: PETITION_TASK_QUEUE,
          department: BENCH_DEPARTMENTS[i % BENCH_DEPARTMENTS.length],
          channel: 'online',
          // Overdue ones were received 40 days ago (their 15-day acceptance deadline has passed); the rest today.
          receivedAt: new Date(overdue ? now - 40 * 86_400_000 : now - (i % 600) * 1000),
        });
      },
    });
    const startsSeconds = (performance.now() - seedStarted) / 1000;
    let visible = 0;
    const ticker = progress.start(
      s.seedWithWorker
        ? 'waiting for the worker to run every seeded petition'
        : 'waiting for visibility to show every seeded petition',
      () => ({ done: visible, errors: 0, unit: 'petitions', total: starts.ops }),
    );
    try {
      const deadline = seedStarted + s.seedTimeoutSeconds * 1000 + (s.seedWithWorker ? 0 : 120_000);
      while (performance.now() < deadline) {
        visible = (await client.workflow.count(visibleQuery)).count;
        if (visible >= starts.ops) break;
        await sleep(1000);
      }
    } finally {
      ticker.stop();
    }
    return { starts, startsSeconds, visible };
  });
  const seedSeconds = (performance.now() - seedStarted) / 1000;
  const { starts, startsSeconds, visible } = seed.result;
  if (visible < starts.ops)
    progress.say(
      `only ${visible} of ${starts.ops} seeded petitions are visible with a due date; measuring anyway`,
    );

  const openPetitions = (await client.workflow.count(`WorkflowType = 'petition' AND PetitionStatus = 'open'`))
    .count;
  const overduePetitions = (
    await client.workflow.count(
      `WorkflowType = 'petition' AND PetitionStatus = 'open' AND PetitionDueAt < '${new Date().toISOString()}'`,
    )
  ).count;
  progress.say(`${openPetitions} open petitions, ${overduePetitions} of them overdue; querying`);

  const queries = await metered(ctx, async () => {
    const headers = auth(ctx.tokens.supervisor);
    const overdue = new Recorder();
    let items = 0;
    let truncated = false;
    const listPath = `/v1/petitions?department=${BENCH_DEPARTMENTS[1]}&status=open`;
    const list = new Recorder();
    let listItems = 0;
    // One unmeasured call of each first (connection, JIT), then alternate so both see the same conditions.
    await ctx.http.expect(200, 'GET', '/v1/supervision/overdue', undefined, headers);
    await ctx.http.expect(200, 'GET', listPath, undefined, headers);
    const ticker = progress.start('overdue query and filtered list', () => ({
      done: overdue.get('q').length + list.get('q').length,
      errors: 0,
      unit: 'requests',
      total: 2 * s.querySamples,
    }));
    try {
      for (let i = 0; i < s.querySamples; i++) {
        const o = await overdue.time('q', () =>
          ctx.http.expect<{ items: unknown[]; truncated: boolean }>(
            200,
            'GET',
            '/v1/supervision/overdue',
            undefined,
            headers,
          ),
        );
        items = o.items.length;
        truncated = o.truncated;
        const l = await list.time('q', () =>
          ctx.http.expect<{ items: unknown[] }>(200, 'GET', listPath, undefined, headers),
        );
        listItems = l.items.length;
      }
    } finally {
      ticker.stop();
    }
    return {
      overdueQuery: { ...overdue.summary('q'), items, truncated },
      filteredList: { ...list.summary('q'), items: listItems, query: listPath },
      visibility: await visibilityDiagnostics(ctx, Math.min(5, s.querySamples)),
    };
  });

  return {
    workerRunning: s.seedWithWorker,
    seeded: starts.ops,
    seedErrors: starts.errors,
    seedErrorSamples: starts.errorSamples,
    seedStartsPerSecond: round(starts.ops / startsSeconds),
    seedProcessedPerSecond: s.seedWithWorker ? round(visible / seedSeconds) : null,
    seedSeconds: round(seedSeconds, 1),
    visible,
    openPetitions,
    overduePetitions,
    ...queries.result,
    cpu: { seed: seed.cpu, queries: queries.cpu },
  };
}

// ---------------------------------------------------------------------------------------------------------------
// 5. Cost per petition.

export interface LifecycleCost extends HistoryCost {
  actions: string[];
  /**
   * Bytes of the workflow's start input as registration sent it (the shipped definition by reference), and the
   * size a definition snapshot adds when a petition follows a published definition instead.
   */
  startInputBytes: { total: number; definition: number };
  /** History after registration + accept, opinion, reply through HTTP (what the measured path leaves behind). */
  afterReply: { events: number; bytes: number };
}

/** One whole statutory lifecycle through HTTP, then its history. */
export async function measureLifecycle(ctx: Context): Promise<LifecycleCost> {
  const dept = BENCH_DEPARTMENTS[1]; // district-housing: superior district-gov, whose superior is city-gov
  const registered = await ctx.http.expect<{ id: string; accessCode: string; step: string }>(
    201,
    'POST',
    '/v1/petitions',
    registrationBody({ channel: 'visit' }),
    auth(ctx.tokens.registrar),
  );
  const { id, accessCode } = registered;
  const petitioner = { 'x-access-code': accessCode };
  const staff = auth(ctx.tokens.department(dept));
  const steps: Array<[string, Record<string, unknown>, Record<string, string>]> = [
    ['forward', { department: dept }, auth(ctx.tokens.registrar)],
    ['accept', {}, staff],
    ['opinion', { outcome: 'explain', text: '经调查，供暖温度符合标准，现予解释。' }, staff],
    ['reply', {}, staff],
    ['request-review', { reason: '温度测量方法有误' }, petitioner],
    [
      'review-opinion',
      { outcome: 'reject', text: '维持原处理意见。' },
      auth(ctx.tokens.superior('district-gov')),
    ],
    ['request-re-review', { reason: '仍不服' }, petitioner],
    ['hearing-start', {}, auth(ctx.tokens.superior('city-gov'))],
    ['hearing-end', {}, auth(ctx.tokens.superior('city-gov'))],
    ['re-review-opinion', { outcome: 'reject', text: '复核维持。' }, auth(ctx.tokens.superior('city-gov'))],
  ];
  let afterReply = { events: 0, bytes: 0 };
  const handle = ctx.env.client.workflow.getHandle(petitionWorkflowId(id));
  for (const [action, body, headers] of steps) {
    await ctx.http.expect(200, 'POST', `/v1/petitions/${id}/actions/${action}`, body, headers);
    if (action === 'reply') {
      const c = historyCost(await handle.fetchHistory());
      afterReply = { events: c.events, bytes: c.bytes };
    }
  }
  await waitFor(
    'the lifecycle petition to close',
    async () => (await handle.describe()).status.name !== 'RUNNING',
    60_000,
    200,
  );
  const history = await handle.fetchHistory();
  const cost = historyCost(history);
  const started = history.events?.[0]?.workflowExecutionStartedEventAttributes;
  return {
    actions: ['register (bureau)', ...steps.map(([a]) => a), 'final'],
    ...cost,
    startInputBytes: {
      total: started?.input?.payloads?.reduce((n, p) => n + (p.data?.length ?? 0), 0) ?? 0,
      definition: definitionSnapshotBytes(),
    },
    afterReply,
  };
}

export interface MemoryCost {
  petitions: number;
  maxCachedWorkflows: number;
  rssPerPetitionBytes: number;
  /** Main-thread heap only: the workflow sandbox runs in a worker thread (see bench/worker-probe.ts). */
  mainHeapPerPetitionBytes: number;
  points: Array<{ petitions: number; rss: number; heapUsed: number }>;
}

interface MemReply {
  rss: number;
  heapUsed: number;
  defaultMaxCachedWorkflows: number;
}

/**
 * Worker memory per cached open petition: a second worker.ts process on a task queue of its own, RSS measured
 * (after a GC) as open petitions are added in steps, all within its workflow cache; the slope is the cost per petition.
 */
export async function measureMemory(ctx: Context): Promise<MemoryCost> {
  const taskQueue = ctx.env.memTaskQueue;
  const probe: NodeChild = ctx.env.memWorker;
  try {
    const client = ctx.env.client;
    let n = 0;
    const add = async (count: number, label: string): Promise<void> => {
      const ids = Array.from(
        { length: count },
        (_, k) => `XFMEM${ctx.runTag}${(n + k).toString(36).padStart(4, '0')}`,
      );
      n += count;
      const r = await closedLoop({
        label,
        concurrency: 16,
        durationMs: 300_000,
        maxOps: ids.length,
        unit: 'petitions',
        op: async (i) => {
          const id = ids[i]!;
          await startPetitionDirect(client, {
            id,
            taskQueue,
            department: BENCH_DEPARTMENTS[i % 4],
            channel: 'phone',
            receivedAt: new Date(),
          });
          // A query is answered once the first workflow task has run: the petition is then in the worker's cache.
          await client.workflow.getHandle(petitionWorkflowId(id)).query('petitionState');
        },
      });
      if (r.errors > 0)
        throw new Error(
          `memory probe: ${r.errors} petitions failed: ${Object.keys(r.errorSamples).join('; ')}`,
        );
    };
    await add(5, 'memory probe warm-up');
    await sleep(500);
    const first = await probe.request<MemReply>({ type: 'mem' }, 'mem');
    const max = first.defaultMaxCachedWorkflows;
    // Stay inside the cache (the 5 warm-up petitions and the registries are cached too).
    const total = Math.max(8, Math.min(ctx.settings.memPetitions, max - 20));
    const stepSize = Math.max(2, Math.floor(total / 4));
    const points = [{ petitions: 0, rss: first.rss, heapUsed: first.heapUsed }];
    for (let k = 1; k <= 4; k++) {
      await add(stepSize, `memory probe: ${k * stepSize}/${4 * stepSize} cached open petitions`);
      await sleep(500);
      const m = await probe.request<MemReply>({ type: 'mem' }, 'mem');
      points.push({ petitions: k * stepSize, rss: m.rss, heapUsed: m.heapUsed });
    }
    return {
      petitions: 4 * stepSize,
      maxCachedWorkflows: max,
      rssPerPetitionBytes: Math.round(slope(points.map((p) => ({ x: p.petitions, y: p.rss })))),
      mainHeapPerPetitionBytes: Math.round(slope(points.map((p) => ({ x: p.petitions, y: p.heapUsed })))),
      points,
    };
  } finally {
    // Its petitions stay open on its task queue; stopping it frees the CPU for what follows.
    await probe.stop(10_000);
  }
}

export { describeError, summarize };
