/**
 * Section 5 of the bench: what one petition costs — the history of a whole statutory lifecycle through HTTP, and
 * the worker's memory per cached open petition.
 */
import { setTimeout as sleep } from 'node:timers/promises';
import { loadStatutoryDefinition } from '../../definitions/statutory';
import { indexDefinition } from '../../workflows/engine';
import { petitionStateQuery, petitionWorkflowId } from '../../workflows/messages';
import { auth, type Context } from '../lib/context';
import { historyCost, type HistoryCost } from '../lib/history';
import { closedLoop, waitFor } from '../lib/load';
import {
  BENCH_DEPARTMENTS,
  definitionSnapshotBytes,
  registrationBody,
  startPetitionDirect,
} from '../lib/petitions';
import type { NodeChild } from '../lib/processes';
import { slope } from '../lib/stats';

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

const statutory = indexDefinition(loadStatutoryDefinition());

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
    [
      'opinion',
      { outcome: 'explain', text: '经调查，供暖温度符合标准，现予解释。', legalBasis: '某条例第十条' },
      staff,
    ],
    ['reply', {}, staff],
    ['request-review', { reason: '温度测量方法有误' }, petitioner],
    [
      'review-opinion',
      { outcome: 'reject', text: '维持原处理意见。' },
      auth(ctx.tokens.superior('district-gov')),
    ],
    ['serve-review-opinion', {}, auth(ctx.tokens.superior('district-gov'))],
    ['request-re-review', { reason: '仍不服' }, petitioner],
    ['hearing-start', {}, auth(ctx.tokens.superior('city-gov'))],
    ['hearing-end', {}, auth(ctx.tokens.superior('city-gov'))],
    ['re-review-opinion', { outcome: 'reject', text: '复核维持。' }, auth(ctx.tokens.superior('city-gov'))],
    ['serve-re-review-opinion', {}, auth(ctx.tokens.superior('city-gov'))],
    ['evaluate', { rating: 'satisfied' }, petitioner],
  ];
  let afterReply = { events: 0, bytes: 0 };
  const handle = ctx.env.client.workflow.getHandle(petitionWorkflowId(id));
  for (const [action, body, headers] of steps) {
    const answer = await ctx.http.expect<{ step: string; status: string }>(
      200,
      'POST',
      `/v1/petitions/${id}/actions/${action}`,
      body,
      headers,
    );
    // A hand-over to a body (forward, review and re-review requests) answers on its delivery step; the body acts
    // once the delivery has completed.
    if (answer.status === 'open' && statutory.element(answer.step).type === 'serviceTask') {
      await waitFor(
        `${id} to leave ${answer.step}`,
        async () => (await handle.query(petitionStateQuery)).step !== answer.step,
        60_000,
        50,
      );
    }
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
