/**
 * How deeply a text nests, measured without parsing it: parsers recurse (or worse: the YAML library exhausts memory on
 * 100,000 nested `- `), so a source is measured first and refused when it nests deeper than anything real. One pass,
 * no recursion, no regular expression over the whole text.
 */

/** The deepest nesting accepted in a definition source or a JSON request body; real definitions nest about 8 deep. */
export const MAX_NESTING_DEPTH = 64;

const QUOTE = 34; // "
const BACKSLASH = 92;
const OPEN = new Set([91, 123]); // [ {
const CLOSE = new Set([93, 125]); // ] }

/** The deepest stack of open arrays and objects in JSON text (strings skipped); stops counting past `limit`. */
export function jsonNestingDepth(text: string, limit = Number.POSITIVE_INFINITY): number {
  let depth = 0;
  let max = 0;
  let inString = false;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (inString) {
      if (c === BACKSLASH) i++;
      else if (c === QUOTE) inString = false;
    } else if (c === QUOTE) {
      inString = true;
    } else if (OPEN.has(c)) {
      depth++;
      if (depth > max && (max = depth) > limit) return max;
    } else if (CLOSE.has(c)) {
      depth--;
    }
  }
  return max;
}

/** Inside a flow collection, a token (a quote, a nested collection) may also start after these. */
const FLOW_BOUNDARY = new Set(['[', '{', ',', ':']);

/**
 * An upper bound on the nesting of YAML text: block nodes by indentation (each more indented line counts as a level,
 * each `- `, `? ` at the start of a line as another), plus open flow collections (`[`, `{` where a token starts, or
 * anywhere inside a flow collection). Quoted scalars, comments and block scalars (`|`, `>`) are skipped. It may
 * count a level or two more than the parser sees (a mapping continued on the next line), never fewer.
 */
export function yamlNestingDepth(text: string, limit = Number.POSITIVE_INFINITY): number {
  const indents: number[] = [];
  let flow = 0;
  let quote = '';
  let blockScalarParent = -1;
  let max = 0;
  let start = 0;
  while (start <= text.length) {
    let end = text.indexOf('\n', start);
    if (end === -1) end = text.length;
    const line = text.slice(start, end).replace(/\r$/, '');
    start = end + 1;

    let i = 0;
    while (i < line.length && line[i] === ' ') i++;
    const indent = i;
    const blank = i === line.length;
    if (blockScalarParent >= 0) {
      if (blank || indent > blockScalarParent) continue;
      blockScalarParent = -1;
    }
    let level = indents.length + flow;
    if (quote === '' && flow === 0) {
      if (blank || line[i] === '#') continue;
      while (indents.length > 0 && indents[indents.length - 1]! >= indent) indents.pop();
      indents.push(indent);
      level = indents.length;
      // Compact nesting: `- - - x`, `? - x`, each indicator one level deeper.
      while ((line[i] === '-' || line[i] === '?') && (i + 1 === line.length || line[i + 1] === ' ')) {
        if (++level > limit) return level;
        i += 2;
        while (line[i] === ' ') i++;
      }
    }
    if (level > max && (max = level) > limit) return max;

    let lastToken = '';
    for (; i < line.length; i++) {
      const ch = line[i]!;
      if (quote !== '') {
        if (quote === '"' && ch === '\\') i++;
        else if (ch === quote) quote = '';
        continue;
      }
      const before = i === 0 ? ' ' : line[i - 1]!;
      const atTokenStart = before === ' ' || before === '\t' || (flow > 0 && FLOW_BOUNDARY.has(before));
      if (ch === '#' && (i === 0 || line[i - 1] === ' ' || line[i - 1] === '\t')) break;
      if ((ch === '"' || ch === "'") && atTokenStart) {
        quote = ch;
        lastToken = ch;
        continue;
      }
      if ((ch === '[' || ch === '{') && (flow > 0 || atTokenStart)) {
        flow++;
        if (indents.length + flow > max && (max = indents.length + flow) > limit) return max;
      } else if ((ch === ']' || ch === '}') && flow > 0) {
        flow--;
      }
      if (ch !== ' ' && ch !== '\t') lastToken = atTokenStart ? ch : lastToken + ch;
    }
    // `key: |`, `- >-`, `|2`: the lines after, more indented than this one, are text.
    if (quote === '' && flow === 0 && /^[|>][-+0-9]*$/.test(lastToken)) blockScalarParent = indent;
  }
  return max;
}

/** The nesting of a definition source in its format (an upper bound for YAML). */
export function sourceNestingDepth(text: string, format: 'yaml' | 'json', limit?: number): number {
  return format === 'json' ? jsonNestingDepth(text, limit) : yamlNestingDepth(text, limit);
}

/** The nesting depth of a parsed value, measured with an explicit stack; stops counting past `limit`. */
export function valueNestingDepth(value: unknown, limit = Number.POSITIVE_INFINITY): number {
  let max = 0;
  const stack: Array<[unknown, number]> = [[value, 0]];
  while (stack.length > 0) {
    const [node, depth] = stack.pop()!;
    if (node === null || typeof node !== 'object') continue;
    const here = depth + 1;
    if (here > max && (max = here) > limit) return max;
    for (const child of Array.isArray(node) ? node : Object.values(node)) stack.push([child, here]);
  }
  return max;
}
