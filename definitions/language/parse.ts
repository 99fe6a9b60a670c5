import { isMap, isPair, isScalar, isSeq, LineCounter, parseDocument, type Document } from 'yaml';
import type { z } from 'zod';
import { hashDefinition } from './hash';
import { findJsonSyntaxError } from './json-syntax';
import { formatPath, parsePath, type Issue, type PathSegment } from './issue';
import { MAX_NESTING_DEPTH, sourceNestingDepth, valueNestingDepth } from './nesting-depth';
import { DefinitionSchema, type Definition } from './schema';

export type DefinitionFormat = 'yaml' | 'json';

export type ParseResult = { ok: true; definition: Definition; hash: string } | { ok: false; issues: Issue[] };

/** A 1-based source position. */
export interface SourcePosition {
  line: number;
  column: number;
}

/** Finds where a definition path (`elements[3].deadlines[0].duration`) is written in the source text. */
export type SourceLocator = (
  path: string | readonly PathSegment[],
  options?: { key?: boolean },
) => SourcePosition | undefined;

/**
 * Parses a definition written in YAML or JSON and checks it against the language schema. Never throws: syntax
 * errors come back with line and column, schema errors with the path of the offending value (and its line and
 * column when the source shows it). The hash is `hashDefinition` of the parsed definition.
 */
export function parseDefinition(text: string, format: DefinitionFormat): ParseResult {
  const source = readSource(text, format);
  if (!source.ok) return source;
  const parsed = DefinitionSchema.safeParse(source.value);
  if (!parsed.success) {
    const locate = locatorOf(source.document, source.lineCounter);
    return { ok: false, issues: schemaIssues(parsed.error, source.value, locate) };
  }
  return { ok: true, definition: parsed.data, hash: hashDefinition(parsed.data) };
}

/**
 * Checks a definition already read into a value (from BPMN XML, say) against the language schema, like
 * `parseDefinition` but without source positions: schema issues carry the path and the element id.
 */
export function parseDefinitionValue(value: unknown): ParseResult {
  const parsed = DefinitionSchema.safeParse(value);
  if (!parsed.success) return { ok: false, issues: schemaIssues(parsed.error, value, () => undefined) };
  return { ok: true, definition: parsed.data, hash: hashDefinition(parsed.data) };
}

/** A locator over the source text (for attaching line and column to validation issues). */
export function sourceLocator(text: string, _format: DefinitionFormat = 'yaml'): SourceLocator {
  const lineCounter = new LineCounter();
  const document = parseDocument(text, { lineCounter });
  return locatorOf(document, lineCounter);
}

type Source =
  { ok: true; value: unknown; document: Document; lineCounter: LineCounter } | { ok: false; issues: Issue[] };

/** The issue of a source nested deeper than {@link MAX_NESTING_DEPTH} (measured before parsing: parsers recurse). */
export function tooDeepIssue(): Issue {
  return {
    rule: 'too-deep',
    path: '',
    message: `The source nests deeper than ${MAX_NESTING_DEPTH} levels; a definition needs about 8. Flatten it.`,
  };
}

function readSource(text: string, format: DefinitionFormat): Source {
  if (sourceNestingDepth(text, format, MAX_NESTING_DEPTH) > MAX_NESTING_DEPTH) {
    return { ok: false, issues: [tooDeepIssue()] };
  }
  const source = readParsedSource(text, format);
  // Aliases can nest what the text does not show.
  if (source.ok && valueNestingDepth(source.value, MAX_NESTING_DEPTH) > MAX_NESTING_DEPTH) {
    return { ok: false, issues: [tooDeepIssue()] };
  }
  return source;
}

function readParsedSource(text: string, format: DefinitionFormat): Source {
  const lineCounter = new LineCounter();
  const document = parseDocument(text, { lineCounter, prettyErrors: false });
  if (format === 'json') {
    const syntax = findJsonSyntaxError(text);
    const duplicate = document.errors.find((e) => e.code === 'DUPLICATE_KEY');
    if (syntax || duplicate) {
      const { line, col } = lineCounter.linePos(syntax ? syntax.offset : duplicate!.pos[0]);
      const what = syntax ? syntax.message : 'duplicate property name (JSON keeps only the last one)';
      return {
        ok: false,
        issues: [
          {
            rule: 'json-syntax',
            path: '',
            message: `Invalid JSON: ${what}; fix it at line ${line}, column ${col}.`,
            line,
            column: col,
          },
        ],
      };
    }
    return { ok: true, value: JSON.parse(text) as unknown, document, lineCounter };
  }
  if (document.errors.length > 0) {
    return {
      ok: false,
      issues: document.errors.map((error) => {
        const position = error.linePos?.[0] ?? lineCounter.linePos(error.pos[0]);
        return {
          rule: 'yaml-syntax',
          path: '',
          message: `${firstLine(error.message)} (${error.code}): fix the YAML at line ${position.line}, column ${position.col}.`,
          line: position.line,
          column: position.col,
        };
      }),
    };
  }
  try {
    return { ok: true, value: document.toJS({ maxAliasCount: 1000 }) as unknown, document, lineCounter };
  } catch (error) {
    return {
      ok: false,
      issues: [
        {
          rule: 'yaml-syntax',
          path: '',
          message: `${firstLine((error as Error).message)}: simplify the YAML (aliases).`,
        },
      ],
    };
  }
}

function firstLine(message: string): string {
  return message.split('\n')[0]!.replace(/[.:]\s*$/, '');
}

function locatorOf(document: Document, lineCounter: LineCounter): SourceLocator {
  return (path, options = {}) => {
    const segments = typeof path === 'string' ? parsePath(path) : path;
    let node: unknown = document.contents;
    let offset: number | undefined = rangeStart(node);
    for (const [i, segment] of segments.entries()) {
      if (isMap(node)) {
        const pair = node.items.find(
          (item) => isPair(item) && isScalar(item.key) && String(item.key.value) === String(segment),
        );
        if (!pair) break;
        const value = pair.value;
        const atKey = isMap(value) || isSeq(value) || (options.key === true && i === segments.length - 1);
        offset = (atKey ? rangeStart(pair.key) : rangeStart(value)) ?? rangeStart(pair.key) ?? offset;
        node = value;
      } else if (isSeq(node) && typeof segment === 'number') {
        const item = node.items[segment];
        if (item === undefined) break;
        offset = rangeStart(item) ?? offset;
        node = item;
      } else {
        break;
      }
    }
    if (offset === undefined) return undefined;
    const { line, col } = lineCounter.linePos(offset);
    return { line, column: col };
  };
}

function rangeStart(node: unknown): number | undefined {
  if (node && typeof node === 'object' && 'range' in node) {
    const range = (node as { range?: [number, number, number] | null }).range;
    return range ? range[0] : undefined;
  }
  return undefined;
}

/** The id of the element or flow a path points into, read from the raw value (the schema failed). */
function elementIdAt(raw: unknown, segments: readonly PathSegment[]): string | undefined {
  const [collection, index] = segments;
  if ((collection !== 'elements' && collection !== 'flows') || typeof index !== 'number') return undefined;
  const list = (raw as Record<string, unknown> | null)?.[collection];
  const item = Array.isArray(list) ? (list[index] as Record<string, unknown> | undefined) : undefined;
  return typeof item?.['id'] === 'string' ? item['id'] : undefined;
}

function valueAt(raw: unknown, segments: readonly PathSegment[]): unknown {
  let node = raw;
  for (const segment of segments) {
    if (node === null || typeof node !== 'object') return undefined;
    node = (node as Record<string | number, unknown>)[segment];
  }
  return node;
}

function schemaIssues(error: z.ZodError, raw: unknown, locate: SourceLocator): Issue[] {
  const issues: Issue[] = [];
  for (const zodIssue of error.issues) {
    const base = zodIssue.path.filter((s): s is string | number => typeof s !== 'symbol');
    const targets =
      zodIssue.code === 'unrecognized_keys' ? zodIssue.keys.map((key) => [...base, key]) : [base];
    for (const segments of targets) {
      const path = formatPath(segments);
      const position = locate(segments, { key: zodIssue.code === 'unrecognized_keys' });
      const elementId = elementIdAt(raw, segments);
      issues.push({
        rule: 'schema',
        ...(elementId ? { elementId } : {}),
        path,
        message: schemaMessage(zodIssue, path, valueAt(raw, segments)),
        ...(position ? { line: position.line, column: position.column } : {}),
      });
    }
  }
  return issues;
}

function schemaMessage(issue: z.core.$ZodIssue, path: string, value: unknown): string {
  const where = path === '' ? 'the definition' : `"${path}"`;
  switch (issue.code) {
    case 'unrecognized_keys':
      return `${where} is not part of the language: remove it or correct its spelling (see definition.schema.json).`;
    case 'invalid_type':
      if (value === undefined) return `${where} is required (${issue.expected}): add it.`;
      return `${where} must be ${article(issue.expected)} but is ${describeValue(value)}: change its type.`;
    case 'invalid_value':
      return `${where} is ${describeValue(value)}; use one of ${issue.values.map((v) => JSON.stringify(v)).join(', ')}.`;
    case 'invalid_union':
      if ('discriminator' in issue && 'options' in issue) {
        const options = (issue as { options: unknown[] }).options.map((v) => JSON.stringify(v)).join(', ');
        return `${where} is ${describeValue(value)}; use one of ${options}.`;
      }
      return `${where} matches none of the allowed shapes: ${issue.message}.`;
    case 'too_small':
      return `${where} is too small (${describeValue(value)}): ${issue.message.replace(/^Too small: /, '')}.`;
    case 'too_big':
      return `${where} is too big (${describeValue(value)}): ${issue.message.replace(/^Too big: /, '')}.`;
    case 'invalid_format':
      return `${where} is ${describeValue(value)}, which ${issue.message}; rename it.`;
    default:
      return `${where}: ${issue.message}.`;
  }
}

function article(expected: string): string {
  return /^[aeiou]/.test(expected) ? `an ${expected}` : `a ${expected}`;
}

function describeValue(value: unknown): string {
  if (value === undefined) return 'missing';
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'a list';
  if (typeof value === 'object') return 'a mapping';
  return JSON.stringify(value);
}
