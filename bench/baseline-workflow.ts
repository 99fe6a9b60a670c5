/**
 * The baseline of the benchmark: the smallest workflow that does what a petition does per action — start, take one
 * Update, complete. Bundled on its own (bench/baseline-worker.ts) and run on its own task queue, so the petition
 * path and the baseline share the same server and run but not a worker or a bundle.
 */
import { allHandlersFinished, condition, defineUpdate, setHandler } from '@temporalio/workflow';

export interface BaselineInput {
  id: string;
  /** A small payload, about the size of an action's body. */
  note: string;
}

/** The one Update: records a value and lets the workflow complete. */
export const baselineUpdate = defineUpdate<{ seq: number; value: string }, [{ value: string }]>(
  'baselineUpdate',
);

export async function baseline(input: BaselineInput): Promise<string> {
  let value: string | undefined;
  let seq = 0;
  setHandler(baselineUpdate, ({ value: v }) => {
    value = v;
    seq += 1;
    return { seq, value: v };
  });
  await condition(() => value !== undefined);
  await condition(allHandlersFinished);
  return `${input.id}:${value}`;
}
