import type { PetitionState } from './types';

/** The FEEL evaluation context: declared variables, plus `input` and `actionTime` (reserved names). */
export function feelContext(
  state: PetitionState,
  input: Record<string, unknown> = {},
  actionTime?: string,
): Record<string, unknown> {
  return { ...state.variables, input, actionTime: actionTime ?? null };
}
