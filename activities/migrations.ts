/**
 * The activities of a definition migration batch: visibility reads and the petitions' migration Updates, made with the
 * worker's own client (built by the Worker with its data converter, so the Updates are encrypted like everything
 * else). The batch workflow only sees the contracts in workflows/migration-activities.ts.
 */
import { Context } from '@temporalio/activity';
import { type Client, WorkflowNotFoundError, WorkflowUpdateFailedError } from '@temporalio/client';
import { ApplicationFailure } from '@temporalio/common';
import { FailureType } from '../workflows/failure-types';
import { migrateDefinitionUpdate, petitionWorkflowId } from '../workflows/messages';
import {
  migrationUpdateId,
  type MigrationActivities,
  type MigrationCandidatesPage,
  type MigrationOutcome,
} from '../workflows/migration-activities';

export interface MigrationActivityOptions {
  /** The client to call Temporal with; default: the worker's client of the running activity. */
  client?: () => Client;
  /** How long one petition's Update may take before the attempt is given up and retried (default 30 s). */
  updateTimeoutMs?: number;
  /** From this attempt on, a petition whose Update still cannot be made is recorded as failed (default 5). */
  failAfterAttempts?: number;
}

const PREFIX = petitionWorkflowId('');

/** Refusals that say "not yet" rather than "no": the attempt is retried. */
const RETRYABLE = new Set<string>([FailureType.NotStarted]);

export function createMigrationActivities(options: MigrationActivityOptions = {}): MigrationActivities {
  const client = options.client ?? (() => Context.current().client);
  const updateTimeoutMs = options.updateTimeoutMs ?? 30_000;
  const failAfter = options.failAfterAttempts ?? 5;

  return {
    async countMigrationCandidates({ query }) {
      const c = client();
      const { count } = await c.workflowService.countWorkflowExecutions({
        namespace: c.options.namespace,
        query,
      });
      return Number(count ?? 0);
    },

    async listMigrationCandidates({ query, pageSize, pageToken }): Promise<MigrationCandidatesPage> {
      const c = client();
      const res = await c.workflowService.listWorkflowExecutions({
        namespace: c.options.namespace,
        query,
        pageSize,
        nextPageToken: pageToken ? Buffer.from(pageToken, 'base64') : new Uint8Array(),
      });
      const petitionIds = res.executions
        .map((e) => e.execution?.workflowId ?? '')
        .filter((id) => id.startsWith(PREFIX))
        .map((id) => id.slice(PREFIX.length));
      const next = res.nextPageToken && res.nextPageToken.length > 0 ? res.nextPageToken : undefined;
      return { petitionIds, ...(next && { nextPageToken: Buffer.from(next).toString('base64') }) };
    },

    async movePetitions({ request, petitionIds }): Promise<MigrationOutcome[]> {
      const c = client();
      const attempt = Context.current().info.attempt;
      let settled = 0;
      const move = async (petitionId: string): Promise<MigrationOutcome> => {
        try {
          const result = await c.connection.withDeadline(Date.now() + updateTimeoutMs, () =>
            c.workflow.getHandle(petitionWorkflowId(petitionId)).executeUpdate(migrateDefinitionUpdate, {
              args: [request],
              updateId: migrationUpdateId(request.migrationId, petitionId),
            }),
          );
          return { petitionId, outcome: 'moved', step: result.step };
        } catch (err) {
          const refused = refusalOf(petitionId, err);
          if (refused) return refused;
          if (attempt < failAfter) throw err;
          return {
            petitionId,
            outcome: 'failed',
            reason: 'unconfirmed',
            message: `The move could not be confirmed after ${attempt} attempts (${(err as Error).message}); if Temporal accepted the Update, the petition still moves once its workflow runs again.`,
          };
        } finally {
          settled += 1;
          Context.current().heartbeat(settled);
        }
      };
      // Every petition's Update is sent before any failure is rethrown: a retry then finds each one Temporal has.
      const results = await Promise.allSettled(petitionIds.map(move));
      const lost = results.find((r): r is PromiseRejectedResult => r.status === 'rejected');
      if (lost) throw lost.reason;
      return results.map((r) => (r as PromiseFulfilledResult<MigrationOutcome>).value);
    },
  };
}

/** The outcome when the petition said no (its validator refused, or it is gone); undefined for "try again". */
function refusalOf(petitionId: string, err: unknown): MigrationOutcome | undefined {
  if (err instanceof WorkflowNotFoundError) {
    return {
      petitionId,
      outcome: 'refused',
      reason: 'closed',
      message: `Petition ${petitionId} is no longer running (it closed after it was listed).`,
    };
  }
  if (err instanceof WorkflowUpdateFailedError && err.cause instanceof ApplicationFailure) {
    const cause = err.cause;
    if (RETRYABLE.has(cause.type ?? '')) return undefined;
    const details = cause.details?.[0] as { reason?: unknown } | undefined;
    return {
      petitionId,
      outcome: 'refused',
      reason: typeof details?.reason === 'string' ? details.reason : (cause.type ?? 'refused'),
      message: cause.message,
    };
  }
  return undefined;
}
