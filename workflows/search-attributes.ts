import {
  defineSearchAttributeKey,
  SearchAttributeType,
  type SearchAttributePair,
  type SearchAttributeUpdatePair,
} from '@temporalio/common';
import type { PetitionSearchValues } from './engine/view';

/**
 * Search attributes kept on every petition workflow. They are never encrypted, so they carry only opaque ids,
 * codes and categories — never the petitioner's personal information (design settled point 5).
 *
 * The dev server's SQL visibility store allows at most 10 Keyword, 3 Bool, 3 Datetime and 3 KeywordList custom
 * attributes per namespace: this set uses 10, 3, 3 and 1. The on-time flags are Bool, unset while the period is still
 * running. Further facts the dashboard and the annual report filter on are keywords of the one KeywordList
 * `PetitionFlags`, declared by the definition (`flags`), rather than an attribute each.
 */
export const PetitionSearchAttributes = {
  step: defineSearchAttributeKey('PetitionStep', SearchAttributeType.KEYWORD),
  department: defineSearchAttributeKey('PetitionDepartment', SearchAttributeType.KEYWORD),
  category: defineSearchAttributeKey('PetitionCategory', SearchAttributeType.KEYWORD),
  channel: defineSearchAttributeKey('PetitionChannel', SearchAttributeType.KEYWORD),
  status: defineSearchAttributeKey('PetitionStatus', SearchAttributeType.KEYWORD),
  receivedAt: defineSearchAttributeKey('PetitionReceivedAt', SearchAttributeType.DATETIME),
  dueAt: defineSearchAttributeKey('PetitionDueAt', SearchAttributeType.DATETIME),
  deadline: defineSearchAttributeKey('PetitionDeadline', SearchAttributeType.KEYWORD),
  overdue: defineSearchAttributeKey('PetitionOverdue', SearchAttributeType.BOOL),
  definition: defineSearchAttributeKey('PetitionDefinition', SearchAttributeType.KEYWORD),
  concerns: defineSearchAttributeKey('PetitionConcerns', SearchAttributeType.KEYWORD),
  acceptedOnTime: defineSearchAttributeKey('PetitionAcceptedOnTime', SearchAttributeType.BOOL),
  finishedOnTime: defineSearchAttributeKey('PetitionFinishedOnTime', SearchAttributeType.BOOL),
  satisfaction: defineSearchAttributeKey('PetitionSatisfaction', SearchAttributeType.KEYWORD),
  closedAt: defineSearchAttributeKey('PetitionClosedAt', SearchAttributeType.DATETIME),
  flags: defineSearchAttributeKey('PetitionFlags', SearchAttributeType.KEYWORD_LIST),
  /**
   * The same-matter key of the petitioner (Arts. 19, 36 ¶3): HMAC-SHA256 of the normalised identity under a secret of
   * the API (api/services/identity-key.ts), in hex. Set by registration only; the workflow never changes it.
   */
  identity: defineSearchAttributeKey('PetitionIdentity', SearchAttributeType.KEYWORD),
} as const;

/** Name → server type name, as `temporal server start-dev --search-attribute NAME=TYPE` and the operator service expect. */
export const searchAttributeRegistrations: ReadonlyArray<{ name: string; type: SearchAttributeType }> =
  Object.values(PetitionSearchAttributes).map((key) => ({ name: key.name, type: key.type }));

const SA = PetitionSearchAttributes;
const instant = (iso: string | null) => (iso ? new Date(iso) : null);

/**
 * The search-attribute updates that take a petition from `previous` (nothing when absent) to `values`: the workflow
 * upserts them after each step, registration sets the non-empty ones at start.
 */
export function searchAttributeUpdates(
  values: PetitionSearchValues,
  previous?: PetitionSearchValues,
): SearchAttributeUpdatePair[] {
  const all: Array<[keyof PetitionSearchValues, SearchAttributeUpdatePair]> = [
    ['step', { key: SA.step, value: values.step }],
    ['department', { key: SA.department, value: values.department }],
    ['category', { key: SA.category, value: values.category }],
    ['channel', { key: SA.channel, value: values.channel }],
    ['status', { key: SA.status, value: values.status }],
    ['receivedAt', { key: SA.receivedAt, value: new Date(values.receivedAt) }],
    ['dueAt', { key: SA.dueAt, value: instant(values.dueAt) }],
    ['deadline', { key: SA.deadline, value: values.deadline }],
    ['overdue', { key: SA.overdue, value: values.overdue }],
    ['definition', { key: SA.definition, value: values.definition }],
    ['concerns', { key: SA.concerns, value: values.concerns }],
    ['acceptedOnTime', { key: SA.acceptedOnTime, value: values.acceptedOnTime }],
    ['finishedOnTime', { key: SA.finishedOnTime, value: values.finishedOnTime }],
    ['satisfaction', { key: SA.satisfaction, value: values.satisfaction }],
    ['closedAt', { key: SA.closedAt, value: instant(values.closedAt) }],
    ['flags', { key: SA.flags, value: flagsValue(values.flags) }],
  ];
  return all
    .filter(([name]) => !previous || !sameValue(previous[name], values[name]))
    .map(([, pair]) => pair);
}

/** An empty list of flags is no attribute at all (as in petitions registered before flags existed). */
function flagsValue(flags: readonly string[] | undefined): string[] | null {
  return flags && flags.length > 0 ? [...flags] : null;
}

/** Values compare as they are upserted: lists by their items, a missing or empty list of flags as none. */
function sameValue(a: unknown, b: unknown): boolean {
  if (Array.isArray(a) || Array.isArray(b) || a === undefined || b === undefined) {
    const list = (v: unknown) => (Array.isArray(v) ? (v as unknown[]) : v === undefined ? [] : [v]);
    const x = list(a);
    const y = list(b);
    return x.length === y.length && x.every((v, i) => v === y[i]);
  }
  return a === b;
}

/** The search attributes a petition is started with (so list queries see it at once): the non-empty values. */
export function initialSearchAttributes(values: PetitionSearchValues): SearchAttributePair[] {
  return searchAttributeUpdates(values).filter((pair) => pair.value !== null) as SearchAttributePair[];
}
