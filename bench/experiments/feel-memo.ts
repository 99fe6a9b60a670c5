/**
 * Experiment for bench/replay-cost.ts (swapped in for workflows/engine/feel.ts at bundle time): the same FEEL
 * functions with a per-workflow memo of results keyed by expression and context. FEEL evaluation is pure, and the
 * engine evaluates the same guards and conditions repeatedly (validator and handler of one Update, every query).
 */
import { evaluate } from 'feelin';

const memo = new Map<string, unknown>();
const MAX = 512;

export function evalFeel(expression: string, context: Record<string, unknown>): unknown {
  const key = `${expression}\u0000${JSON.stringify(context)}`;
  if (memo.has(key)) return memo.get(key);
  const value = evaluate(expression, context).value;
  if (memo.size >= MAX) memo.delete(memo.keys().next().value as string);
  memo.set(key, value);
  return value;
}

export function feelHolds(expression: string, context: Record<string, unknown>): boolean {
  return evalFeel(expression, context) === true;
}
