import { evaluate } from 'feelin';
import { describe, expect, it } from 'vitest';
import { evalFeel, feelHolds } from '../../workflows/engine/feel';

describe('FEEL evaluation (memoised)', () => {
  it('answers exactly what feelin answers, the first time and again', () => {
    const cases: Array<[string, Record<string, unknown>]> = [
      ['category = "report"', { category: 'report' }],
      ['category = "report"', { category: 'complaint' }],
      ['if channel = "online" then "网上信访" else "来信"', { channel: 'online' }],
      ['days <= 30 and input.reason != null', { days: 12, input: { reason: 'x' } }],
      ['missing = null', {}],
      ['[1, 2, 3]', {}],
    ];
    for (let round = 0; round < 2; round++)
      for (const [expression, context] of cases)
        expect(evalFeel(expression, context)).toEqual(evaluate(expression, context).value);
  });

  it('does not mix up contexts that serialise alike: a date value and its ISO string', () => {
    const at = new Date('2026-10-01T00:00:00.000Z');
    const expression = 'x = "2026-10-01T00:00:00.000Z"';
    const withDate = evalFeel(expression, { x: at });
    const withString = evalFeel(expression, { x: at.toISOString() });
    expect(withDate).toEqual(evaluate(expression, { x: at }).value);
    expect(withString).toEqual(evaluate(expression, { x: at.toISOString() }).value);
    expect(withString).toBe(true);
  });

  it('never memoises an expression that reads the clock', () => {
    const first = evalFeel('string(now())', {});
    expect(typeof first).toBe('string');
    expect(feelHolds('now() > date and time("2000-01-01T00:00:00Z")', {})).toBe(true);
  });

  it('a returned object is a fresh one each time (objects are not memoised)', () => {
    const a = evalFeel('{ a: 1 }', {}) as Record<string, unknown>;
    a['a'] = 2;
    expect(evalFeel('{ a: 1 }', {})).toEqual({ a: 1 });
  });
});
