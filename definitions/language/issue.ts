import type { Definition } from './schema';

/**
 * A problem found in a definition, as data (never thrown). `path` points into the definition as authored, e.g.
 * `elements[3].deadlines[0].duration`; `line`/`column` (1-based) are added when the source text is known.
 */
export interface Issue {
  /** The id of the rule that found it (`schema`, `yaml-syntax`, `json-syntax` for parse problems). */
  rule: string;
  /** The element (or flow) the problem belongs to, when there is one. */
  elementId?: string;
  path: string;
  /** What is wrong and how to fix it. */
  message: string;
  line?: number;
  column?: number;
  /**
   * Absent for a defect (the definition cannot be used as it is). `warning` for something noted but harmless, such
   * as another modeller's extension in an imported BPMN file that the engine ignores.
   */
  severity?: 'warning';
}

/** Whether an issue makes the definition unusable (everything but warnings). */
export function isError(issue: Issue): boolean {
  return issue.severity !== 'warning';
}

/** One validation rule: one file in `rules/`, pure, returning every problem it finds. */
export interface Rule {
  id: string;
  description: string;
  check(definition: Definition): Issue[];
}

/** A path into a definition as segments: property names and array indices. */
export type PathSegment = string | number;

const IDENTIFIER = /^[A-Za-z_$][A-Za-z0-9_$]*$/;

/** Formats path segments as `elements[3].deadlines[0].duration` (keys that are not identifiers as `["a-b"]`). */
export function formatPath(segments: readonly PathSegment[]): string {
  let out = '';
  for (const segment of segments) {
    if (typeof segment === 'number') out += `[${segment}]`;
    else if (IDENTIFIER.test(segment)) out += out === '' ? segment : `.${segment}`;
    else out += `[${JSON.stringify(segment)}]`;
  }
  return out;
}

/** Parses a path written by `formatPath` back into segments. */
export function parsePath(path: string): PathSegment[] {
  const segments: PathSegment[] = [];
  const re = /\[(\d+)\]|\["((?:[^"\\]|\\.)*)"\]|\.?([A-Za-z_$][A-Za-z0-9_$]*)/gy;
  let match: RegExpExecArray | null;
  while (re.lastIndex < path.length && (match = re.exec(path)) !== null) {
    if (match[1] !== undefined) segments.push(Number(match[1]));
    else if (match[2] !== undefined) segments.push(JSON.parse(`"${match[2]}"`) as string);
    else if (match[3] !== undefined) segments.push(match[3]);
  }
  return segments;
}
