/**
 * Section 4 of the bench: the supervision lists over many open petitions. They are seeded straight through the
 * client with exactly what registration starts a petition with (bench/lib/petitions.ts), by default with the worker
 * stopped, so the lists are measured on the visibility store alone, as a supervisor meets them when no worker runs.
 */
import { setTimeout as sleep } from 'node:timers/promises';
import { auth, type Context } from '../lib/context';
import { closedLoop } from '../lib/load';
import { metered, type CpuUse } from '../lib/measure';
import { BENCH_DEPARTMENTS, startPetitionDirect } from '../lib/petitions';
import { progress } from '../lib/progress';
import { Recorder, round, type LatencySummary } from '../lib/stats';

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
  cpu: { seed: CpuUse; queries: CpuUse };
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
      namespace: ctx.env.namespace,
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
  const visibleQuery = `WorkflowType = 'petition' AND TaskQueue = '${ctx.env.taskQueue}' AND PetitionChannel = 'online' AND PetitionDueAt IS NOT NULL`;
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
          taskQueue: ctx.env.taskQueue,
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
