/**
 * How a petition is started, decided once for every caller that starts one (registration in the API, the bench's
 * seeding, the workflow tests): registration settled with the workflow's own interpreter and the legal calendar, the
 * definition pinned (the shipped one by reference), the first step's deadlines and search values in the input, and
 * the search attributes of the registered state.
 */
import type { SearchAttributePair } from '@temporalio/common';
import { calculateDeadline, type CalendarData } from '../../definitions/calendar';
import type { Definition } from '../../definitions/language/schema';
import { pinDefinition } from '../../definitions/statutory/built-in';
import {
  searchValuesOf,
  settleRegistration,
  type Actor,
  type BodyFacts,
  type PetitionFacts,
  type PetitionState,
} from '../../workflows/engine';
import type { PetitionWorkflowInput } from '../../workflows/messages';
import { initialSearchAttributes } from '../../workflows/search-attributes';

export interface PetitionStart {
  /** The workflow's input. */
  input: PetitionWorkflowInput;
  /** The search attributes to start it with. */
  searchAttributes: SearchAttributePair[];
  /** The state it is registered in (what registration answers with). */
  state: PetitionState;
}

/** Throws the interpreter's `EngineError` when the definition cannot register the petition. */
export function petitionStart(opts: {
  petitionId: string;
  definition: Definition;
  definitionHash: string;
  petition: PetitionFacts;
  registeredBy: Actor;
  registeredAt: string;
  calendar: CalendarData;
  /** What the department registry says of the body that received it directly (its name signs documents). */
  bodies?: Record<string, BodyFacts | null>;
}): PetitionStart {
  const { petitionId, definition, definitionHash, petition, registeredBy, registeredAt, calendar, bodies } =
    opts;
  const settled = settleRegistration(
    definition,
    {
      type: 'start',
      at: registeredAt,
      petitionId,
      definitionHash,
      petition,
      actor: registeredBy,
      ...(bodies && { bodies }),
    },
    (request) => calculateDeadline(request, calendar),
  );
  const searchValues = searchValuesOf(definition, settled.state);
  return {
    input: {
      petitionId,
      // The shipped statutory definition goes by reference (every worker has it); a published one as a snapshot.
      ...pinDefinition(definition, definitionHash),
      definitionHash,
      petition,
      registeredBy,
      registeredAt,
      ...(bodies && { bodies }),
      registration: { deadlines: settled.deadlines, searchValues },
    },
    searchAttributes: initialSearchAttributes(searchValues),
    state: settled.state,
  };
}
