import { defineSearchAttributeKey, SearchAttributeType } from '@temporalio/common';

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
export const searchAttributeRegistrations: ReadonlyArray<{ name: string; type: SearchAttributeType }> = Object.values(
  PetitionSearchAttributes,
).map((key) => ({ name: key.name, type: key.type }));
