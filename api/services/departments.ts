import { type Client, type Connection, WorkflowUpdateFailedError } from '@temporalio/client';
import { ApplicationFailure } from '@temporalio/common';
import { ensureDepartmentRegistry } from '../../activities/connectors/directory';
import type { Actor } from '../../workflows/engine';
import { FailureType } from '../../workflows/failure-types';
import {
  DEPARTMENT_REGISTRY_WORKFLOW_ID,
  type DepartmentInput,
  type departmentRegistry,
  type DepartmentView,
  departmentView,
  getDepartmentQuery,
  listDepartmentsQuery,
  putDepartmentUpdate,
  type PutDepartmentInput,
} from '../../workflows/department-registry';
import { ApiError } from '../errors';
import { boundedCall } from './temporal-calls';

export type { DepartmentView };

/** The department registry as the API sees it: never a secret. */
export interface DepartmentService {
  list(): Promise<DepartmentView[]>;
  get(code: string): Promise<DepartmentView | undefined>;
  /** Creates or changes a department; `created` when it was not registered before. Throws 400 naming the field. */
  put(
    code: string,
    department: DepartmentInput,
    actor: Actor,
  ): Promise<{ department: DepartmentView; created: boolean }>;
}

export interface DepartmentServiceOptions {
  /** The task queue the worker polls (the registry workflow runs there). */
  taskQueue: string;
  /** The registry's workflow id (one per namespace in production; tests use their own). */
  registryId?: string;
  /** Departments registered when the registry first starts (the embedded default's seed file). */
  seed?: PutDepartmentInput[];
  /** With a connection, every call is bounded by `rpcTimeoutMs` (default 10 s). */
  connection?: Connection;
  rpcTimeoutMs?: number;
}

/**
 * The department registry through Temporal: the registry workflow is started on first use (with the seed) and then
 * queried and updated. Responses go through `departmentView`, so a webhook secret never leaves the registry.
 */
export function createDepartmentService(
  client: Client,
  options: DepartmentServiceOptions,
): DepartmentService {
  const registryId = options.registryId ?? DEPARTMENT_REGISTRY_WORKFLOW_ID;
  const handle = () => client.workflow.getHandle<typeof departmentRegistry>(registryId);
  const call = <T>(what: string, fn: () => Promise<T>): Promise<T> =>
    options.connection ? boundedCall(options.connection, options.rpcTimeoutMs ?? 10_000, what, fn) : fn();
  let started: Promise<void> | undefined;

  const ensureStarted = (): Promise<void> => {
    started ??= call('start the department registry', () =>
      ensureDepartmentRegistry(client, { registryId, taskQueue: options.taskQueue, seed: options.seed }),
    ).catch((err: unknown) => {
      started = undefined;
      throw err;
    });
    return started;
  };

  return {
    async list() {
      await ensureStarted();
      return await call('list departments', () => handle().query(listDepartmentsQuery));
    },
    async get(code) {
      await ensureStarted();
      const record = await call('read a department', () => handle().query(getDepartmentQuery, code));
      return record ? departmentView(record) : undefined;
    },
    async put(code, department, actor) {
      await ensureStarted();
      try {
        const view = await call('change a department', () =>
          handle().executeUpdate(putDepartmentUpdate, { args: [{ code, department, actor }] }),
        );
        return { department: view, created: view.revision === 1 };
      } catch (err) {
        const cause = err instanceof WorkflowUpdateFailedError ? err.cause : undefined;
        if (cause instanceof ApplicationFailure && cause.type === FailureType.InvalidDepartment) {
          const issues = (cause.details?.[0] ?? []) as Array<{ path: string; message: string }>;
          throw new ApiError(
            400,
            'invalid_department',
            `The department is not valid: ${cause.message}`,
            issues.map((i) => ({ in: 'body', field: `body.${i.path}`, message: i.message })),
          );
        }
        throw err;
      }
    },
  };
}
