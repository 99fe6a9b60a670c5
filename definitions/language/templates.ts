/**
 * Document templates: `{{path}}` placeholders over the petition's facts. The vocabulary is fixed here so the
 * validator, the statutory templates and the document activity agree on it:
 *
 * - `petitionId`, `documentId`, `stepName` (the step's name), `at` (the instant the document is generated)
 * - `petition.<field>`: the registered facts — see `PETITION_PLACEHOLDERS`
 * - `variables.<name>`: any declared variable (after the action's `set` has been applied)
 * - `input.<field>`: a field of the action that generates the document (action documents only)
 * - `deadline.<field>`: the deadline an `extend` action changed (its documents only) — see `DEADLINE_PLACEHOLDERS`
 * - `names.<variable>`: the registered name of the body whose code the variable holds (the department registry's
 *   `name`), or the variable's value itself when the registry has no such body (the timeline says so)
 * - `superiorNames.<variable>`: the registered name of that body's superior, when the registry names one
 *
 * A placeholder whose value is missing renders as an empty string, or as the text after a `|` when it has one:
 * `{{superiorNames.department|上一级机关、单位}}`.
 */

export const SCALAR_PLACEHOLDERS = ['petitionId', 'documentId', 'stepName', 'at'] as const;

export const PETITION_PLACEHOLDERS = [
  'subject',
  'content',
  'receivedAt',
  'category',
  'channel',
  'department',
  'concerns',
  'petitioner.name',
  'petitioner.address',
  'petitioner.phone',
] as const;

export const DEADLINE_PLACEHOLDERS = [
  'name',
  'article',
  'from',
  'duration',
  'counting',
  'extendedDays',
  'pausedDays',
  'lastDay',
  'dueAt',
  'provisional',
  'explanation',
  'originalLastDay',
  'approvedBy',
  'approverTitle',
  'extensionReason',
] as const;

/** Roots whose field is a declared variable: `variables.x`, `names.x`, `superiorNames.x`. */
export const VARIABLE_ROOTS = ['variables', 'names', 'superiorNames'] as const;

export interface Placeholder {
  /** The dotted path inside the braces, trimmed (without its `|` fallback). */
  path: string;
  /** The text after `|`, rendered when the value is missing. */
  fallback?: string;
  /** Offset of the opening braces in the template. */
  offset: number;
}

const PLACEHOLDER = /\{\{\s*([^{}]*?)\s*\}\}/g;

/** The placeholders of a template, and the offset of an opening `{{` that is never closed (if any). */
export function placeholdersOf(template: string): { placeholders: Placeholder[]; unclosedAt?: number } {
  const placeholders: Placeholder[] = [];
  for (const match of template.matchAll(PLACEHOLDER)) {
    const { path, fallback } = splitFallback(match[1]!);
    placeholders.push({ path, offset: match.index, ...(fallback !== undefined && { fallback }) });
  }
  const stripped = template.replace(PLACEHOLDER, (m) => ' '.repeat(m.length));
  const unclosed = stripped.indexOf('{{');
  return unclosed >= 0 ? { placeholders, unclosedAt: unclosed } : { placeholders };
}

function splitFallback(inner: string): { path: string; fallback?: string } {
  const bar = inner.indexOf('|');
  if (bar < 0) return { path: inner };
  return { path: inner.slice(0, bar).trim(), fallback: inner.slice(bar + 1) };
}

/**
 * Renders a template over a scope shaped like the vocabulary above; missing values (and empty strings) render as
 * the placeholder's fallback, or ''.
 */
export function renderTemplate(template: string, scope: Record<string, unknown>): string {
  return template.replace(PLACEHOLDER, (_match, inner: string) => {
    const { path, fallback } = splitFallback(inner);
    let value: unknown = scope;
    for (const key of path.split('.')) {
      value =
        value !== null && typeof value === 'object' ? (value as Record<string, unknown>)[key] : undefined;
    }
    if (value === undefined || value === null || (fallback !== undefined && value === ''))
      return fallback ?? '';
    return typeof value === 'object' ? JSON.stringify(value) : String(value);
  });
}
