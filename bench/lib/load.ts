/**
 * Closed-loop load: `concurrency` loops, each running one operation after another until the duration or the
 * operation budget is spent (or the work runs out). Every loop is bounded in count and time.
 */
import { progress } from './progress';

export interface LoadResult {
  /** Operations that succeeded. */
  ops: number;
  errors: number;
  /** The first few distinct error messages, with counts. */
  errorSamples: Record<string, number>;
  elapsedMs: number;
  perSecond: number;
}

export interface LoadOptions {
  label: string;
  concurrency: number;
  durationMs: number;
  /** Upper bound on operations started (also the pool size when operations consume work items). */
  maxOps: number;
  /**
   * One operation; `i` is its global index. Resolves to the number of counted operations it did (default 1), or
   * `false` when there is no more work (the loop stops).
   */
  op: (i: number) => Promise<number | false | void>;
  /** Unit shown in the progress line. */
  unit?: string;
}

export function describeError(err: unknown): string {
  const e = err as { message?: string; cause?: { message?: string } };
  const msg = `${e?.message ?? String(err)}${e?.cause?.message ? ` (${e.cause.message})` : ''}`;
  return msg
    .replace(/[0-9a-f]{8}-[0-9a-f-]{27}/gi, '<uuid>')
    .replace(/XF\w+/g, '<id>')
    .slice(0, 200);
}

export async function closedLoop(o: LoadOptions): Promise<LoadResult> {
  const started = performance.now();
  const deadline = started + o.durationMs;
  let next = 0;
  let ops = 0;
  let errors = 0;
  let exhausted = false;
  const errorSamples: Record<string, number> = {};
  const ticker = progress.start(o.label, () => ({ done: ops, errors, unit: o.unit ?? 'ops' }));
  const loop = async (): Promise<void> => {
    while (!exhausted && next < o.maxOps && performance.now() < deadline) {
      const i = next++;
      try {
        const r = await o.op(i);
        if (r === false) {
          exhausted = true;
          return;
        }
        ops += typeof r === 'number' ? r : 1;
      } catch (err) {
        errors += 1;
        const key = describeError(err);
        if (key in errorSamples || Object.keys(errorSamples).length < 5)
          errorSamples[key] = (errorSamples[key] ?? 0) + 1;
        // An operation that fails at once must not spin: back off a little.
        await new Promise((r) => setTimeout(r, 20));
      }
    }
  };
  try {
    await Promise.all(Array.from({ length: o.concurrency }, loop));
  } finally {
    ticker.stop();
  }
  const elapsedMs = performance.now() - started;
  return { ops, errors, errorSamples, elapsedMs, perSecond: ops / (elapsedMs / 1000) };
}

/** Polls `check` every `intervalMs` until it returns true; throws after `timeoutMs`. */
export async function waitFor(
  what: string,
  check: () => Promise<boolean>,
  timeoutMs: number,
  intervalMs = 500,
): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  let last: unknown;
  while (Date.now() < deadline) {
    try {
      if (await check()) return;
    } catch (err) {
      last = err;
    }
    await new Promise((r) => setTimeout(r, intervalMs));
  }
  throw new Error(
    `timed out after ${timeoutMs / 1000} s waiting for ${what}${last ? `: ${describeError(last)}` : ''}`,
  );
}
