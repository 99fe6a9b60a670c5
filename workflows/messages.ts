import { defineQuery, defineSignal, defineUpdate } from '@temporalio/workflow';
import type { Definition } from '../definitions/language/schema';
import type { DefinitionRef } from '../definitions/statutory/built-in';
import type { ActionAnswer } from './engine/answer';
import type { Caller } from './engine/authorize';
import type { Actor, BodyFacts, PetitionFacts, PetitionOutcome, Refusal } from './engine/types';
import type { PrecomputedDeadline } from './engine/registration';
import type { PetitionSearchValues, PetitionView } from './engine/view';

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

/**
 * An action request. The API sends `caller` (who asks, as it verified them): the validator then decides whether the
 * caller may see the petition at all, and the action is recorded under the actor derived from it. Requests recorded
 * before carried `actor` instead; a client that talks to Temporal directly (a test, a script: it can do anything to
 * the workflow anyway) may still send `actor` alone, which is trusted as it is.
 */
export interface PetitionActionInput {
  action: string;
  caller?: Caller;
  actor?: Actor;
  input: Record<string, unknown>;
  /** The client's request id, recorded with the action (retries reuse the Update id, see api/services/idempotency.ts). */
  requestId?: string;
}

/**
 * Every action is an Update, not a Signal: the caller needs to know at once whether it was accepted, and the
 * validator rejects an invalid action before it reaches history (design settled point 3). Its result is the answer
 * the API sends (design settled point 9).
 */
export const petitionActionUpdate = defineUpdate<ActionAnswer, [PetitionActionInput]>('petitionAction');

/** Who asks again for the answer to an action, by the Update id it was sent with. */
export interface ActionAnswerQueryInput {
  caller?: Caller;
  updateId: string;
}

/**
 * The answer to an earlier action, for a retry that finds the petition closed (Temporal answers a retried Update
 * itself only while the run is open): refused as the action would be, or the answer rebuilt from the entries that
 * action added, with the request id it was taken under (`answer` null when no action was taken under that Update id).
 */
export type ActionAnswerQueryResult =
  { refusal: Refusal } | { answer: ActionAnswer; requestId: string } | { answer: null };

export const petitionActionAnswerQuery = defineQuery<ActionAnswerQueryResult, [ActionAnswerQueryInput]>(
  'petitionActionAnswer',
);

/** The petition's whole read model (query: reads never touch history). */
export const petitionStateQuery = defineQuery<PetitionView>('petitionState');

/**
 * Newer holiday data was published: recompute provisional deadlines. A Signal because the publisher needs no
 * answer per petition and must not be blocked by thousands of them.
 */
export const calendarUpdatedSignal = defineSignal('calendarUpdated');

export type { ActionAnswer, PetitionOutcome, PetitionView };

/**
 * A report (检举控告) was read through the API: recorded in its timeline (Art. 30). A Signal: the reader must not
 * wait on the workflow, and nothing is refused.
 */
export const reportReadSignal = defineSignal<[{ actor: Actor }]>('reportRead');

/** A re-issued access code: the new code's hash (never the code) and who re-issued it. */
export interface ReissueAccessCodeInput {
  /** SHA-256 (hex) of the new code, normalised as api/auth/access-code.ts does. */
  accessCodeHash: string;
  actor: Actor;
}

/**
 * Re-issues a lost access code (Art. 21: the petitioner keeps following the petition): the memo's hash is replaced,
 * so the old code stops working at once, and the timeline records who did it. An Update: staff need to know that the
 * new code works before they hand it over, and a closed petition refuses it (its memo can no longer change).
 */
export const reissueAccessCodeUpdate = defineUpdate<{ reissuedAt: string }, [ReissueAccessCodeInput]>(
  'reissueAccessCode',
);

/** The version a migration moves petitions to, as the Update carries it: a snapshot, or the shipped `id@version`. */
export interface MigrationTarget {
  id: string;
  version: number;
  /** Content hash of the new version (recorded in the petition's state). */
  hash: string;
  /** Exactly one of the two, as a petition's input pins its definition (`pinDefinition`). */
  definition?: Definition;
  definitionRef?: DefinitionRef;
}

/** Move a running petition to another version of its definition (one petition of a definition migration). */
export interface MigrateDefinitionInput {
  /** The migration (batch) this move belongs to; the Update id is derived from it and the petition id. */
  migrationId: string;
  /** The version the petition must follow now; `hash`, when given, must match too. */
  from: { id: string; version: number; hash?: string };
  to: MigrationTarget;
  /** Old step → new step; a step not named moves to the step of the same id. */
  stepMap?: Record<string, string>;
  actor: Actor;
}

/** What a move answers (kept small: every Update result is stored in history). */
export interface MigrateDefinitionResult {
  petitionId: string;
  from: string;
  to: string;
  step: { from: string; to: string };
  deadlines: Array<{
    key: string;
    id: string;
    fate: 'kept' | 'changed' | 'cancelled' | 'armed';
    status: string;
    dueAt: string | null;
    lastDay: string | null;
  }>;
}

/**
 * Moving a petition to another definition version is an Update, not a Signal: the migration batch must know at once
 * whether this petition moved, and the validator refuses (a wrong `from` version, a step without counterpart, a
 * closed petition) before anything reaches history.
 */
export const migrateDefinitionUpdate = defineUpdate<MigrateDefinitionResult, [MigrateDefinitionInput]>(
  'migrateDefinition',
);
