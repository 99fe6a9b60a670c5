import { evaluate, parseExpression } from 'feelin';

/**
 * FEEL evaluation with a memo. Parsing dominates the cost of an evaluation (feelin parses the expression on every
 * `evaluate`, and offers no way to evaluate a parsed expression), and the engine evaluates the same few dozen
 * expressions of a definition over and over. So each expression is parsed once, to learn the names (and dotted paths)
 * it reads; its results are then memoised by the values of exactly those. A guard such as `category = "complaint"`
 * is evaluated once per category, not once per petition and action.
 *
 * Shared by every workflow of a worker context (this module is preloaded, config/workflow-bundle.ts), which is safe
 * because the answer depends on nothing else: expressions that read the clock are never memoised, nor are results
 * that are objects (a caller could change them), nor values that are not plain data (a Date or a FEEL value would
 * serialise like a string that FEEL treats differently).
 */
const memo = new Map<string, unknown>();
const MEMO_SIZE = 4096;
/** Keys longer than this (a long free text read by the expression) are not worth keeping. */
const MAX_KEY = 2048;
const READS_CLOCK = /\b(?:now|today)\s*\(/;
/** The paths an expression reads, by expression; `null` when they could not be told (the whole context is keyed). */
const readsOf = new Map<string, readonly string[] | null>();
const READS_SIZE = 1024;
const PLAIN_PATH = /^[A-Za-z_$][\w$]*(?:\.[A-Za-z_$][\w$]*)*$/;

/** Evaluates a FEEL expression over the petition's variables; missing names read as null, never throw. */
export function evalFeel(expression: string, context: Record<string, unknown>): unknown {
  const direct = directValue(expression, context);
  if (direct !== NOT_DIRECT) return direct;
  if (READS_CLOCK.test(expression)) return evaluate(expression, context).value;
  const key = memoKey(expression, context);
  if (key !== undefined) {
    const hit = memo.get(key);
    if (hit !== undefined || memo.has(key)) {
      // Least recently used goes first: a Map iterates in insertion order.
      memo.delete(key);
      memo.set(key, hit);
      return hit;
    }
  }
  const value = evaluate(expression, context).value;
  if (key !== undefined && (value === null || (typeof value !== 'object' && typeof value !== 'function'))) {
    if (memo.size >= MEMO_SIZE) memo.delete(memo.keys().next().value as string);
    memo.set(key, value);
  }
  return value;
}

/**
 * Evaluates a FEEL expression over a context seen once (the registered facts of a petition). The same memo serves:
 * it is keyed by what the expression reads, so `petition.category` is shared by every petition of a category, and a
 * key of a petitioner's own data is soon displaced by those used again.
 */
export function evalFeelOnce(expression: string, context: Record<string, unknown>): unknown {
  return evalFeel(expression, context);
}

/** A FEEL condition holds only when it evaluates to exactly `true` (null and non-booleans do not). */
export function feelHolds(expression: string, context: Record<string, unknown>): boolean {
  return evalFeel(expression, context) === true;
}

const NOT_DIRECT = Symbol('not direct');
/** A string literal without escapes or line breaks (FEEL refuses a raw line break inside one). */
const STRING_LITERAL = /^"([^"\\\r\n]*)"$/;
/** A name or dotted path FEEL parses as one (`$` is not a FEEL name character). */
const DIRECT_PATH = /^[A-Za-z_][\w]*(?:\.[A-Za-z_][\w]*)*$/;

/**
 * The value of an expression that is only a name or dotted path (`input.text`, `actionTime`, half of a definition's
 * `set` expressions) or a string, boolean or null literal, read without FEEL when the answer is plain and certain: a
 * string, finite number, boolean or null reached through ordinary objects. A missing name further down the path
 * reads as null, as in FEEL. Everything else is left to FEEL: a first name the context lacks (FEEL may read it as a
 * built-in function such as `count` or `date`), a list or context value, a path through a list, a string or an
 * object without `Object.prototype` (FEEL refuses it), a number literal.
 */
function directValue(expression: string, context: Record<string, unknown>): unknown {
  const text = expression.trim();
  const literal = STRING_LITERAL.exec(text);
  if (literal) return literal[1];
  if (!DIRECT_PATH.test(text) || !isOrdinaryObject(context)) return NOT_DIRECT;
  // FEEL reads `true`, `false` and `null` from the context when it has them.
  if (text === 'true' || text === 'false' || text === 'null')
    return Object.hasOwn(context, text) ? NOT_DIRECT : text === 'null' ? null : text === 'true';
  const names = text.split('.');
  if (RESERVED.has(names[0]!) || context[names[0]!] === undefined) return NOT_DIRECT;
  let value: unknown = context;
  for (const name of names) {
    if (value === null || value === undefined) return null;
    if (!isOrdinaryObject(value)) return NOT_DIRECT;
    value = Object.hasOwn(value, name) ? value[name] : undefined;
  }
  if (value === undefined || value === null) return null;
  if (typeof value === 'string' || typeof value === 'boolean') return value;
  if (typeof value === 'number' && Number.isFinite(value)) return value;
  return NOT_DIRECT;
}

/** An object literal's kind of object (FEEL cannot read one without a prototype). */
function isOrdinaryObject(value: unknown): value is Record<string, unknown> {
  return value !== null && typeof value === 'object' && Object.getPrototypeOf(value) === Object.prototype;
}

/** Words FEEL reads as something other than a name. */
const RESERVED = new Set([
  'true',
  'false',
  'null',
  'not',
  'and',
  'or',
  'if',
  'then',
  'else',
  'for',
  'some',
  'every',
  'in',
  'return',
  'satisfies',
  'between',
  'instance',
  'of',
  'function',
  'external',
]);

/**
 * The names and dotted paths an expression reads (`input.department`, `category`), from its parse tree; `null` when
 * it does not parse. A name the expression binds itself (`some x in …`) is read from the context too, harmlessly: it
 * only widens the key.
 */
function reads(expression: string): readonly string[] | null {
  const known = readsOf.get(expression);
  if (known !== undefined) return known;
  let paths: string[] | null = [];
  try {
    const tree = parseExpression(expression, {}, undefined);
    const found = new Set<string>();
    tree.iterate({
      enter(node) {
        if (node.type.isError) paths = null;
        if (node.name === 'PathExpression' || node.name === 'VariableName') {
          const text = expression.slice(node.from, node.to);
          if (PLAIN_PATH.test(text)) {
            found.add(text);
            return false;
          }
          if (node.name === 'VariableName') found.add(text);
        }
        return undefined;
      },
    });
    if (paths) paths = [...found].sort();
  } catch {
    paths = null;
  }
  if (readsOf.size >= READS_SIZE) readsOf.delete(readsOf.keys().next().value as string);
  readsOf.set(expression, paths);
  return paths;
}

/**
 * The memo key of an evaluation: the expression and the values at the paths it reads (the whole context when they
 * are unknown), or undefined when a value is not plain data or the key is too long to be worth keeping.
 */
function memoKey(expression: string, context: Record<string, unknown>): string | undefined {
  const paths = reads(expression);
  const values = paths === null ? context : paths.map((p) => valueAt(context, p));
  let plain = true;
  const json = JSON.stringify(values, function (this: Record<string, unknown>, name, value: unknown) {
    const raw = this[name];
    if (raw !== null && typeof raw === 'object' && !Array.isArray(raw)) {
      const proto: unknown = Object.getPrototypeOf(raw);
      if (proto !== Object.prototype && proto !== null) plain = false;
    } else if (typeof raw === 'function' || typeof raw === 'bigint') plain = false;
    return value;
  });
  if (!plain || json.length > MAX_KEY) return undefined;
  return `${expression}\u0000${json}`;
}

/**
 * What decides what `path` reads, tagged so that no two differ only by a tag: the value at the path, that it is
 * missing, or the first value on the way that is not a plain object (FEEL reads a path through a list, or through
 * null, by its own rules: the key then holds all of it).
 */
function valueAt(context: Record<string, unknown>, path: string): unknown[] {
  let value: unknown = context;
  for (const name of path.split('.')) {
    if (!isPlainObject(value)) return ['through', value ?? null];
    value = value[name];
  }
  return value === undefined ? ['missing'] : ['value', value];
}

function isPlainObject(value: unknown): value is Record<string, unknown> {
  if (value === null || typeof value !== 'object' || Array.isArray(value)) return false;
  const proto: unknown = Object.getPrototypeOf(value);
  return proto === Object.prototype || proto === null;
}
