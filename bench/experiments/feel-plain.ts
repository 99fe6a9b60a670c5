/**
 * Experiment for bench/replay-cost.ts (swapped in for workflows/engine/feel.ts at bundle time): FEEL evaluated
 * afresh every time, as before results were memoised — what the memo saves.
 */
import { evaluate } from 'feelin';

export function evalFeel(expression: string, context: Record<string, unknown>): unknown {
  return evaluate(expression, context).value;
}

export function feelHolds(expression: string, context: Record<string, unknown>): boolean {
  return evalFeel(expression, context) === true;
}
