/**
 * Definition migrations through Temporal: which petitions a filter matches (a visibility query built here, never
 * taken from the client), the dry run (each matched petition read through its query and moved by the same pure
 * `migrateState` and legal calendar the workflow uses), the batch workflow that moves them, and its report.
 */
import { createHash, randomBytes } from 'node:crypto';
import { type Client, type Connection, WorkflowNotFoundError } from '@temporalio/client';
import { WorkflowExecutionAlreadyStartedError } from '@temporalio/common';
import { calculateDeadline, type CalendarData } from '../../definitions/calendar';
import { pinDefinition } from '../../definitions/statutory/built-in';
import {
  indexDefinition,
  settleMigration,
  stateFromView,
  type Actor,
  type DeadlineState,
  type PetitionView,
} from '../../workflows/engine';
import {
  DEFAULT_MIGRATION_BATCH_SETTINGS,
  DEFINITION_MIGRATION_WORKFLOW_TYPE,
  definitionMigrationWorkflowId,
  migrationReportQuery,
  type DefinitionMigrationInput,
  type definitionMigration,
  type MigrationBatchSettings,
  type MigrationFilter,
  type MigrationReport,
  type MigrationReportPage,
} from '../../workflows/definition-migration';
import { petitionStateQuery, petitionWorkflowId } from '../../workflows/messages';
import { PetitionSearchAttributes as SA } from '../../workflows/search-attributes';
import { ApiError, TemporalTimeoutError } from '../errors';
import type { MigrationBody } from '../schemas/migrations';
import type { DefinitionService, PublishedDefinition } from './definitions';
import { requestHash } from './idempotency';
import { petitionIdOf } from './petition-ids';
import { toInstant, VisibilityQuery } from './supervision/visibility-query';
import { boundedCall } from './temporal-calls';

export interface MigrationServiceDeps {
  client: Client;
  connection: Connection;
  namespace: string;
  /** The task queue the worker polls (the batch workflow runs there, beside the petitions). */
  taskQueue: string;
  definitions?: DefinitionService;
  /** The legal calendar in force: the dry run computes the new due dates with it, as registration does. */
  calendar: () => CalendarData;
  rpcTimeoutMs: number;
  now: () => Date;
  /** How batches pace themselves (tests make them small to see them continue as new). */
  batch?: Partial<MigrationBatchSettings>;
}

/** Petitions read at once for a dry run (each read is a Query a worker answers). */
const DRY_RUN_READS = 8;

export function createMigrationService(deps: MigrationServiceDeps) {
  const { client, connection } = deps;
  const call = <T>(what: string, fn: () => Promise<T>) =>
    boundedCall(connection, deps.rpcTimeoutMs, what, fn);
  const settings: MigrationBatchSettings = { ...DEFAULT_MIGRATION_BATCH_SETTINGS, ...deps.batch };

  const registry = (): DefinitionService => {
    if (!deps.definitions)
      throw new ApiError(
        503,
        'definitions_unavailable',
        'The definition registry is not configured in this API process.',
      );
    return deps.definitions;
  };

  const workerUnavailable = (err: TemporalTimeoutError, what: string) =>
    new ApiError(
      503,
      'worker_unavailable',
      `No worker answered within ${err.ms / 1000} s (${what}); check GET /readyz and retry.`,
    );

  /** Both versions, published; the step map and the filter's steps checked against them (422 naming each problem). */
  async function versions(id: string, body: MigrationBody) {
    let source: PublishedDefinition | undefined;
    let target: PublishedDefinition | undefined;
    try {
      [source, target] = await Promise.all([registry().get(id, body.from), registry().get(id, body.to)]);
    } catch (err) {
      if (err instanceof TemporalTimeoutError) throw workerUnavailable(err, 'the definition registry');
      throw err;
    }
    const missing = [
      ...(source ? [] : [{ field: 'from', message: `${id}@${body.from} is not published` }]),
      ...(target ? [] : [{ field: 'to', message: `${id}@${body.to} is not published` }]),
    ];
    if (missing.length > 0 || !source || !target) {
      throw new ApiError(
        422,
        'unknown_definition',
        `${missing.map((m) => m.message).join('; ')}; GET /v1/definitions lists the published versions.`,
        missing,
      );
    }
    if (body.from === body.to) {
      throw new ApiError(
        422,
        'same_version',
        `from and to are both ${id}@${body.from}; a migration moves petitions to another version.`,
        [{ field: 'to', message: 'must differ from from' }],
      );
    }
    const before = indexDefinition(source.definition);
    const after = indexDefinition(target.definition);
    const problems: Array<{ field: string; message: string }> = [];
    for (const [step, to] of Object.entries(body.stepMap ?? {})) {
      if (!before.userTask(step))
        problems.push({ field: `stepMap.${step}`, message: `"${step}" is not a step of ${id}@${body.from}` });
      if (!after.userTask(to))
        problems.push({ field: `stepMap.${step}`, message: `"${to}" is not a step of ${id}@${body.to}` });
    }
    for (const step of body.filter?.steps ?? []) {
      if (!before.userTask(step))
        problems.push({ field: 'filter.steps', message: `"${step}" is not a step of ${id}@${body.from}` });
    }
    const registration = before.definition.registration;
    const category = body.filter?.category;
    if (category !== undefined && !Object.hasOwn(registration.categories, category))
      problems.push({
        field: 'filter.category',
        message: `"${category}" is not a category of ${id}@${body.from}`,
      });
    const channel = body.filter?.channel;
    if (channel !== undefined && !Object.hasOwn(registration.channels, channel))
      problems.push({
        field: 'filter.channel',
        message: `"${channel}" is not a channel of ${id}@${body.from}`,
      });
    if (problems.length > 0) {
      throw new ApiError(
        422,
        'invalid_migration',
        `The migration cannot be made as asked: ${problems.map((p) => `${p.field}: ${p.message}`).join('; ')}.`,
        problems,
      );
    }
    return { source, target };
  }

  /**
   * The petitions a migration of `id@from` matches: running, open, on that version, started before `asOf`, and
   * narrowed by the filter. Values are quoted by VisibilityQuery; no query text comes from the client.
   */
  function candidates(id: string, from: number, filter: MigrationFilter, asOf: Date): string {
    const query = new VisibilityQuery()
      .raw(`ExecutionStatus = 'Running'`)
      .eq(SA.definition.name, `${id}@${from}`)
      .eq(SA.status.name, 'open')
      .compare('StartTime', '<=', asOf)
      .eq(SA.department.name, filter.department)
      .eq(SA.category.name, filter.category)
      .eq(SA.channel.name, filter.channel)
      .compare(SA.receivedAt.name, '>=', filter.receivedAfter && toInstant(filter.receivedAfter))
      .compare(SA.receivedAt.name, '<', filter.receivedBefore && toInstant(filter.receivedBefore));
    if (filter.steps) query.in(SA.step.name, filter.steps);
    return query.toString();
  }

  async function readView(petitionId: string): Promise<PetitionView | undefined> {
    try {
      return await call('query petition', () =>
        client.workflow.getHandle(petitionWorkflowId(petitionId)).query(petitionStateQuery),
      );
    } catch (err) {
      if (err instanceof WorkflowNotFoundError) return undefined;
      if (err instanceof TemporalTimeoutError) throw workerUnavailable(err, `petition ${petitionId}`);
      throw err;
    }
  }

  /** Runs `fn` over `items`, at most `limit` at a time, answers in order. */
  async function mapLimited<T, R>(items: T[], limit: number, fn: (item: T) => Promise<R>): Promise<R[]> {
    const results: R[] = new Array(items.length);
    let next = 0;
    const lanes = Array.from({ length: Math.min(limit, items.length) }, async () => {
      while (next < items.length) {
        const i = next++;
        results[i] = await fn(items[i]!);
      }
    });
    await Promise.all(lanes);
    return results;
  }

  return {
    /** What a migration would do to each matched petition (one page of them); nothing is changed. */
    async dryRun(id: string, body: MigrationBody, actor: Actor) {
      const { source, target } = await versions(id, body);
      const now = deps.now();
      const at = now.toISOString();
      const query = candidates(id, body.from, body.filter ?? {}, now);
      const [count, page] = await Promise.all([
        call('count petitions', () =>
          client.workflowService.countWorkflowExecutions({ namespace: deps.namespace, query }),
        ),
        call('list petitions', () =>
          client.workflowService.listWorkflowExecutions({
            namespace: deps.namespace,
            query,
            pageSize: body.pageSize,
            nextPageToken: body.pageToken ? Buffer.from(body.pageToken, 'base64') : new Uint8Array(),
          }),
        ),
      ]);
      const ids = page.executions.map((e) => petitionIdOf(e.execution?.workflowId ?? ''));
      const calendar = deps.calendar();
      const items = await mapLimited(ids, DRY_RUN_READS, async (petitionId) => {
        const view = await readView(petitionId);
        if (!view) {
          return {
            id: petitionId,
            canMove: false,
            step: { from: '', to: null },
            refusal: { reason: 'closed', message: `Petition ${petitionId} is no longer running.` },
            deadlines: [],
          };
        }
        return dryRunItem(view, source, target, body.stepMap ?? {}, at, actor, calendar);
      });
      const next = page.nextPageToken && page.nextPageToken.length > 0 ? page.nextPageToken : undefined;
      return {
        dryRun: true as const,
        from: `${id}@${body.from}`,
        to: `${id}@${body.to}`,
        at,
        matched: Number(count.count ?? 0),
        items,
        nextPageToken: next ? Buffer.from(next).toString('base64') : null,
      };
    },

    /**
     * Starts the batch that moves the matched petitions. With an Idempotency-Key the migration id is derived from the
     * caller and the key: a retry answers the batch already started; the same key with another request is 409.
     */
    async start(id: string, body: MigrationBody, actor: Actor, idempotencyKey?: string) {
      const { source, target } = await versions(id, body);
      const now = deps.now();
      const { pageSize: _p, pageToken: _t, dryRun: _d, ...request } = body;
      const hash = requestHash({ id, ...request });
      const migrationId = idempotencyKey
        ? `m-${createHash('sha256')
            .update(`${actor.id ?? actor.role}\n${idempotencyKey}`)
            .digest('hex')
            .slice(0, 24)}`
        : `m-${randomBytes(12).toString('hex')}`;
      const filter = body.filter ?? {};
      const input: DefinitionMigrationInput = {
        migrationId,
        definitionId: id,
        from: { version: body.from, hash: source.hash },
        to: { id, version: body.to, hash: target.hash, ...pinDefinition(target.definition, target.hash) },
        stepMap: body.stepMap ?? {},
        filter,
        query: candidates(id, body.from, filter, now),
        actor,
        requestedAt: now.toISOString(),
        settings,
      };
      const answer = (replayed: boolean) => ({
        dryRun: false as const,
        id: migrationId,
        status: 'running',
        from: `${id}@${body.from}`,
        to: `${id}@${body.to}`,
        replayed,
      });
      try {
        await call('start migration', () =>
          client.workflow.start<typeof definitionMigration>(DEFINITION_MIGRATION_WORKFLOW_TYPE, {
            taskQueue: deps.taskQueue,
            workflowId: definitionMigrationWorkflowId(migrationId),
            args: [input],
            memo: { definitionId: id, requestHash: hash },
            // A finished migration's id is never reused: a retry of its request finds it, not a second batch.
            workflowIdReusePolicy: 'REJECT_DUPLICATE',
          }),
        );
        return answer(false);
      } catch (err) {
        if (!(err instanceof WorkflowExecutionAlreadyStartedError) || !idempotencyKey) throw err;
        const existing = await call('describe migration', () =>
          client.workflow.getHandle(definitionMigrationWorkflowId(migrationId)).describe(),
        );
        if (existing.memo?.['requestHash'] !== hash) {
          throw new ApiError(
            409,
            'idempotency_conflict',
            'This Idempotency-Key was already used for another migration; use a new key for a new migration.',
            { id: migrationId },
          );
        }
        return answer(true);
      }
    },

    /** The batch's request, counts and one page of per-petition outcomes. */
    async report(id: string, migrationId: string, page: MigrationReportPage) {
      const handle = client.workflow.getHandle<typeof definitionMigration>(
        definitionMigrationWorkflowId(migrationId),
      );
      const notFound = () =>
        new ApiError(404, 'not_found', `No migration ${migrationId} of definition ${id}.`);
      let description;
      try {
        description = await call('describe migration', () => handle.describe());
      } catch (err) {
        if (err instanceof WorkflowNotFoundError) throw notFound();
        throw err;
      }
      if (
        description.type !== DEFINITION_MIGRATION_WORKFLOW_TYPE ||
        description.memo?.['definitionId'] !== id
      )
        throw notFound();
      const status = description.status.name;
      let report: MigrationReport;
      try {
        if (status === 'COMPLETED') {
          // Finished: its result holds every kept outcome, and reading it needs no worker.
          const final = await call('read migration result', () => handle.result());
          report = { ...final, outcomes: pageOutcomes(final.outcomes.items, final.outcomes.dropped, page) };
        } else {
          report = await call('query migration', () => handle.query(migrationReportQuery, page));
        }
      } catch (err) {
        if (err instanceof TemporalTimeoutError) throw workerUnavailable(err, `migration ${migrationId}`);
        throw err;
      }
      const closed: Record<string, 'failed' | 'cancelled' | 'terminated' | 'timed-out'> = {
        FAILED: 'failed',
        CANCELLED: 'cancelled',
        TERMINATED: 'terminated',
        TIMED_OUT: 'timed-out',
      };
      return {
        id: report.migrationId,
        definition: report.definitionId,
        from: report.from,
        to: report.to,
        stepMap: report.stepMap,
        filter: report.filter as Record<string, unknown>,
        requestedBy: report.requestedBy,
        requestedAt: report.requestedAt,
        status: closed[status] ?? report.status,
        counts: report.counts,
        runs: report.runs,
        finishedAt: report.finishedAt,
        outcomes: report.outcomes,
      };
    },
  };
}

export type MigrationService = ReturnType<typeof createMigrationService>;

function pageOutcomes(
  all: MigrationReport['outcomes']['items'],
  dropped: number,
  page: MigrationReportPage,
): MigrationReport['outcomes'] {
  const kept = page.outcome ? all.filter((o) => o.outcome === page.outcome) : all;
  const offset = page.offset ?? 0;
  return { total: kept.length, dropped, offset, items: kept.slice(offset, offset + (page.limit ?? 100)) };
}

/** One petition of a dry run: whether it can move, to which step, and its deadlines after the move. */
function dryRunItem(
  view: PetitionView,
  source: PublishedDefinition,
  target: PublishedDefinition,
  stepMap: Record<string, string>,
  at: string,
  actor: Actor,
  calendar: CalendarData,
) {
  const refusal = (reason: string, message: string) => ({
    id: view.id,
    canMove: false,
    step: { from: view.step, to: null },
    refusal: { reason, message },
    deadlines: [],
  });
  if (
    view.definition.id === source.id &&
    view.definition.version === source.version &&
    view.definition.hash !== source.hash
  ) {
    return refusal(
      'wrong-version',
      `Petition ${view.id} follows a text of ${source.id}@${source.version} with hash ${view.definition.hash}, not the published ${source.hash}.`,
    );
  }
  const before = stateFromView(source.definition, view);
  const decided = settleMigration(
    source.definition,
    target.definition,
    before,
    { toHash: target.hash, stepMap, at, actor },
    (request) => calculateDeadline(request, calendar),
  );
  if (!decided.ok) {
    const details = decided.refusal.details as { reason?: string } | undefined;
    return refusal(details?.reason ?? decided.refusal.type, decided.refusal.message);
  }
  const prior = new Map(before.deadlines.map((d) => [d.key, d]));
  const after = new Map(decided.state.deadlines.map((d) => [d.key, d]));
  return {
    id: view.id,
    canMove: true,
    step: decided.plan.step,
    refusal: null,
    deadlines: decided.plan.deadlines.map((planned) => {
      const d = after.get(planned.key)!;
      const was: DeadlineState | undefined = prior.get(planned.key);
      const dueAt = d.status === 'paused' || d.status === 'cancelled' ? null : (d.calculation?.dueAt ?? null);
      return {
        key: d.key,
        id: d.deadlineId,
        name: d.name,
        step: d.step,
        fate: planned.fate,
        status: d.status,
        from: d.from,
        duration: d.duration,
        counting: d.counting,
        extendedDays: d.extendedDays,
        pausedDays: d.pausedDays,
        dueAt,
        lastDay: dueAt === null ? null : (d.calculation?.lastDay ?? null),
        overdue: d.missedAt !== undefined || (dueAt !== null && Date.parse(dueAt) <= Date.parse(at)),
        before: was
          ? { duration: was.duration, counting: was.counting, dueAt: was.calculation?.dueAt ?? null }
          : null,
      };
    }),
  };
}
