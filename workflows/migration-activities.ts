import type { MigrateDefinitionInput } from './messages';

/**
 * The activities of a definition migration batch (workflows/definition-migration.ts): the batch talks to Temporal —
 * visibility and the petitions' Updates — only through these. `activities/migrations.ts` implements them with the
 * worker's own client (and so its data converter).
 */

export interface MigrationCandidatesInput {
  /** The visibility query the API built from the migration's filter (never text from a client). */
  query: string;
  pageSize: number;
  /** Temporal's page token (base64) from the previous page; absent for the first. */
  pageToken?: string;
}

export interface MigrationCandidatesPage {
  petitionIds: string[];
  /** Absent on the last page. */
  nextPageToken?: string;
}

export interface MovePetitionsInput {
  /** The Update sent to each petition; its id is derived from `request.migrationId` and the petition id. */
  request: MigrateDefinitionInput;
  petitionIds: string[];
}

/** What became of one petition of the batch. */
export interface MigrationOutcome {
  petitionId: string;
  outcome: 'moved' | 'refused' | 'failed';
  /** Where its token was and where it went (moved). */
  step?: { from: string; to: string };
  /** Why it was refused (`details[0].reason` of the refusal, e.g. `no-counterpart`) or failed. */
  reason?: string;
  message?: string;
}

export interface MigrationActivities {
  /** How many petitions the query matches now (the batch's `matched`; visibility is eventually consistent). */
  countMigrationCandidates(input: { query: string }): Promise<number>;
  /** One page of the petitions the query matches, in visibility order. */
  listMigrationCandidates(input: MigrationCandidatesInput): Promise<MigrationCandidatesPage>;
  /**
   * Sends the migration Update to each petition, with the Update id `<migrationId>:<petitionId>`: a retry (a worker
   * lost in the middle) finds the Update Temporal already has and answers its outcome, so no petition moves twice.
   */
  movePetitions(input: MovePetitionsInput): Promise<MigrationOutcome[]>;
}

/** The Update id of one petition's move: derived from the migration and the petition, never from an attempt. */
export function migrationUpdateId(migrationId: string, petitionId: string): string {
  return `${migrationId}:${petitionId}`;
}
