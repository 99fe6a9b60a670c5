import { writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import type { WorkflowHandle } from '@temporalio/client';
import { encodeSearchAttributeIndexedValueType } from '@temporalio/common/lib/search-attributes';
import { historyToJSON } from '@temporalio/common/lib/proto-utils';
import { METADATA_ENCODING_KEY, type Payload, type PayloadCodec } from '@temporalio/common';
import type { TestWorkflowEnvironment } from '@temporalio/testing';
import { petitionStart } from '../../api/services/petition-start';
import { defaultCalendarData } from '../../definitions/calendar';
import type { Definition } from '../../definitions/language/schema';
import { loadStatutoryDefinition, statutoryDefinitionHash } from '../../definitions/statutory';
import { indexDefinition } from '../../workflows/engine/definition-index';
import type { Actor, BodyFacts, PetitionFacts } from '../../workflows/engine/types';
import type { PetitionView } from '../../workflows/engine/view';
import {
  petitionActionUpdate,
  petitionStateQuery,
  petitionWorkflowId,
  type PetitionWorkflowInput,
} from '../../workflows/messages';
import type { petition } from '../../workflows/petition';
import { searchAttributeRegistrations } from '../../workflows/search-attributes';
import { testPayloadCodec } from '../helpers/temporal';

export const actors = {
  registrar: { role: 'registrar', id: 'reg-1' },
  dept: { role: 'department', id: 'staff-1', department: 'D1' },
  /** The head of D1: the token carries the approver claim (Art. 34). */
  head: { role: 'department', id: 'head-1', department: 'D1', approver: true },
  dept2: { role: 'department', id: 'staff-2', department: 'D2' },
  superior: { role: 'superior', id: 'sup-1', department: 'S1' },
  superior2: { role: 'superior', id: 'sup-2', department: 'S2' },
  petitioner: { role: 'petitioner' },
  supervisor: { role: 'supervisor', id: 'sv-1' },
} satisfies Record<string, Actor>;

let counter = 0;
const statutoryIndex = indexDefinition(loadStatutoryDefinition());

/**
 * The time-skipping test server implements the operator service's AddSearchAttributes but not
 * ListSearchAttributes, so attributes are added blindly; "already exists" is fine (another file registered them).
 */
export async function registerSearchAttributesOnTestServer(env: TestWorkflowEnvironment): Promise<void> {
  const searchAttributes: Record<string, number> = {};
  for (const { name, type } of searchAttributeRegistrations) {
    searchAttributes[name] = encodeSearchAttributeIndexedValueType(type)!;
  }
  try {
    await env.connection.operatorService.addSearchAttributes({ namespace: 'default', searchAttributes });
  } catch (err) {
    if (!/already/i.test(String((err as Error).message))) throw err;
  }
}

/** Drives one petition of the statutory default on the time-skipping server. */
export class PetitionDriver {
  private constructor(
    readonly env: TestWorkflowEnvironment,
    readonly handle: WorkflowHandle<typeof petition>,
    readonly petitionId: string,
  ) {}

  /**
   * Starts a petition. With `settled`, registration is decided as `POST /v1/petitions` decides it (the first step's
   * deadlines and search values in the input, `settleRegistration`; the shipped definition by reference); without,
   * as petitions started before that were (a definition snapshot, deadlines computed by the workflow). `definition`
   * starts it on another definition than the current statutory version (petition-2022@1, a test definition).
   */
  static async start(
    env: TestWorkflowEnvironment,
    taskQueue: string,
    facts: Partial<PetitionFacts> = {},
    opts: {
      settled?: boolean;
      definition?: { definition: Definition; hash: string };
      /** What the registry said at registration of the body that received it directly (the API looks it up). */
      bodies?: Record<string, BodyFacts | null>;
    } = {},
  ): Promise<PetitionDriver> {
    const now = new Date(await env.currentTimeMs()).toISOString();
    const petitionId = `T${Date.now().toString(36)}${(counter++).toString(36)}`;
    const input: PetitionWorkflowInput = {
      petitionId,
      definition: opts.definition?.definition ?? loadStatutoryDefinition(),
      definitionHash: opts.definition?.hash ?? statutoryDefinitionHash(),
      registeredBy: actors.registrar,
      ...(opts.bodies && { bodies: opts.bodies }),
      petition: {
        category: 'complaint',
        channel: 'letter',
        subject: '小区供暖不达标',
        content: '入冬以来室温长期低于16度，多次反映未果。',
        receivedAt: now,
        petitioner: { name: '李四', address: '北京市海淀区某路2号', phone: '13800000000' },
        ...facts,
      },
    };
    const start = opts.settled
      ? petitionStart({
          petitionId,
          definition: input.definition!,
          definitionHash: input.definitionHash,
          petition: input.petition,
          registeredBy: input.registeredBy,
          registeredAt: now,
          calendar: defaultCalendarData(),
          ...(opts.bodies && { bodies: opts.bodies }),
        })
      : undefined;
    const handle = await env.client.workflow.start<typeof petition>('petition', {
      taskQueue,
      workflowId: petitionWorkflowId(petitionId),
      args: [start?.input ?? input],
      ...(start && { typedSearchAttributes: start.searchAttributes }),
    });
    return new PetitionDriver(env, handle, petitionId);
  }

  /**
   * Applies an action (an Update) and returns the full view once the action's effects have settled: an action
   * that hands the petition to a body answers on the hand-over step, and the hand-over completes in the background.
   */
  async act(
    action: string,
    actor: Actor,
    input: Record<string, unknown> = {},
    requestId?: string,
  ): Promise<PetitionView> {
    const answer = await this.handle.executeUpdate(petitionActionUpdate, {
      args: [{ action, actor, input, requestId }],
      ...(requestId ? { updateId: requestId } : {}),
    });
    let view = await this.view();
    // The statutory definition's hand-overs (deliver-to-*) are service tasks; other definitions the tests run (the
    // migration drill) have none.
    const handOver =
      answer.status === 'open' &&
      view.definition.id === statutoryIndex.definition.id &&
      statutoryIndex.element(answer.step).type === 'serviceTask';
    if (handOver) {
      for (let i = 0; i < 200 && view.step === answer.step; i++) {
        await new Promise((r) => setTimeout(r, 50));
        view = await this.view();
      }
      if (view.step === answer.step) throw new Error(`the hand-over at ${answer.step} did not complete`);
    } else if (view.step !== answer.step || view.status !== answer.status) {
      throw new Error(`the update answered step ${answer.step} but the query reads ${view.step}`);
    }
    return view;
  }

  async view(): Promise<PetitionView> {
    return await this.handle.query(petitionStateQuery);
  }

  async deadline(id: string) {
    return (await this.view()).deadlines.filter((d) => d.id === id).at(-1);
  }

  async historyLength(): Promise<number> {
    return (await this.handle.fetchHistory()).events?.length ?? 0;
  }

  /**
   * Saves the history as a replay fixture when RECORD_HISTORIES=1 (`npm run record-histories`), its payloads
   * decrypted: the run's payload key is new every run, and the codec passes plain payloads through on replay.
   */
  async record(name: string): Promise<void> {
    if (process.env.RECORD_HISTORIES !== '1') return;
    const history = await this.handle.fetchHistory();
    await decryptPayloads(history, testPayloadCodec());
    const file = fileURLToPath(new URL(`../fixtures/histories/${name}.json`, import.meta.url));
    writeFileSync(file, historyToJSON(history));
  }
}

/** Replaces, in place, every payload found anywhere in `node` by its decoded form. */
async function decryptPayloads(node: unknown, codec: PayloadCodec): Promise<void> {
  if (!node || typeof node !== 'object' || ArrayBuffer.isView(node)) return;
  const entries: Array<[string | number, unknown]> = Array.isArray(node)
    ? node.map((v, i) => [i, v])
    : Object.entries(node);
  const parent = node as Record<string | number, unknown>;
  for (const [key, value] of entries) {
    if (isPayload(value)) [parent[key]] = await codec.decode([value]);
    else await decryptPayloads(value, codec);
  }
}

function isPayload(value: unknown): value is Payload {
  const metadata = (value as { metadata?: unknown } | null)?.metadata;
  return typeof metadata === 'object' && metadata !== null && METADATA_ENCODING_KEY in metadata;
}
