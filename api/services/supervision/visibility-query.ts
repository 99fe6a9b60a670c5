/** Visibility queries built from validated parts, and the caller's department scope applied to them. */
import { PETITION_WORKFLOW_TYPE } from '../../../workflows/messages';
import { PetitionSearchAttributes as SA } from '../../../workflows/search-attributes';
import { ApiError } from '../../errors';

/**
 * A visibility query built from validated parts. Values are quoted here and refused if they could break out of a
 * literal, so no caller input is ever concatenated raw (values are also validated by the route schemas).
 */
export class VisibilityQuery {
  private readonly parts: string[] = [`WorkflowType = ${VisibilityQuery.quote(PETITION_WORKFLOW_TYPE)}`];

  static quote(value: string): string {
    if (!/^[\p{L}\p{N} _.:@+-]*$/u.test(value)) {
      throw new ApiError(
        400,
        'validation_failed',
        `The request is not valid: a filter value contains characters that are not allowed (${JSON.stringify(value)}).`,
      );
    }
    return `'${value}'`;
  }

  static instant(value: string | Date): string {
    const ms = typeof value === 'string' ? Date.parse(value) : value.getTime();
    if (Number.isNaN(ms))
      throw new ApiError(
        400,
        'validation_failed',
        `The request is not valid: ${String(value)} is not a date-time.`,
      );
    return `'${new Date(ms).toISOString()}'`;
  }

  eq(attribute: string, value: string | undefined): this {
    if (value !== undefined) this.parts.push(`${attribute} = ${VisibilityQuery.quote(value)}`);
    return this;
  }

  compare(attribute: string, op: '<' | '<=' | '>' | '>=', at: string | Date | undefined): this {
    if (at !== undefined) this.parts.push(`${attribute} ${op} ${VisibilityQuery.instant(at)}`);
    return this;
  }

  bool(attribute: string, value: boolean | undefined): this {
    if (value !== undefined) this.parts.push(`${attribute} = ${value ? 'true' : 'false'}`);
    return this;
  }

  in(attribute: string, values: readonly string[]): this {
    this.parts.push(`${attribute} IN (${values.map((v) => VisibilityQuery.quote(v)).join(', ')})`);
    return this;
  }

  /** A clause built from the static helpers above. */
  raw(clause: string): this {
    this.parts.push(`(${clause})`);
    return this;
  }

  toString(): string {
    return this.parts.join(' AND ');
  }
}

/** A day `YYYY-MM-DD` is read as the start of that day in Asia/Shanghai. */
export function toInstant(value: string): string {
  return /^\d{4}-\d{2}-\d{2}$/.test(value) ? `${value}T00:00:00+08:00` : value;
}

/** Department scope of the caller: staff of a body see their body only. */
export interface Scope {
  department?: string;
}

/** The query narrowed to what the caller's scope may list. */
export function scoped(query: VisibilityQuery, scope: Scope): VisibilityQuery {
  if (scope.department === undefined) return query;
  // A report is never listed to the body it concerns (Art. 30), even if it were ever held there.
  const dept = VisibilityQuery.quote(scope.department);
  return query
    .eq(SA.department.name, scope.department)
    .raw(`${SA.concerns.name} IS NULL OR ${SA.concerns.name} != ${dept}`);
}
