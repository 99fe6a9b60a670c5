import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { Context } from '@temporalio/activity';
import { type Client, WorkflowNotFoundError } from '@temporalio/client';
import { WorkflowExecutionAlreadyStartedError } from '@temporalio/common';
import { z } from 'zod';
import {
  DEPARTMENT_REGISTRY_WORKFLOW_ID,
  DepartmentCodeSchema,
  DepartmentInputSchema,
  type DepartmentRecord,
  type departmentRegistry,
  getDepartmentQuery,
  listDepartmentsQuery,
  type PutDepartmentInput,
} from '../../workflows/department-registry';

/** How activities find a department: its connector, its superior and its supervisor contact. */
export interface DepartmentDirectory {
  get(code: string): Promise<DepartmentRecord | undefined>;
  /**
   * The body registered as receiving matters of a legal procedure (its `receives`, e.g. `litigation`: the
   * political-legal body of the deployment), the first by code when several are.
   */
  receiverOf?(procedure: string): Promise<DepartmentRecord | undefined>;
}

/** A fixed directory (tests, or an embedding that keeps departments elsewhere). */
export function createStaticDirectory(records: DepartmentRecord[]): DepartmentDirectory {
  const byCode = new Map(records.map((r) => [r.code, r]));
  return {
    get: async (code) => byCode.get(code),
    receiverOf: async (procedure) =>
      [...byCode.values()]
        .sort((a, b) => a.code.localeCompare(b.code))
        .find((r) => r.receives?.includes(procedure)),
  };
}

/** The seed file of the embedded default: departments registered when the registry first starts. */
export const DEFAULT_DEPARTMENT_SEED_PATH = fileURLToPath(
  new URL('../../config/departments.seed.json', import.meta.url),
);

const SeedFileSchema = z
  .object({
    $comment: z.string().optional(),
    departments: z.array(z.object({ code: DepartmentCodeSchema }).passthrough()),
  })
  .strict();

/**
 * Reads and checks a seed file (`{ "departments": [{ "code", "name", "superior", "supervisor", "connector" }] }`).
 * Throws naming the entry and field at fault. A seed holds no secrets: webhooks are configured through the API.
 */
export function loadDepartmentSeed(file = DEFAULT_DEPARTMENT_SEED_PATH): PutDepartmentInput[] {
  const parsed = SeedFileSchema.safeParse(JSON.parse(readFileSync(file, 'utf8')));
  if (!parsed.success) {
    throw new Error(
      `${file}: ${parsed.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`).join('; ')}`,
    );
  }
  return parsed.data.departments.map(({ code, ...rest }, i) => {
    const department = DepartmentInputSchema.safeParse(rest);
    if (!department.success) {
      const issue = department.error.issues[0]!;
      throw new Error(`${file}: departments[${i}] (${code}).${issue.path.join('.')}: ${issue.message}`);
    }
    return { code, department: department.data, actor: { role: 'system', id: 'seed' } };
  });
}

export interface RegistryOptions {
  /** The registry's workflow id (one per namespace in production; tests use their own). */
  registryId?: string;
  /** The task queue the registry workflow runs on (the petitions task queue). */
  taskQueue: string;
  /** Departments registered at first start (the embedded default's seed file). */
  seed?: PutDepartmentInput[];
}

/** Starts the department registry workflow unless it runs already (idempotent; safe from API and workers at once). */
export async function ensureDepartmentRegistry(client: Client, options: RegistryOptions): Promise<void> {
  try {
    await client.workflow.start<typeof departmentRegistry>('departmentRegistry', {
      workflowId: options.registryId ?? DEPARTMENT_REGISTRY_WORKFLOW_ID,
      taskQueue: options.taskQueue,
      workflowIdConflictPolicy: 'USE_EXISTING',
      args: [{ departments: [], seed: options.seed ?? [] }],
    });
  } catch (err) {
    if (!(err instanceof WorkflowExecutionAlreadyStartedError)) throw err;
  }
}

export interface RegistryDirectoryOptions extends Partial<RegistryOptions> {
  /** How long an answer is reused (default 5 s), so a burst of deliveries costs one query per department. */
  cacheMs?: number;
  /** The client to query with; default: the worker's client of the running activity. */
  client?: () => Client;
  now?: () => number;
}

/**
 * The directory backed by the registry workflow, for activities: queries it with the worker's own client, starting
 * it (with the seed) on first use if the API has not yet.
 */
export function createRegistryDirectory(options: RegistryDirectoryOptions = {}): DepartmentDirectory {
  const client = options.client ?? (() => Context.current().client);
  const now = options.now ?? Date.now;
  const cacheMs = options.cacheMs ?? 5_000;
  const registryId = options.registryId ?? DEPARTMENT_REGISTRY_WORKFLOW_ID;
  const cache = new Map<string, { at: number; value: DepartmentRecord | undefined }>();
  let started: Promise<void> | undefined;

  const ensure = (c: Client): Promise<void> => {
    started ??= ensureDepartmentRegistry(c, {
      registryId,
      taskQueue: options.taskQueue ?? Context.current().info.taskQueue,
      seed: options.seed,
    }).catch((err: unknown) => {
      started = undefined;
      throw err;
    });
    return started;
  };

  const directory: DepartmentDirectory = {
    async receiverOf(procedure) {
      const c = client();
      await ensure(c);
      const all = await c.workflow.getHandle(registryId).query(listDepartmentsQuery);
      const receiver = all.find((d) => d.receives?.includes(procedure));
      return receiver ? await directory.get(receiver.code) : undefined;
    },
    async get(code) {
      const hit = cache.get(code);
      if (hit && now() - hit.at < cacheMs) return hit.value;
      const c = client();
      await ensure(c);
      let value: DepartmentRecord | null;
      try {
        value = await c.workflow.getHandle(registryId).query(getDepartmentQuery, code);
      } catch (err) {
        if (!(err instanceof WorkflowNotFoundError)) throw err;
        // Terminated or reset meanwhile: start it again next time.
        started = undefined;
        throw err;
      }
      cache.set(code, { at: now(), value: value ?? undefined });
      return value ?? undefined;
    },
  };
  return directory;
}
