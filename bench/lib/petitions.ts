/**
 * Petitions started straight through the Temporal client, with exactly what `POST /v1/petitions` starts them with
 * (api/services/petitions.ts: the pinned statutory definition, memo, and the search attributes of the first step),
 * for seeding many at once without the API in the way.
 */
import { createHash, randomBytes } from 'node:crypto';
import type { Client } from '@temporalio/client';
import type { SearchAttributePair } from '@temporalio/common';
import pino from 'pino';
import { createActivities } from '../../activities';
import { loadStatutoryDefinition, statutoryDefinitionHash } from '../../definitions/statutory';
import { step as interpret } from '../../workflows/engine/interpreter';
import type { Actor, EngineEvent, PetitionFacts, PetitionState } from '../../workflows/engine/types';
import { searchValuesOf } from '../../workflows/engine/view';
import {
  PETITION_WORKFLOW_TYPE,
  petitionWorkflowId,
  type PetitionWorkflowInput,
} from '../../workflows/messages';
import { initialSearchAttributes } from '../../workflows/search-attributes';

/** Department codes of the embedded default's seed (config/departments.seed.json) with a manual connector. */
export const BENCH_DEPARTMENTS = ['city-housing', 'district-housing', 'district-gov', 'city-gov'] as const;

export const registrar: Actor = { role: 'registrar', id: 'bench-registrar' };

const definition = loadStatutoryDefinition();
const definitionHash = statutoryDefinitionHash();

/** The body of a registration as a client of the API sends it. */
export function registrationBody(
  opts: { department?: string; channel?: string; receivedAt?: string } = {},
): Record<string, unknown> {
  return {
    channel: opts.channel ?? 'letter',
    category: 'complaint',
    petitioner: { name: '李四', address: '北京市海淀区某路2号', phone: '13800001234' },
    subject: '小区供暖不达标',
    content: '入冬以来室温长期低于16度，多次反映未果。',
    ...(opts.department !== undefined && { department: opts.department }),
    ...(opts.receivedAt !== undefined && { receivedAt: opts.receivedAt }),
  };
}

/** The worker's own deadline activity (the legal calendar), for {@link settledSearchAttributes}. */
const { computeDeadline } = createActivities({
  logger: pino({ level: 'silent' }),
  dataDir: '/nonexistent-bench-data',
});

/**
 * The search attributes a petition has once the worker has run its first workflow task: the same pure engine
 * (`step`), the same deadline activity and the same projection (`searchValuesOf`) the workflow uses. Side effects
 * (deliveries, notices) are left out: they change no search attribute of the first step.
 */
async function settledSearchAttributes(
  start: Extract<EngineEvent, { type: 'start' }>,
): Promise<SearchAttributePair[]> {
  let result = interpret(definition, undefined, start);
  let state: PetitionState = result.state;
  // Bounded: the first step arms a handful of deadlines at most.
  for (let round = 0; round < 5; round++) {
    const computes = result.commands.filter((c) => c.type === 'compute-deadline');
    if (computes.length === 0) break;
    for (const c of computes) {
      const calculation = await computeDeadline(c.request);
      result = interpret(definition, state, {
        type: 'deadline-computed',
        at: start.at,
        key: c.key,
        calculation,
      });
      state = result.state;
    }
  }
  return initialSearchAttributes(searchValuesOf(state));
}

/**
 * Starts one petition workflow as the API would; resolves when the server has accepted the start. With `settled`,
 * the start carries the search attributes the worker's first task would publish (see above), so visibility
 * queries see the petition as registered and running even before (or without) a worker.
 */
export async function startPetitionDirect(
  client: Client,
  opts: {
    id: string;
    taskQueue: string;
    department?: string;
    channel: string;
    receivedAt: Date;
    settled?: boolean;
  },
): Promise<void> {
  const now = new Date();
  const petition: PetitionFacts = {
    category: 'complaint',
    channel: opts.channel as PetitionFacts['channel'],
    subject: '小区供暖不达标',
    content: '入冬以来室温长期低于16度，多次反映未果。',
    receivedAt: opts.receivedAt.toISOString(),
    petitioner: { name: '李四', address: '北京市海淀区某路2号', phone: '13800001234' },
    ...(opts.department !== undefined && { department: opts.department }),
  };
  const registeredAt = now.toISOString();
  const start = {
    type: 'start' as const,
    at: registeredAt,
    petitionId: opts.id,
    definitionHash,
    petition,
    actor: registrar,
  };
  const initial = interpret(definition, undefined, start).state;
  const input: PetitionWorkflowInput = {
    petitionId: opts.id,
    definition,
    definitionHash,
    petition,
    registeredBy: registrar,
    registeredAt,
  };
  const searchAttributes = opts.settled
    ? await settledSearchAttributes(start)
    : initialSearchAttributes(searchValuesOf(initial));
  await client.workflow.start(PETITION_WORKFLOW_TYPE, {
    taskQueue: opts.taskQueue,
    workflowId: petitionWorkflowId(opts.id),
    args: [input],
    memo: {
      accessCodeHash: createHash('sha256').update(randomBytes(16)).digest('hex'),
      requestHash: createHash('sha256').update(opts.id).digest('hex'),
    },
    typedSearchAttributes: searchAttributes,
  });
}

/** Size in bytes of the workflow input a petition is started with (the definition snapshot is most of it). */
export function startInputBytes(): { total: number; definition: number } {
  const input: PetitionWorkflowInput = {
    petitionId: 'XF20260101AAAAAAAAAAAA',
    definition,
    definitionHash,
    petition: {
      category: 'complaint',
      channel: 'letter',
      subject: '小区供暖不达标',
      content: '入冬以来室温长期低于16度，多次反映未果。',
      receivedAt: new Date().toISOString(),
      petitioner: { name: '李四', address: '北京市海淀区某路2号', phone: '13800001234' },
      department: 'district-housing',
    },
    registeredBy: registrar,
    registeredAt: new Date().toISOString(),
  };
  return {
    total: Buffer.byteLength(JSON.stringify(input)),
    definition: Buffer.byteLength(JSON.stringify(definition)),
  };
}
