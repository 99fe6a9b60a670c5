import { ApplicationFailure } from '@temporalio/workflow';
import type { PetitionState } from './engine/types';
import { FailureType } from './failure-types';
import type { ReissueAccessCodeInput } from './messages';

/** Patch: the `reissueAccessCode` Update (its memo upsert and timeline entry are commands older code never made). */
export const ACCESS_CODE_REISSUE_PATCH = 'access-code-reissue';

/** Roles that may re-issue an access code (they check the petitioner's identity first; the API does the checking). */
const REISSUERS = new Set(['registrar', 'admin']);

/**
 * Refuses a re-issue the petition cannot take: a closed petition (its memo can no longer change), a hash that is not
 * one, an actor who may not. Used as the Update's validator and again inside its handler.
 */
export function checkReissue(state: PetitionState, input: ReissueAccessCodeInput): void {
  const refuse = (type: string, message: string) =>
    ApplicationFailure.create({ type, message, nonRetryable: true });
  if (state.status === 'closed') {
    throw refuse(
      FailureType.PetitionClosed,
      `Petition ${state.petitionId} is closed; its access code can no longer be re-issued.`,
    );
  }
  if (!/^[0-9a-f]{64}$/.test(input.accessCodeHash)) {
    throw refuse(FailureType.InvalidInput, 'accessCodeHash must be a SHA-256 in hex.');
  }
  if (!REISSUERS.has(input.actor.role)) {
    throw refuse(FailureType.Forbidden, `Role "${input.actor.role}" may not re-issue access codes.`);
  }
}
