/**
 * Sections 1-3 of the bench: the baseline (start → one Update → complete, straight through the client) and our path
 * (registrations, then accept → opinion → reply, through HTTP), measured the same way at each concurrency level so
 * that their ratio means something on a shared, noisy machine.
 */
import { petitionWorkflowId } from '../../workflows/messages';
import { baselineUpdate, type baseline } from '../baseline-workflow';
import { auth, type Context } from '../lib/context';
import {
  measureTwoPhases,
  throughput,
  warmTwoPhases,
  type CpuUse,
  type Throughput,
  type TwoPhaseWorkload,
} from '../lib/measure';
import { BENCH_DEPARTMENTS, registrationBody } from '../lib/petitions';
import { round, type LatencySummary } from '../lib/stats';

export interface BaselineLevel {
  concurrency: number;
  /** Workflows started per second (client.workflow.start). */
  starts: Throughput;
  /** Updates per second; each completes its workflow, so this is also workflows completed per second. */
  updates: Throughput;
  /** Whole start → update → complete cycles per second, from the two phases (1 / (1/starts + 1/updates)). */
  workflowsPerSecond: number;
  cpu: { starts: CpuUse; updates: CpuUse };
}

export interface ApiLevel {
  concurrency: number;
  registrations: Throughput;
  actions: Throughput & { byAction: Record<string, LatencySummary> };
  cpu: { registrations: CpuUse; actions: CpuUse };
}

/** The bare Temporal workflow of bench/baseline-workflow.ts: one start, then the one Update that completes it. */
const baselineWorkload: TwoPhaseWorkload<string> = {
  units: { start: 'starts', follow: 'updates' },
  async start(ctx, i, label, latency) {
    const id = `bl-${ctx.runTag}-${label.replace(/\W+/g, '')}-${i}`;
    await latency.time('start', () =>
      ctx.env.client.workflow.start<typeof baseline>('baseline', {
        taskQueue: ctx.env.baselineTaskQueue,
        workflowId: id,
        args: [{ id, note: '经调查，供暖温度符合标准。' }],
      }),
    );
    return id;
  },
  workflowId: (id) => id,
  async follow(ctx, id, latency) {
    await latency.time('update', () =>
      ctx.env.client.workflow.getHandle(id).executeUpdate(baselineUpdate, { args: [{ value: 'done' }] }),
    );
  },
};

/** What a department does with a petition it received directly, in the order it does it. */
export const ACTION_SEQUENCE: ReadonlyArray<{ action: string; body: Record<string, unknown> }> = [
  { action: 'accept', body: {} },
  {
    action: 'opinion',
    body: { outcome: 'support', text: '经调查，情况属实，已责成供热单位整改。', legalBasis: '某条例第十条' },
  },
  { action: 'reply', body: {} },
];

interface Registered {
  id: string;
  department: string;
}

/** Our path through HTTP: `POST /v1/petitions` with a department (first step accept-notice), then its actions. */
const apiWorkload: TwoPhaseWorkload<Registered> = {
  units: { start: 'registrations', follow: 'actions' },
  async start(ctx, i, label, latency) {
    const department = BENCH_DEPARTMENTS[i % 3]!;
    const headers = {
      ...auth(ctx.tokens.registrar),
      ...(ctx.settings.idempotencyKeys && {
        'idempotency-key': `${ctx.runTag}-${label.replace(/\W+/g, '')}-${i}`,
      }),
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
    return { id: body.id, department };
  },
  workflowId: (p) => petitionWorkflowId(p.id),
  async follow(ctx, p, latency) {
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
};

export async function warmUp(ctx: Context): Promise<void> {
  await warmTwoPhases(ctx, baselineWorkload, 'baseline warm-up');
  await warmTwoPhases(ctx, apiWorkload, 'api warm-up');
}

export async function measureBaseline(ctx: Context, concurrency: number): Promise<BaselineLevel> {
  const { starts, follows } = await measureTwoPhases(
    ctx,
    baselineWorkload,
    concurrency,
    `baseline c=${concurrency}`,
  );
  const sp = starts.result.perSecond;
  const up = follows.result.perSecond;
  return {
    concurrency,
    starts: throughput(starts, starts.drainMs),
    updates: throughput(follows),
    workflowsPerSecond: round(sp > 0 && up > 0 ? 1 / (1 / sp + 1 / up) : 0),
    cpu: { starts: starts.cpu, updates: follows.cpu },
  };
}

export async function measureApi(ctx: Context, concurrency: number): Promise<ApiLevel> {
  const { starts, follows } = await measureTwoPhases(ctx, apiWorkload, concurrency, `api c=${concurrency}`);
  const byAction: Record<string, LatencySummary> = {};
  for (const name of follows.latency.names()) byAction[name] = follows.latency.summary(name);
  return {
    concurrency,
    registrations: throughput(starts, starts.drainMs),
    actions: { ...throughput(follows), byAction },
    cpu: { registrations: starts.cpu, actions: follows.cpu },
  };
}
