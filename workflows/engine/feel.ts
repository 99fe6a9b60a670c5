import { evaluate } from 'feelin';

/** Evaluates a FEEL expression over the petition's variables; missing names read as null, never throw. */
export function evalFeel(expression: string, context: Record<string, unknown>): unknown {
  return evaluate(expression, context).value;
}

/** A FEEL condition holds only when it evaluates to exactly `true` (null and non-booleans do not). */
export function feelHolds(expression: string, context: Record<string, unknown>): boolean {
  return evalFeel(expression, context) === true;
}
