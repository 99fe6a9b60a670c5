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

  it('reads a bare name, a dotted path or a literal exactly as FEEL does, including the cases it leaves to FEEL', () => {
    const cases: Array<[string, Record<string, unknown>]> = [
      ['input.text', { input: { text: '反映问题' } }],
      [' actionTime ', { actionTime: '2026-10-01T08:00:00.000Z' }],
      ['a.b.c', { a: { b: { c: true } } }],
      ['days', { days: 0 }],
      ['days', { days: 1.5 }],
      ['a.b', { a: null }],
      ['a.b', { a: {} }],
      ['a.b', { a: 'text' }],
      ['a', { a: null }],
      ['a', { a: undefined }],
      ['a', { a: [1, 2] }],
      ['a', { a: { b: 1 } }],
      ['a.b', { a: [{ b: 1 }] }],
      ['missing', {}],
      ['missing.deeper', {}],
      ['toString', {}],
      ['count', {}],
      ['count', { count: 3 }],
      ['date', {}],
      ['date.x', { date: { x: 1 } }],
      ['"网上信访"', {}],
      ['""', {}],
      ['"a\tb"', {}],
      ['"a\rb"', {}],
      ['"it\'s"', {}],
      ['"a\\"b"', {}],
      ['true', { true: 1 }],
      ['true', {}],
      ['null', { null: 'x' }],
      ['false', {}],
      ['null', {}],
      ['42', {}],
      ['a.b', { a: Object.assign(Object.create(null) as Record<string, unknown>, { b: 1 }) }],
    ];
    for (let round = 0; round < 2; round++)
      for (const [expression, context] of cases) {
        const feel = evaluate(expression, context).value;
        const ours = evalFeel(expression, context);
        if (typeof feel === 'function') expect(typeof ours, expression).toBe('function');
        else expect(ours, expression).toEqual(feel);
      }
  });

  it('fails where FEEL fails on a name or literal it cannot read, rather than answering', () => {
    expect(() => evaluate('$x', { $x: 1 })).toThrow();
    expect(() => evalFeel('$x', { $x: 1 })).toThrow();
    expect(() => evaluate('"a\nb"', {})).toThrow();
    expect(() => evalFeel('"a\nb"', {})).toThrow();
    const bare = Object.create(null) as Record<string, unknown>;
    expect(() => evaluate('a.b', { a: bare })).toThrow();
    expect(() => evalFeel('a.b', { a: bare })).toThrow();
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
