/**
 * The scaffolding the phases share: timed closed loops, CPU metering, waiting for the worker to catch up, and the
 * two-phase shape of a throughput measurement (start workflows, then act on the workflows just started), used alike
 * by the baseline and by our path through HTTP so that both are measured the same way.
 */
import type { Client } from '@temporalio/client';
import type { Context } from './context';
import type { BenchEnvironment } from './environment';
import { closedLoop, waitFor, type LoadResult } from './load';
import { Recorder, round, type LatencySummary } from './stats';

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

/** A phase's result as reported; with `drainMs`, the rate counts until the worker has run every start. */
export function throughput(phase: Timed, drainMs?: number): Throughput {
  const r = phase.result;
  return {
    count: r.ops,
    perSecond: round(drainMs === undefined ? r.perSecond : r.ops / ((r.elapsedMs + drainMs) / 1000)),
    ...(drainMs !== undefined && { clientPerSecond: round(r.perSecond), drainMs: Math.round(drainMs) }),
    errors: r.errors,
    errorSamples: r.errorSamples,
    latencyMs: phase.latency.summary(),
  };
}

export type CpuUse = ReturnType<BenchEnvironment['cpu']['since']>;

/** CPU of every process over `fn`. */
export async function metered<T>(ctx: Context, fn: () => Promise<T>): Promise<{ result: T; cpu: CpuUse }> {
  const from = ctx.env.cpu.snapshot();
  const result = await fn();
  return { result, cpu: ctx.env.cpu.since(from) };
}

/** A closed loop and the latencies its operations recorded. */
export interface Timed {
  result: LoadResult;
  latency: Recorder;
}

/** A closed loop whose operations record their latencies (by name) in one {@link Recorder}. */
export async function timedLoop(o: {
  label: string;
  concurrency: number;
  seconds: number;
  maxOps: number;
  unit: string;
  op: (i: number, latency: Recorder) => Promise<number | false | void>;
}): Promise<Timed> {
  const latency = new Recorder();
  const result = await closedLoop({
    label: o.label,
    concurrency: o.concurrency,
    durationMs: o.seconds * 1000,
    maxOps: o.maxOps,
    unit: o.unit,
    op: (i) => o.op(i, latency),
  });
  return { result, latency };
}

/**
 * Waits until the worker has run the first workflow task of the workflows just started (a query is answered only
 * after it; the task queue is served in order, so the last few started are the last to run) and returns how long that
 * took after the phase ended.
 */
export async function drainStarts(client: Client, workflowIds: string[]): Promise<number> {
  const from = performance.now();
  await Promise.all(
    workflowIds.slice(-8).map((id) =>
      waitFor(
        `the worker to run the first task of ${id}`,
        async () => {
          await client.workflow.getHandle(id).query('__temporal_workflow_metadata');
          return true;
        },
        300_000,
        50,
      ),
    ),
  );
  return performance.now() - from;
}

/**
 * A throughput workload in two phases: each `start` creates one workflow and returns what `follow` needs to act on
 * it; `follow` then takes the workflow's next operations (and says how many it took, default 1).
 */
export interface TwoPhaseWorkload<T> {
  units: { start: string; follow: string };
  start(ctx: Context, i: number, label: string, latency: Recorder): Promise<T>;
  workflowId(item: T): string;
  follow(ctx: Context, item: T, latency: Recorder): Promise<number | void>;
}

async function startPhase<T>(
  ctx: Context,
  w: TwoPhaseWorkload<T>,
  concurrency: number,
  seconds: number,
  label: string,
): Promise<Timed & { items: T[] }> {
  const items: T[] = [];
  const timed = await timedLoop({
    label,
    concurrency,
    seconds,
    maxOps: ctx.settings.maxOpsPerPhase,
    unit: w.units.start,
    op: async (i, latency) => {
      items.push(await w.start(ctx, i, label, latency));
    },
  });
  return { ...timed, items };
}

async function followPhase<T>(
  ctx: Context,
  w: TwoPhaseWorkload<T>,
  items: T[],
  concurrency: number,
  seconds: number,
  label: string,
): Promise<Timed> {
  return await timedLoop({
    label,
    concurrency,
    seconds,
    maxOps: Math.min(items.length, ctx.settings.maxOpsPerPhase),
    unit: w.units.follow,
    op: async (i, latency) => {
      const item = items[i];
      if (item === undefined) return false;
      return await w.follow(ctx, item, latency);
    },
  });
}

export interface TwoPhaseMeasurement<T> {
  starts: Timed & { items: T[]; drainMs: number; cpu: CpuUse };
  follows: Timed & { cpu: CpuUse };
}

/**
 * One measured level: starts for a phase (then waiting for the worker to run them all), then the follow-up
 * operations on those workflows for a phase, each with the CPU every process used.
 */
export async function measureTwoPhases<T>(
  ctx: Context,
  w: TwoPhaseWorkload<T>,
  concurrency: number,
  labelPrefix: string,
): Promise<TwoPhaseMeasurement<T>> {
  const seconds = ctx.settings.phaseSeconds;
  const starts = await metered(ctx, async () => {
    const phase = await startPhase(ctx, w, concurrency, seconds, `${labelPrefix} ${w.units.start}`);
    return { ...phase, drainMs: await drainStarts(ctx.env.client, phase.items.map(w.workflowId)) };
  });
  const follows = await metered(ctx, () =>
    followPhase(ctx, w, starts.result.items, concurrency, seconds, `${labelPrefix} ${w.units.follow}`),
  );
  return {
    starts: { ...starts.result, cpu: starts.cpu },
    follows: { ...follows.result, cpu: follows.cpu },
  };
}

/** The same two phases, unmeasured, at concurrency 4: connections, JIT and caches warm before the levels. */
export async function warmTwoPhases<T>(
  ctx: Context,
  w: TwoPhaseWorkload<T>,
  labelPrefix: string,
): Promise<void> {
  const seconds = ctx.settings.warmupSeconds;
  const phase = await startPhase(ctx, w, 4, seconds, `${labelPrefix} ${w.units.start}`);
  await drainStarts(ctx.env.client, phase.items.map(w.workflowId));
  await followPhase(ctx, w, phase.items, 4, seconds * 2, `${labelPrefix} ${w.units.follow}`);
}
