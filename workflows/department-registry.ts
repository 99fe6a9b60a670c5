import {
  ApplicationFailure,
  allHandlersFinished,
  condition,
  continueAsNew,
  defineQuery,
  defineUpdate,
  log,
  setHandler,
  workflowInfo,
} from '@temporalio/workflow';
import { z } from 'zod';
import { departmentTaskQueue } from './department-activities';
import type { Actor } from './engine/types';
import { FailureType } from './failure-types';

/** The one department registry per namespace. Never rename: it is the workflow id the API and workers look up. */
export const DEPARTMENT_REGISTRY_WORKFLOW_ID = 'department-registry';

/** A department (body) code: opaque, short, safe in a task queue name, a visibility query and a URL. */
export const DepartmentCodeSchema = z
  .string()
  .regex(
    /^[A-Za-z0-9][A-Za-z0-9_.-]{0,63}$/,
    'must be a department code: letters, digits, "_", "." or "-", at most 64',
  );

/** Minimum length of a webhook signing secret (256 bits of hex or base64 are 64 and 44 characters). */
export const WEBHOOK_SECRET_MIN_LENGTH = 32;

// No `z.url()`/`z.email()`: they use `URL` and regexes the workflow sandbox need not provide; these are enough.
const httpUrl = z
  .string()
  .max(2000)
  .regex(/^https?:\/\/[^\s/?#]+[^\s]*$/i, 'must be an http:// or https:// URL');
const email = z
  .string()
  .max(254)
  .regex(/^[^\s@<>()]+@[^\s@<>()]+\.[^\s@<>()]+$/, 'must be an e-mail address');

/** How the engine hands petitions to a department. */
export const ConnectorInputSchema = z.discriminatedUnion('kind', [
  z
    .object({ kind: z.literal('worker') })
    .strict()
    .describe('the department runs a Temporal worker on task queue dept.<code>'),
  z
    .object({
      kind: z.literal('webhook'),
      url: httpUrl,
      secret: z
        .string()
        .min(WEBHOOK_SECRET_MIN_LENGTH, `must be at least ${WEBHOOK_SECRET_MIN_LENGTH} characters`)
        .max(512)
        .optional()
        .describe('HMAC-SHA256 signing secret; omit to keep the current one'),
    })
    .strict(),
  z
    .object({ kind: z.literal('manual') })
    .strict()
    .describe('nothing is pushed; the work shows in the queue'),
]);

/** What an administrator sends to create or change a department (`PUT /v1/departments/:code`). */
export const DepartmentInputSchema = z
  .object({
    name: z.string().trim().min(1, 'must not be empty').max(200),
    superior: DepartmentCodeSchema.nullable()
      .default(null)
      .describe('the code of the superior body, which reviews (Art. 35) this body’s opinions'),
    supervisor: z
      .object({ name: z.string().trim().max(100).optional(), email })
      .strict()
      .describe('who is told about overdue steps, 督办 orders and rejected deliveries'),
    connector: ConnectorInputSchema,
    receives: z
      .array(
        z.string().regex(/^[a-z][a-z0-9]*(?:-[a-z0-9]+)*$/, 'must be a procedure id such as "litigation"'),
      )
      .max(20)
      .optional()
      .describe(
        'legal procedures whose diverted matters this body receives (e.g. "litigation": the political-legal body that takes litigation-related matters, 诉访分离)',
      ),
  })
  .strict();
export type DepartmentInput = z.input<typeof DepartmentInputSchema>;

export type Connector =
  | { kind: 'worker'; taskQueue: string }
  | { kind: 'webhook'; url: string; secret: string }
  | { kind: 'manual' };

/** A registered department, secret included: read only by the delivery activity (never by the HTTP API). */
export interface DepartmentRecord {
  code: string;
  name: string;
  superior: string | null;
  supervisor: { name?: string; email: string };
  connector: Connector;
  /** Legal procedures whose diverted matters it receives (e.g. `litigation`); absent: none. */
  receives?: string[];
  /** Incremented on every change. */
  revision: number;
  updatedAt: string;
  updatedBy: Actor;
}

/** A department as anyone may see it: the webhook secret replaced by `hasSecret`. */
export type DepartmentView = Omit<DepartmentRecord, 'connector'> & {
  connector: { kind: Connector['kind']; url?: string; taskQueue?: string; hasSecret?: boolean };
};

export interface PutDepartmentInput {
  code: string;
  department: DepartmentInput;
  actor: Actor;
}

export interface DepartmentRegistryInput {
  departments: DepartmentRecord[];
  /** Applied once, at first start, for departments not registered yet (the embedded default's seed file). */
  seed?: PutDepartmentInput[];
}

/** Creating or changing a department is an Update: the administrator needs to know at once whether it was taken. */
export const putDepartmentUpdate = defineUpdate<DepartmentView, [PutDepartmentInput]>('putDepartment');
/** Every department, without secrets. */
export const listDepartmentsQuery = defineQuery<DepartmentView[]>('listDepartments');
/** One department with its connector secret, for the delivery activity; `null` when not registered. */
export const getDepartmentQuery = defineQuery<DepartmentRecord | null, [string]>('getDepartment');

/** The public form of a record: never the secret. */
export function departmentView(record: DepartmentRecord): DepartmentView {
  const { connector, ...rest } = record;
  switch (connector.kind) {
    case 'webhook':
      return {
        ...rest,
        connector: { kind: 'webhook', url: connector.url, hasSecret: connector.secret.length > 0 },
      };
    case 'worker':
      return { ...rest, connector: { kind: 'worker', taskQueue: connector.taskQueue } };
    case 'manual':
      return { ...rest, connector: { kind: 'manual' } };
  }
}

function invalid(path: string, message: string): ApplicationFailure {
  return ApplicationFailure.create({
    type: FailureType.InvalidDepartment,
    message: `${path}: ${message}`,
    details: [[{ path, message }]],
    nonRetryable: true,
  });
}

/**
 * Checks a change against the schema and the registry and returns the record it would store. Pure, so the Update
 * validator and the handler agree, and tests need no server.
 */
export function decidePut(
  departments: ReadonlyMap<string, DepartmentRecord>,
  put: PutDepartmentInput,
  at: string,
): DepartmentRecord {
  const code = DepartmentCodeSchema.safeParse(put.code);
  if (!code.success) throw invalid('code', code.error.issues[0]?.message ?? 'invalid');
  const parsed = DepartmentInputSchema.safeParse(put.department);
  if (!parsed.success) {
    const issues = parsed.error.issues.map((i) => ({
      path: i.path.join('.') || '(body)',
      message: i.message,
    }));
    throw ApplicationFailure.create({
      type: FailureType.InvalidDepartment,
      message: issues.map((i) => `${i.path}: ${i.message}`).join('; '),
      details: [issues],
      nonRetryable: true,
    });
  }
  const input = parsed.data;
  const existing = departments.get(put.code);
  if (input.superior !== null) {
    if (input.superior === put.code) throw invalid('superior', 'a department cannot be its own superior');
    if (!departments.has(input.superior)) {
      throw invalid(
        'superior',
        `no department "${input.superior}" is registered; register the superior body first`,
      );
    }
    for (let at = departments.get(input.superior), hops = 0; at && hops < 100; hops++) {
      if (at.superior === put.code) {
        throw invalid(
          'superior',
          `"${input.superior}" is already below "${put.code}"; the chain of superiors would loop`,
        );
      }
      at = at.superior ? departments.get(at.superior) : undefined;
    }
  }
  let connector: Connector;
  switch (input.connector.kind) {
    case 'worker':
      connector = { kind: 'worker', taskQueue: departmentTaskQueue(put.code) };
      break;
    case 'manual':
      connector = { kind: 'manual' };
      break;
    case 'webhook': {
      const secret =
        input.connector.secret ??
        (existing?.connector.kind === 'webhook' ? existing.connector.secret : undefined);
      if (!secret) {
        throw invalid(
          'connector.secret',
          `a webhook needs a signing secret of at least ${WEBHOOK_SECRET_MIN_LENGTH} characters`,
        );
      }
      connector = { kind: 'webhook', url: input.connector.url, secret };
      break;
    }
  }
  return {
    code: put.code,
    name: input.name,
    superior: input.superior,
    supervisor: {
      ...(input.supervisor.name ? { name: input.supervisor.name } : {}),
      email: input.supervisor.email,
    },
    connector,
    ...(input.receives && input.receives.length > 0 && { receives: [...new Set(input.receives)] }),
    revision: (existing?.revision ?? 0) + 1,
    updatedAt: at,
    updatedBy: put.actor,
  };
}

/**
 * The event-sourced department registry: every change is an Update in this workflow's history (who and when),
 * reads are Queries. Webhook secrets are in that history: the payload codec is what protects them at rest.
 */
export async function departmentRegistry(input: DepartmentRegistryInput): Promise<void> {
  const departments = new Map(input.departments.map((d) => [d.code, d]));
  const now = () => new Date().toISOString();

  const put = (change: PutDepartmentInput): DepartmentView => {
    const record = decidePut(departments, change, now());
    departments.set(record.code, record);
    return departmentView(record);
  };

  // Seeds name their superiors in any order: apply those whose superior is known until nothing more applies. A bad
  // seed entry is skipped (and logged), never fatal: the registry must come up to be corrected through the API.
  let pending = (input.seed ?? []).filter((s) => !departments.has(s.code));
  for (let progressed = true; pending.length > 0 && progressed;) {
    progressed = false;
    pending = pending.filter((s) => {
      const superior = s.department.superior ?? null;
      if (superior !== null && !departments.has(superior)) return true;
      progressed = true;
      try {
        put(s);
      } catch (err) {
        log.warn('department seed entry skipped', { code: s.code, reason: (err as Error).message });
      }
      return false;
    });
  }
  for (const s of pending) log.warn('department seed entry skipped: unknown superior', { code: s.code });

  setHandler(putDepartmentUpdate, put, { validator: (change) => void decidePut(departments, change, now()) });
  setHandler(listDepartmentsQuery, () =>
    [...departments.values()].sort((a, b) => a.code.localeCompare(b.code)).map(departmentView),
  );
  setHandler(getDepartmentQuery, (code) => departments.get(code) ?? null);

  // The registry lives forever; its history is rolled over well before Temporal's limits.
  await condition(() => workflowInfo().continueAsNewSuggested || workflowInfo().historyLength > 5_000);
  await condition(allHandlersFinished);
  await continueAsNew<typeof departmentRegistry>({ departments: [...departments.values()] });
}
