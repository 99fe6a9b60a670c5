/**
 * Document templates: `{{path}}` placeholders over the petition's facts. The vocabulary is fixed here so the
 * validator, the statutory templates and the document activity agree on it:
 *
 * - `petitionId`, `documentId`, `stepName` (the step's name), `at` (the instant the document is generated)
 * - `petition.<field>`: the registered facts — see `PETITION_PLACEHOLDERS`
 * - `variables.<name>`: any declared variable (after the action's `set` has been applied)
 * - `input.<field>`: a field of the action that generates the document (action documents only)
 * - `deadline.<field>`: the deadline an `extend` action changed (its documents only) — see `DEADLINE_PLACEHOLDERS`
 *
 * A placeholder whose value is missing renders as an empty string.
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
] as const;

export interface Placeholder {
  /** The dotted path inside the braces, trimmed. */
  path: string;
  /** Offset of the opening braces in the template. */
  offset: number;
}

const PLACEHOLDER = /\{\{\s*([^{}]*?)\s*\}\}/g;

/** The placeholders of a template, and the offset of an opening `{{` that is never closed (if any). */
export function placeholdersOf(template: string): { placeholders: Placeholder[]; unclosedAt?: number } {
  const placeholders: Placeholder[] = [];
  for (const match of template.matchAll(PLACEHOLDER))
    placeholders.push({ path: match[1]!, offset: match.index });
  const stripped = template.replace(PLACEHOLDER, (m) => ' '.repeat(m.length));
  const unclosed = stripped.indexOf('{{');
  return unclosed >= 0 ? { placeholders, unclosedAt: unclosed } : { placeholders };
}

/** Renders a template over a scope shaped like the vocabulary above; missing values render as ''. */
export function renderTemplate(template: string, scope: Record<string, unknown>): string {
  return template.replace(PLACEHOLDER, (_match, path: string) => {
    let value: unknown = scope;
    for (const key of path.split('.')) {
      value =
        value !== null && typeof value === 'object' ? (value as Record<string, unknown>)[key] : undefined;
    }
    return value === undefined || value === null
      ? ''
      : typeof value === 'object'
        ? JSON.stringify(value)
        : String(value);
  });
}
