import type { Issue } from './issue';
import { parseDefinition, sourceLocator, type DefinitionFormat } from './parse';
import { rules } from './rules';
import type { Definition } from './schema';

/** Runs every rule over a parsed definition; an empty list means the definition is valid. */
export function validateDefinition(definition: Definition): Issue[] {
  return rules.flatMap((rule) => rule.check(definition));
}

export type SourceValidation =
  | { ok: true; definition: Definition; hash: string; issues: [] }
  | { ok: false; definition?: Definition; hash?: string; issues: Issue[] };

/** Parses and validates a definition's source text, attaching line and column to every issue the source shows. */
export function validateSource(text: string, format: DefinitionFormat): SourceValidation {
  const parsed = parseDefinition(text, format);
  if (!parsed.ok) return { ok: false, issues: parsed.issues };
  const issues = validateDefinition(parsed.definition);
  if (issues.length === 0) return { ok: true, definition: parsed.definition, hash: parsed.hash, issues: [] };
  const locate = sourceLocator(text, format);
  return {
    ok: false,
    definition: parsed.definition,
    hash: parsed.hash,
    issues: issues.map((issue) => {
      const position = locate(issue.path);
      return position ? { ...issue, line: position.line, column: position.column } : issue;
    }),
  };
}
