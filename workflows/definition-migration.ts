import {
  allHandlersFinished,
  condition,
  defineQuery,
  makeContinueAsNewFunc,
  proxyActivities,
  setHandler,
  workflowInfo,
} from '@temporalio/workflow';
import type { Actor } from './engine/types';
import type { MigrateDefinitionInput, MigrationTarget } from './messages';
import type { MigrationActivities, MigrationOutcome } from './migration-activities';

/** The workflow type of a migration batch. Never rename. */
export const DEFINITION_MIGRATION_WORKFLOW_TYPE = 'definitionMigration';

/** Workflow id of a migration batch: one per migration id. */
export function definitionMigrationWorkflowId(migrationId: string): string {
  return `migration-${migrationId}`;
}

/** Which petitions of `id@from` a migration moves: a small language mapped onto the search attributes. */
export interface MigrationFilter {
  /** Steps (element ids of `from`) the petition rests on; any of them. */
  steps?: string[];
  /** The body holding it (`PetitionDepartment`). */
  department?: string;
  category?: string;
  channel?: string;
  /** Received at or after / before (ISO instants). */
  receivedAfter?: string;
  receivedBefore?: string;
}

/** How a batch paces itself (defaults: pages of 100, Updates 20 at a time, a new run every 500 petitions). */
export interface MigrationBatchSettings {
  pageSize: number;
  chunkSize: number;
  /** The batch continues as new after this many petitions, so its history stays bounded. */
  petitionsPerRun: number;
  /** Outcomes kept for the progress report; beyond, they are counted only. */
  maxOutcomes: number;
}

export const DEFAULT_MIGRATION_BATCH_SETTINGS: MigrationBatchSettings = {
  pageSize: 100,
  chunkSize: 20,
  petitionsPerRun: 500,
  maxOutcomes: 5_000,
};

export interface DefinitionMigrationInput {
  migrationId: string;
  definitionId: string;
  from: { version: number; hash: string };
  to: MigrationTarget;
  stepMap: Record<string, string>;
  filter: MigrationFilter;
  /** The visibility query the API built from the filter: the definition `id@from`, open, started before the request. */
  query: string;
  actor: Actor;
  requestedAt: string;
  settings: MigrationBatchSettings;
  /** Carried over from the previous run (continue-as-new). */
  progress?: MigrationProgress;
}

export interface MigrationCounts {
  /** The petitions the query matched when the batch began (visibility is eventually consistent). */
  matched: number | null;
  processed: number;
  moved: number;
  refused: number;
  failed: number;
  /** `matched - processed`, never below 0; 0 once the batch completed. */
  remaining: number | null;
}

export interface MigrationProgress {
  status: 'running' | 'completed';
  counts: MigrationCounts;
  /** Outcomes in the order the petitions were processed, the first `maxOutcomes` of them. */
  outcomes: MigrationOutcome[];
  /** Outcomes counted but not kept (beyond `maxOutcomes`). */
  outcomesDropped: number;
  /** Where the listing goes on (Temporal's page token, base64); null before the first page and after the last. */
  pageToken: string | null;
  /** Runs of the batch so far (it continues as new every `petitionsPerRun` petitions). */
  runs: number;
  startedAt: string;
  finishedAt: string | null;
}

/** What the API shows of a batch: the request and its progress, with one page of outcomes. */
export interface MigrationReport {
  migrationId: string;
  definitionId: string;
  from: number;
  to: number;
  stepMap: Record<string, string>;
  filter: MigrationFilter;
  requestedBy: Actor;
  requestedAt: string;
  status: MigrationProgress['status'];
  counts: MigrationCounts;
  runs: number;
  finishedAt: string | null;
  outcomes: { total: number; dropped: number; offset: number; items: MigrationOutcome[] };
}

export interface MigrationReportPage {
  offset?: number;
  limit?: number;
  outcome?: MigrationOutcome['outcome'];
}

/** The batch's report (a Query: reads never touch history). */
export const migrationReportQuery = defineQuery<MigrationReport, [MigrationReportPage]>('migrationReport');

const lookup = proxyActivities<MigrationActivities>({
  startToCloseTimeout: '1 minute',
  retry: { initialInterval: '1 second', backoffCoefficient: 2, maximumInterval: '1 minute' },
});

/**
 * Each attempt heartbeats after every petition: an attempt lost with its worker is retried by another within the
 * heartbeat timeout, and the retried Updates (same ids) answer what Temporal already did.
 */
const mover = proxyActivities<MigrationActivities>({
  startToCloseTimeout: '10 minutes',
  heartbeatTimeout: '10 seconds',
  retry: { initialInterval: '1 second', backoffCoefficient: 2, maximumInterval: '1 minute' },
});

/**
 * A definition migration: moves every petition of `id@from` its query matches to `to`, one Update per petition, and
 * keeps count. Durable and resumable: the listing walks visibility with Temporal's page token (a position in
 * visibility order, so petitions dropping out of the query as they move shift nothing); a worker lost in the middle
 * of a chunk leaves an activity that another worker retries with the same Update ids; the batch continues as new
 * every `petitionsPerRun` petitions, carrying its progress.
 */
export async function definitionMigration(input: DefinitionMigrationInput): Promise<MigrationReport> {
  const { settings } = input;
  const progress: MigrationProgress = input.progress ?? {
    status: 'running',
    counts: { matched: null, processed: 0, moved: 0, refused: 0, failed: 0, remaining: null },
    outcomes: [],
    outcomesDropped: 0,
    pageToken: null,
    runs: 1,
    startedAt: input.requestedAt,
    finishedAt: null,
  };
  setHandler(migrationReportQuery, (page) => reportOf(input, progress, page));

  if (progress.counts.matched === null) {
    progress.counts.matched = await lookup.countMigrationCandidates({ query: input.query });
    progress.counts.remaining = progress.counts.matched;
  }
  const request: MigrateDefinitionInput = {
    migrationId: input.migrationId,
    from: { id: input.definitionId, version: input.from.version, hash: input.from.hash },
    to: input.to,
    stepMap: input.stepMap,
    actor: input.actor,
  };
  let thisRun = 0;
  for (;;) {
    const page = await lookup.listMigrationCandidates({
      query: input.query,
      pageSize: settings.pageSize,
      ...(progress.pageToken !== null && { pageToken: progress.pageToken }),
    });
    for (let i = 0; i < page.petitionIds.length; i += settings.chunkSize) {
      const petitionIds = page.petitionIds.slice(i, i + settings.chunkSize);
      record(progress, await mover.movePetitions({ request, petitionIds }), settings.maxOutcomes);
    }
    thisRun += page.petitionIds.length;
    progress.pageToken = page.nextPageToken ?? null;
    if (progress.pageToken === null) break;
    if (thisRun >= settings.petitionsPerRun || workflowInfo().continueAsNewSuggested) {
      await condition(allHandlersFinished);
      const next = makeContinueAsNewFunc<typeof definitionMigration>({ memo: workflowInfo().memo ?? {} });
      await next({ ...input, progress: { ...progress, runs: progress.runs + 1 } });
    }
  }
  progress.status = 'completed';
  progress.counts.remaining = 0;
  progress.finishedAt = new Date().toISOString();
  await condition(allHandlersFinished);
  return reportOf(input, progress, { limit: settings.maxOutcomes });
}

function record(progress: MigrationProgress, outcomes: MigrationOutcome[], maxOutcomes: number): void {
  const counts = progress.counts;
  for (const outcome of outcomes) {
    counts.processed += 1;
    counts[outcome.outcome] += 1;
    if (progress.outcomes.length < maxOutcomes) progress.outcomes.push(outcome);
    else progress.outcomesDropped += 1;
  }
  if (counts.matched !== null) counts.remaining = Math.max(0, counts.matched - counts.processed);
}

/** The report with one page of outcomes (all of one kind when `outcome` is given). */
export function reportOf(
  input: DefinitionMigrationInput,
  progress: MigrationProgress,
  page: MigrationReportPage,
): MigrationReport {
  const offset = Math.max(0, page.offset ?? 0);
  const limit = Math.max(0, page.limit ?? 100);
  const kept = page.outcome ? progress.outcomes.filter((o) => o.outcome === page.outcome) : progress.outcomes;
  return {
    migrationId: input.migrationId,
    definitionId: input.definitionId,
    from: input.from.version,
    to: input.to.version,
    stepMap: input.stepMap,
    filter: input.filter,
    requestedBy: input.actor,
    requestedAt: input.requestedAt,
    status: progress.status,
    counts: { ...progress.counts },
    runs: progress.runs,
    finishedAt: progress.finishedAt,
    outcomes: {
      total: kept.length,
      dropped: progress.outcomesDropped,
      offset,
      items: kept.slice(offset, offset + limit),
    },
  };
}
