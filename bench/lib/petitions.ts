/**
 * Petitions started straight through the Temporal client, with exactly what `POST /v1/petitions` starts them with
 * (api/services/petitions.ts: the pinned statutory definition, memo, and the search attributes of the first step),
 * for seeding many at once without the API in the way.
 */
import { createHash, randomBytes } from 'node:crypto';
import type { Client } from '@temporalio/client';
import { loadDepartmentSeed } from '../../activities/connectors/directory';
import { petitionStart } from '../../api/services/petition-start';
import { defaultCalendarData } from '../../definitions/calendar';
import { loadStatutoryDefinition, statutoryDefinitionHash } from '../../definitions/statutory';
import type { Actor, PetitionFacts } from '../../workflows/engine/types';
import { PETITION_WORKFLOW_TYPE, petitionWorkflowId } from '../../workflows/messages';
import { auth, type Context } from './context';
import { progress } from './progress';

/** Department codes of the embedded default's seed (config/departments.seed.json) with a manual connector. */
export const BENCH_DEPARTMENTS = ['city-housing', 'district-housing', 'district-gov', 'city-gov'] as const;

export const registrar: Actor = { role: 'registrar', id: 'bench-registrar' };

const definition = loadStatutoryDefinition();
const definitionHash = statutoryDefinitionHash();

let petitioners = 0;

/**
 * A petitioner of their own for every registration: the same-matter lookup at registration (issue 12 §5) lists the
 * petitioner's earlier petitions, so one petitioner for the whole run would make every registration list 100 of them,
 * which no real intake does. The phone number is what makes the key differ.
 */
function benchPetitioner(): { name: string; address: string; phone: string } {
  petitioners += 1;
  return {
    name: '李四',
    address: '北京市海淀区某路2号',
    phone: `138${String(process.pid % 10_000).padStart(4, '0')}${String(petitioners % 10_000).padStart(4, '0')}`,
  };
}

/** The body of a registration as a client of the API sends it. */
export function registrationBody(
  opts: { department?: string; channel?: string; receivedAt?: string } = {},
): Record<string, unknown> {
  return {
    channel: opts.channel ?? 'letter',
    category: 'complaint',
    petitioner: benchPetitioner(),
    subject: '小区供暖不达标',
    content: '入冬以来室温长期低于16度，多次反映未果。',
    ...(opts.department !== undefined && { department: opts.department }),
    ...(opts.receivedAt !== undefined && { receivedAt: opts.receivedAt }),
  };
}

/** The legal calendar the bench's worker uses (the official data: the bench's DATA_DIR has no supplement). */
const calendar = defaultCalendarData();

/**
 * Starts one petition workflow exactly as `POST /v1/petitions` does (api/services/petitions.ts): registration settled
 * with the workflow's own engine and the legal calendar (`settleRegistration`), the first step's deadlines and search
 * values in the input, the search attributes of the registered state. Visibility queries see the petition as
 * registered, with its due date, even before (or without) a worker. Resolves when the server has accepted the start.
 */
export async function startPetitionDirect(
  client: Client,
  opts: {
    id: string;
    taskQueue: string;
    department?: string;
    channel: string;
    receivedAt: Date;
  },
): Promise<void> {
  const now = new Date();
  const petition: PetitionFacts = {
    category: 'complaint',
    channel: opts.channel as PetitionFacts['channel'],
    subject: '小区供暖不达标',
    content: '入冬以来室温长期低于16度，多次反映未果。',
    receivedAt: opts.receivedAt.toISOString(),
    petitioner: benchPetitioner(),
    ...(opts.department !== undefined && { department: opts.department }),
  };
  const start = petitionStart({
    petitionId: opts.id,
    definition,
    definitionHash,
    petition,
    registeredBy: registrar,
    registeredAt: now.toISOString(),
    calendar,
  });
  await client.workflow.start(PETITION_WORKFLOW_TYPE, {
    taskQueue: opts.taskQueue,
    workflowId: petitionWorkflowId(opts.id),
    args: [start.input],
    memo: {
      accessCodeHash: createHash('sha256').update(randomBytes(16)).digest('hex'),
      requestHash: createHash('sha256').update(opts.id).digest('hex'),
    },
    typedSearchAttributes: start.searchAttributes,
  });
}

/** JSON bytes of the statutory definition: what a snapshot adds to a petition's start input. */
export function definitionSnapshotBytes(): number {
  return Buffer.byteLength(JSON.stringify(definition));
}

/**
 * Registers, through the API, the bench's departments (as config/departments.seed.json has them) that the registry of
 * an existing Temporal's namespace lacks; the embedded default seeds them itself. Departments already registered are
 * left as they are.
 */
export async function ensureBenchDepartments(ctx: Context): Promise<void> {
  const headers = auth(ctx.tokens.admin);
  const wanted = loadDepartmentSeed().filter((d) =>
    (BENCH_DEPARTMENTS as readonly string[]).includes(d.code),
  );
  for (const { code, department } of wanted) {
    const found = await ctx.http.request('GET', `/v1/departments/${code}`, undefined, headers);
    if (found.status === 200) continue;
    if (found.status !== 404)
      throw new Error(`GET /v1/departments/${code}: HTTP ${found.status} ${JSON.stringify(found.body)}`);
    progress.say(`registering department ${code} (${department.name}) from config/departments.seed.json`);
    await ctx.http.expect(201, 'PUT', `/v1/departments/${code}`, department, headers);
  }
}
