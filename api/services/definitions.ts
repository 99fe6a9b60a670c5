import { type Client, WorkflowUpdateFailedError } from '@temporalio/client';
import { ApplicationFailure } from '@temporalio/common';
import type { Issue } from '../../definitions/language/issue';
import type { DefinitionFormat } from '../../definitions/language/parse';
import { validateSource } from '../../definitions/language/validate';
import { statutoryDefinitions } from '../../definitions/statutory';
import type { Actor } from '../../workflows/engine';
import {
  DEFINITION_REGISTRY_WORKFLOW_ID,
  type DefinitionSummary,
  getDefinitionQuery,
  listDefinitionsQuery,
  publishDefinitionUpdate,
  type PublishedDefinition,
  type definitionRegistry,
} from '../../workflows/registry';
import { FailureType } from '../../workflows/failure-types';

export type { DefinitionSummary, PublishedDefinition };

/** The definitions published at run time (designers), read by registration to pin each petition's snapshot. */
export interface DefinitionService {
  list(): Promise<DefinitionSummary[]>;
  get(id: string, version?: number): Promise<PublishedDefinition | undefined>;
  latest(id: string): Promise<PublishedDefinition | undefined>;
  publish(
    source: string,
    format: DefinitionFormat,
    actor: Actor,
  ): Promise<
    | { ok: true; definition: DefinitionSummary }
    | { ok: false; conflict?: boolean; issues: Issue[]; message: string }
  >;
}

export interface DefinitionServiceOptions {
  /** The task queue the worker polls (the registry workflow runs there). */
  taskQueue: string;
  /** How long a `latest()` answer is reused, so registrations do not each cost a query (default 5 s). */
  cacheMs?: number;
  now?: () => number;
  /** The registry's workflow id (one per namespace in production; tests use their own). */
  registryId?: string;
}

/**
 * The definition registry through Temporal: the registry workflow is started on first use (seeded with the
 * statutory default) and then only queried and updated.
 */
export function createDefinitionService(
  client: Client,
  options: DefinitionServiceOptions,
): DefinitionService {
  const now = options.now ?? Date.now;
  const cacheMs = options.cacheMs ?? 5_000;
  const cache = new Map<string, { at: number; value: PublishedDefinition | undefined }>();
  let started: Promise<void> | undefined;
  const registryId = options.registryId ?? DEFINITION_REGISTRY_WORKFLOW_ID;

  const handle = () => client.workflow.getHandle<typeof definitionRegistry>(registryId);

  const ensureStarted = (): Promise<void> => {
    started ??= client.workflow
      .start<typeof definitionRegistry>('definitionRegistry', {
        workflowId: registryId,
        taskQueue: options.taskQueue,
        workflowIdConflictPolicy: 'USE_EXISTING',
        args: [
          {
            definitions: [],
            seed: statutoryDefinitions().map((definition) => ({
              definition,
              actor: { role: 'system', id: 'seed' },
            })),
          },
        ],
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

  const get = async (id: string, version?: number) => {
    await ensureStarted();
    return (await handle().query(getDefinitionQuery, { id, version })) ?? undefined;
  };

  return {
    async list() {
      await ensureStarted();
      return await handle().query(listDefinitionsQuery);
    },
    get,
    async latest(id) {
      const hit = cache.get(id);
      if (hit && now() - hit.at < cacheMs) return hit.value;
      const value = await get(id);
      cache.set(id, { at: now(), value });
      return value;
    },
    async publish(source, format, actor) {
      const checked = validateSource(source, format);
      if (!checked.ok) {
        return {
          ok: false,
          issues: checked.issues,
          message: `The definition has ${checked.issues.length} issue(s).`,
        };
      }
      await ensureStarted();
      try {
        const definition = await handle().executeUpdate(publishDefinitionUpdate, {
          args: [{ definition: checked.definition, actor }],
        });
        cache.delete(definition.id);
        return { ok: true, definition };
      } catch (err) {
        const cause = err instanceof WorkflowUpdateFailedError ? err.cause : undefined;
        if (cause instanceof ApplicationFailure) {
          const details = cause.details?.[0];
          return {
            ok: false,
            conflict: cause.type === FailureType.DefinitionVersionExists,
            issues: Array.isArray(details) ? (details as Issue[]) : [],
            message: cause.message,
          };
        }
        throw err;
      }
    },
  };
}
