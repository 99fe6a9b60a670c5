import { evaluate } from 'feelin';

/**
 * Results of pure FEEL evaluations, keyed by expression and context. Parsing dominates the cost of an evaluation,
 * and the engine evaluates the same guards and conditions over the same variables again and again (an Update's
 * validator and handler, every view's available actions). Shared by every workflow of a worker context (this module
 * is preloaded, config/workflow-bundle.ts), which is safe because the answer depends on nothing else: expressions
 * that read the clock are never memoised, nor are results that are objects (a caller could change them).
 */
const memo = new Map<string, unknown>();
const MEMO_SIZE = 4096;
const READS_CLOCK = /\b(?:now|today)\s*\(/;

/** Evaluates a FEEL expression over the petition's variables; missing names read as null, never throw. */
export function evalFeel(expression: string, context: Record<string, unknown>): unknown {
  if (READS_CLOCK.test(expression)) return evaluate(expression, context).value;
  const key = plainKey(expression, context);
  if (key !== undefined && memo.has(key)) return memo.get(key);
  const value = evaluate(expression, context).value;
  if (key !== undefined && (value === null || (typeof value !== 'object' && typeof value !== 'function'))) {
    // Oldest first out: a Map iterates in insertion order.
    if (memo.size >= MEMO_SIZE) memo.delete(memo.keys().next().value as string);
    memo.set(key, value);
  }
  return value;
}

/**
 * Evaluates a FEEL expression without the memo: for a context that is large, personal and seen once (the registered
 * facts of a petition), which would only crowd out the memo's useful entries.
 */
export function evalFeelOnce(expression: string, context: Record<string, unknown>): unknown {
  return evaluate(expression, context).value;
}

/**
 * The memo key of an evaluation, or undefined when the context holds anything but plain data (a Date or a FEEL
 * value object would serialise like a string that FEEL treats differently, so such evaluations are not memoised).
 */
function plainKey(expression: string, context: Record<string, unknown>): string | undefined {
  let plain = true;
  const json = JSON.stringify(context, function (this: Record<string, unknown>, name, value: unknown) {
    const raw = this[name];
    if (raw !== null && typeof raw === 'object' && !Array.isArray(raw)) {
      const proto: unknown = Object.getPrototypeOf(raw);
      if (proto !== Object.prototype && proto !== null) plain = false;
    } else if (typeof raw === 'function' || typeof raw === 'bigint') plain = false;
    return value;
  });
  return plain ? `${expression}\u0000${json}` : undefined;
}

/** A FEEL condition holds only when it evaluates to exactly `true` (null and non-booleans do not). */
export function feelHolds(expression: string, context: Record<string, unknown>): boolean {
  return evalFeel(expression, context) === true;
}
