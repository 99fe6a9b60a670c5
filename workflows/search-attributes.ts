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
 * The dev server's SQL visibility store allows at most 10 Keyword, 3 Bool and 3 Datetime custom attributes per
 * namespace: this set uses 9, 3 and 3. The on-time flags are Bool, unset while the period is still running.
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
  ];
  return all.filter(([name]) => !previous || previous[name] !== values[name]).map(([, pair]) => pair);
}

/** The search attributes a petition is started with (so list queries see it at once): the non-empty values. */
export function initialSearchAttributes(values: PetitionSearchValues): SearchAttributePair[] {
  return searchAttributeUpdates(values).filter((pair) => pair.value !== null) as SearchAttributePair[];
}
