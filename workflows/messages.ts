import { defineQuery, defineSignal, defineUpdate } from '@temporalio/workflow';
import type { Definition } from '../definitions/language/schema';
import type { DefinitionRef } from '../definitions/statutory/built-in';
import type { Actor, BodyFacts, PetitionFacts, PetitionOutcome } from './engine/types';
import type { PrecomputedDeadline } from './engine/registration';
import type { PetitionSearchValues, PetitionSummary, PetitionView } from './engine/view';

/** The workflow type name; one workflow per petition, its id derived from the petition id. Never rename. */
export const PETITION_WORKFLOW_TYPE = 'petition';

/** Workflow id of a petition: the business key is the identity, so a second start is a typed conflict. */
export function petitionWorkflowId(petitionId: string): string {
  return `petition-${petitionId}`;
}

/** The input a petition workflow is started with: the facts and the pinned definition snapshot. */
export interface PetitionWorkflowInput {
  petitionId: string;
  /**
   * The definition the petition follows for its whole life (design settled point 1): a snapshot, or — for a
   * definition shipped with the code — `definitionRef`, resolved from definitions/statutory/built-in.ts and checked
   * against `definitionHash`. Exactly one of the two.
   */
  definition?: Definition;
  definitionRef?: DefinitionRef;
  /** Content hash of the definition (recorded in state and search attributes). */
  definitionHash: string;
  petition: PetitionFacts;
  registeredBy: Actor;
  /** Registration instant; defaults to the workflow start time. */
  registeredAt?: string;
  /**
   * What the department registry said at registration of the body that received the petition directly (its name
   * signs the documents; null: not registered). Absent in petitions registered before.
   */
  bodies?: Record<string, BodyFacts | null>;
  /**
   * What registration already decided (absent in petitions started before it did): the first step's deadlines,
   * computed with the legal calendar for exactly the requests the interpreter makes (the first workflow task uses
   * them instead of its local activity), and the search values the petition was started with (so the first task
   * upserts only what changed since).
   */
  registration?: {
    deadlines: PrecomputedDeadline[];
    searchValues: PetitionSearchValues;
  };
}

/** An action request, as the API sends it. */
export interface PetitionActionInput {
  action: string;
  actor: Actor;
  input: Record<string, unknown>;
  /** The client's request id (also the Update id, so a retry is applied once). */
  requestId?: string;
}

/**
 * Every action is an Update, not a Signal: the caller needs to know at once whether it was accepted, and the
 * validator rejects an invalid action before it reaches history (design settled point 3).
 */
export const petitionActionUpdate = defineUpdate<PetitionSummary, [PetitionActionInput]>('petitionAction');

/** The petition's whole read model (query: reads never touch history). */
export const petitionStateQuery = defineQuery<PetitionView>('petitionState');

/**
 * Newer holiday data was published: recompute provisional deadlines. A Signal because the publisher needs no
 * answer per petition and must not be blocked by thousands of them.
 */
export const calendarUpdatedSignal = defineSignal('calendarUpdated');

export type { PetitionOutcome, PetitionSummary, PetitionView };

/**
 * A report (检举控告) was read through the API: recorded in its timeline (Art. 30). A Signal: the reader must not
 * wait on the workflow, and nothing is refused.
 */
export const reportReadSignal = defineSignal<[{ actor: Actor }]>('reportRead');
