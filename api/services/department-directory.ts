/**
 * What the API asks the department registry while it handles petitions: is a code registered (refused with near
 * matches when not), and who is whose superior (what a superior may see). One cached list of the registry serves
 * both; a code not found is looked up again before it is refused, so a body registered a moment ago is known.
 */
import { distance } from 'fastest-levenshtein';
import { ApiError, TemporalTimeoutError } from '../errors';
import type { DepartmentService, DepartmentView } from './departments';

/** How far a near match may be from the code given (edits: a letter added, dropped, changed). */
const NEAR_MATCH_DISTANCE = 3;
/** At most this many near matches are listed. */
const NEAR_MATCHES = 5;

/** A field of a request that names a body (`department`, `concerns`, an action's `department`). */
export interface BodyField {
  /** Where it is in the request, as validation errors name it: `body.department`. */
  field: string;
  code: string;
}

export interface DepartmentDirectory {
  /**
   * Refuses (422 `unknown_department`, naming each code and its near matches) codes that are not registered. With no
   * department registered at all there is nothing to check against, and every code passes.
   */
  requireKnown(fields: readonly BodyField[]): Promise<void>;
  /** The registry's relations: each body's superior (null at the top), and each body's direct subordinates. */
  relations(): Promise<DepartmentRelations>;
}

export interface DepartmentRelations {
  /** No department is registered. */
  empty: boolean;
  superiorOf(code: string): string | null | undefined;
  subordinatesOf(code: string): ReadonlySet<string>;
}

/** Codes within {@link NEAR_MATCH_DISTANCE} edits of `code` (case ignored), nearest first. */
export function nearMatches(code: string, known: Iterable<string>): string[] {
  const wanted = code.toLowerCase();
  return [...known]
    .map((candidate) => ({ candidate, d: distance(wanted, candidate.toLowerCase()) }))
    .filter(({ d }) => d <= NEAR_MATCH_DISTANCE)
    .sort((a, b) => a.d - b.d || a.candidate.localeCompare(b.candidate))
    .slice(0, NEAR_MATCHES)
    .map(({ candidate }) => candidate);
}

function relationsOf(departments: readonly DepartmentView[]): DepartmentRelations {
  const superior = new Map(departments.map((d) => [d.code, d.superior]));
  const subordinates = new Map<string, Set<string>>();
  for (const d of departments) {
    if (d.superior === null) continue;
    let set = subordinates.get(d.superior);
    if (!set) subordinates.set(d.superior, (set = new Set()));
    set.add(d.code);
  }
  const none: ReadonlySet<string> = new Set();
  return {
    empty: departments.length === 0,
    superiorOf: (code) => superior.get(code),
    subordinatesOf: (code) => subordinates.get(code) ?? none,
  };
}

export function createDepartmentDirectory(
  departments: Pick<DepartmentService, 'list'>,
  options: { cacheMs?: number; now?: () => number } = {},
): DepartmentDirectory {
  const cacheMs = options.cacheMs ?? 5_000;
  const now = options.now ?? Date.now;
  let cached: { at: number; list: Promise<DepartmentView[]> } | undefined;

  const list = (fresh = false): Promise<DepartmentView[]> => {
    if (!fresh && cached && now() - cached.at < cacheMs) return cached.list;
    const loading = departments.list().catch((err: unknown) => {
      if (cached?.list === loading) cached = undefined;
      if (err instanceof TemporalTimeoutError) {
        throw new ApiError(
          503,
          'departments_unavailable',
          `The department registry did not answer within ${err.ms / 1000} s (is a worker running? GET /readyz). The department codes could not be checked, so nothing was done; retry later.`,
        );
      }
      throw err;
    });
    cached = { at: now(), list: loading };
    return loading;
  };

  return {
    async requireKnown(fields) {
      if (fields.length === 0) return;
      let registered = await list();
      if (registered.length === 0) return;
      const isKnown = (codes: DepartmentView[]) => (f: BodyField) => codes.some((d) => d.code === f.code);
      if (!fields.every(isKnown(registered))) registered = await list(true);
      if (registered.length === 0) return;
      const unknown = fields.filter((f) => !isKnown(registered)(f));
      if (unknown.length === 0) return;
      const codes = registered.map((d) => d.code);
      const details = unknown.map((f) => ({
        field: f.field,
        code: f.code,
        nearMatches: nearMatches(f.code, codes),
      }));
      throw new ApiError(
        422,
        'unknown_department',
        details
          .map(
            (d) =>
              `${d.field}: no department "${d.code}" is registered` +
              (d.nearMatches.length > 0
                ? ` (did you mean ${d.nearMatches.map((m) => `"${m}"`).join(', ')}?)`
                : '') +
              '.',
          )
          .join(' ') + ' GET /v1/departments lists the registered codes.',
        details,
      );
    },
    async relations() {
      return relationsOf(await list());
    },
  };
}
