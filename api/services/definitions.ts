import { type Client, type Connection, WorkflowUpdateFailedError } from '@temporalio/client';
import { ApplicationFailure } from '@temporalio/common';
import { fromBpmnXml, toBpmnXml } from '../../definitions/bpmn';
import { isError, type Issue } from '../../definitions/language/issue';
import type { DefinitionFormat } from '../../definitions/language/parse';
import type { Definition } from '../../definitions/language/schema';
import { validateSource } from '../../definitions/language/validate';
import { statutoryDefinitions } from '../../definitions/statutory';
import type { Actor } from '../../workflows/engine';
import { boundedCall } from './temporal-calls';
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

/** How a definition is sent: the language's YAML or JSON, or BPMN 2.0 XML with our pe: extensions. */
export type SourceFormat = DefinitionFormat | 'bpmn';

export interface SourceCheck {
  /** No issue but warnings. */
  ok: boolean;
  definition?: Definition;
  /** Errors and warnings (a BPMN file's foreign extensions are warnings). */
  issues: Issue[];
}

/** Parses and validates a definition source in any format it may be sent in (never throws). */
export async function checkDefinitionSource(source: string, format: SourceFormat): Promise<SourceCheck> {
  const result = format === 'bpmn' ? await fromBpmnXml(source) : validateSource(source, format);
  return {
    ok: result.definition !== undefined && !result.issues.some(isError),
    ...(result.definition ? { definition: result.definition } : {}),
    issues: result.issues,
  };
}

const bpmnCache = new Map<string, Promise<string>>();
const BPMN_CACHE_SIZE = 32;

/**
 * A published definition as BPMN 2.0 XML. A published version never changes, so the XML (and its automatic
 * layout, the costly part) is kept by content hash for the most recent few.
 */
export function publishedAsBpmn(published: PublishedDefinition): Promise<string> {
  const hit = bpmnCache.get(published.hash);
  if (hit) return hit;
  const xml = toBpmnXml(published.definition);
  bpmnCache.set(published.hash, xml);
  xml.catch(() => bpmnCache.delete(published.hash));
  if (bpmnCache.size > BPMN_CACHE_SIZE) bpmnCache.delete(bpmnCache.keys().next().value!);
  return xml;
}

/** The definitions published at run time (designers), read by registration to pin each petition's snapshot. */
export interface DefinitionService {
  list(): Promise<DefinitionSummary[]>;
  get(id: string, version?: number): Promise<PublishedDefinition | undefined>;
  latest(id: string): Promise<PublishedDefinition | undefined>;
  publish(
    source: string,
    format: SourceFormat,
    actor: Actor,
  ): Promise<
    | { ok: true; definition: DefinitionSummary; warnings: Issue[] }
    | { ok: false; conflict?: boolean; issues: Issue[]; message: string }
  >;
}

export interface DefinitionServiceOptions {
  /** The task queue the worker polls (the registry workflow runs there). */
  taskQueue: string;
  /**
   * How long a `latest()` answer counts as fresh (default 5 s). An older one is still returned at once while a fresh
   * one is read in the background, so registration never waits on the registry's worker once it has been read.
   */
  cacheMs?: number;
  /** With a connection, every read of the registry (a Query, answered by a worker) is bounded by `rpcTimeoutMs` (default 10 s). */
  connection?: Connection;
  rpcTimeoutMs?: number;
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
  const call = <T>(what: string, fn: () => Promise<T>): Promise<T> =>
    options.connection ? boundedCall(options.connection, options.rpcTimeoutMs ?? 10_000, what, fn) : fn();
  const cache = new Map<string, { at: number; value: PublishedDefinition | undefined }>();
  const refreshing = new Map<string, Promise<PublishedDefinition | undefined>>();
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
    return (
      (await call('read the definition registry', () =>
        handle().query(getDefinitionQuery, { id, version }),
      )) ?? undefined
    );
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
      let refresh = refreshing.get(id);
      if (!refresh) {
        refresh = get(id)
          .then((value) => {
            cache.set(id, { at: now(), value });
            return value;
          })
          .finally(() => refreshing.delete(id));
        refreshing.set(id, refresh);
      }
      if (!hit) return await refresh;
      // Nothing is published without a worker, so while none answers the last answer is still the latest.
      refresh.catch(() => undefined);
      return hit.value;
    },
    async publish(source, format, actor) {
      const checked = await checkDefinitionSource(source, format);
      if (!checked.ok || !checked.definition) {
        return {
          ok: false,
          issues: checked.issues,
          message: `The definition has ${checked.issues.filter(isError).length} issue(s).`,
        };
      }
      await ensureStarted();
      try {
        const definition = await handle().executeUpdate(publishDefinitionUpdate, {
          args: [{ definition: checked.definition, actor }],
        });
        cache.delete(definition.id);
        return { ok: true, definition, warnings: checked.issues };
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
