import { type Client, type Connection, WorkflowUpdateFailedError } from '@temporalio/client';
import { ApplicationFailure } from '@temporalio/common';
import type { Actor } from '../../workflows/engine';
import {
  DEFINITION_DRAFTS_WORKFLOW_ID,
  discardDraftUpdate,
  getDraftQuery,
  listDraftsQuery,
  saveDraftUpdate,
  type DefinitionDraft,
  type DraftSummary,
  type SaveDraftInput,
  type definitionDrafts,
} from '../../workflows/definition-drafts';
import { FailureType } from '../../workflows/failure-types';
import { ApiError } from '../errors';
import { boundedCall } from './temporal-calls';

export type { DefinitionDraft, DraftSummary };

/** Designers' drafts of definitions, kept between sessions (workflows/definition-drafts.ts). */
export interface DraftService {
  list(): Promise<DraftSummary[]>;
  get(id: string): Promise<DefinitionDraft | undefined>;
  /** Saves a draft; 409 `draft_conflict` when someone saved since `baseRevision`, or the store is full. */
  save(input: SaveDraftInput): Promise<DraftSummary>;
  /** Discards a draft (only `revision`, when given); false when there was none (or another revision). */
  discard(id: string, actor: Actor, revision?: number): Promise<boolean>;
}

export interface DraftServiceOptions {
  /** The task queue the worker polls (the drafts store runs there). */
  taskQueue: string;
  /** With a connection, every call is bounded by `rpcTimeoutMs` (default 10 s). */
  connection?: Connection;
  rpcTimeoutMs?: number;
  /** The store's workflow id (one per namespace in production; tests use their own). */
  storeId?: string;
}

/** The drafts store through Temporal: started on first use, then only queried and updated. */
export function createDraftService(client: Client, options: DraftServiceOptions): DraftService {
  const storeId = options.storeId ?? DEFINITION_DRAFTS_WORKFLOW_ID;
  const call = <T>(what: string, fn: () => Promise<T>): Promise<T> =>
    options.connection ? boundedCall(options.connection, options.rpcTimeoutMs ?? 10_000, what, fn) : fn();
  const handle = () => client.workflow.getHandle<typeof definitionDrafts>(storeId);
  let started: Promise<void> | undefined;
  const ensureStarted = (): Promise<void> => {
    started ??= client.workflow
      .start<typeof definitionDrafts>('definitionDrafts', {
        workflowId: storeId,
        taskQueue: options.taskQueue,
        workflowIdConflictPolicy: 'USE_EXISTING',
        args: [{ drafts: [] }],
      })
      .then(
        () => undefined,
        (err: unknown) => {
          started = undefined;
          throw err;
        },
      );
    return started;
  };
  return {
    async list() {
      await ensureStarted();
      return await call('read the drafts', () => handle().query(listDraftsQuery));
    },
    async get(id) {
      await ensureStarted();
      return (await call('read a draft', () => handle().query(getDraftQuery, { id }))) ?? undefined;
    },
    async save(input) {
      await ensureStarted();
      try {
        return await call('save a draft', () => handle().executeUpdate(saveDraftUpdate, { args: [input] }));
      } catch (err) {
        const cause = err instanceof WorkflowUpdateFailedError ? err.cause : undefined;
        if (cause instanceof ApplicationFailure && cause.type === FailureType.DraftConflict)
          throw new ApiError(409, 'draft_conflict', cause.message, { current: cause.details?.[0] ?? null });
        throw err;
      }
    },
    async discard(id, actor, revision) {
      await ensureStarted();
      return await call('discard a draft', () =>
        handle().executeUpdate(discardDraftUpdate, {
          args: [{ id, actor, ...(revision !== undefined && { revision }) }],
        }),
      );
    },
  };
}
