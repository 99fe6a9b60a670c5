import type { DefinitionIndex } from './definition-index';
import type { PetitionState } from './types';

/** The FEEL evaluation context: declared variables, plus `input` and `actionTime` (reserved names). */
export function feelContext(
  state: PetitionState,
  input: Record<string, unknown> = {},
  actionTime?: string,
): Record<string, unknown> {
  return { ...state.variables, input, actionTime: actionTime ?? null };
}

/** The code of the body handling the petition: the value of the department assignee's variable, when it names one. */
export function handlingBody(
  index: DefinitionIndex,
  variables: PetitionState['variables'],
): string | undefined {
  const value = index.bodyVariable === undefined ? undefined : variables[index.bodyVariable];
  return typeof value === 'string' ? value : undefined;
}

/** The instant the petition was received (its registered `receivedAt`), as an ISO instant: a deadline's `receipt`. */
export function receivedAt(state: Pick<PetitionState, 'petition'>): string {
  return new Date(Date.parse(state.petition.receivedAt)).toISOString();
}
