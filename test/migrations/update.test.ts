/**
 * The migration Update on a running petition workflow (dev server, a real worker): refused before anything reaches
 * history when the petition follows another version than `from`; otherwise the petition moves — token, deadlines,
 * timeline and search attributes — once per Update id, and its history (with the `definition-migration` patch
 * marker) replays.
 */
import { randomUUID } from 'node:crypto';
import { WorkflowUpdateFailedError, type Client, type Connection } from '@temporalio/client';
import { ApplicationFailure } from '@temporalio/common';
import proto from '@temporalio/proto';
import { type NativeConnection, Worker } from '@temporalio/worker';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { petitionStart } from '../../api/services/petition-start';
import { calculateDeadline, defaultCalendarData } from '../../definitions/calendar';
import type { Actor } from '../../workflows/engine/types';
import { FailureType } from '../../workflows/failure-types';
import {
  migrateDefinitionUpdate,
  petitionActionUpdate,
  petitionStateQuery,
  petitionWorkflowId,
  type MigrateDefinitionInput,
} from '../../workflows/messages';
import type { petition } from '../../workflows/petition';
import { PetitionSearchAttributes as SA } from '../../workflows/search-attributes';
import {
  connectDevServer,
  connectDevServerNative,
  createTestWorker,
  testDataConverter,
  testPayloadCodec,
  uniqueTaskQueue,
} from '../helpers/temporal';
import { drillDefinition } from './drill';

const { EventType } = proto.temporal.api.enums.v1;
const definitionId = `drill-u${randomUUID().slice(0, 8)}`;
const v1 = drillDefinition(1, definitionId);
const v2 = drillDefinition(2, definitionId);
const taskQueue = uniqueTaskQueue('migrate-update');
const registrar: Actor = { role: 'registrar', id: 'u-reg' };
const designer: Actor = { role: 'designer', id: 'u-designer' };

let client: Client;
let connection: Connection;
let native: NativeConnection;
let worker: Worker;
let running: Promise<void>;

beforeAll(async () => {
  ({ client, connection } = await connectDevServer());
  native = await connectDevServerNative();
  worker = await createTestWorker({ connection: native, taskQueue });
  running = worker.run();
});

afterAll(async () => {
  if (worker?.getState() === 'RUNNING') worker.shutdown();
  await running;
  await native?.close();
  await connection?.close();
});

async function register(receivedDaysAgo: number) {
  const now = new Date();
  const petitionId = `MU${randomUUID().slice(0, 12).replace(/-/g, '')}`;
  const start = petitionStart({
    petitionId,
    definition: v1.definition,
    definitionHash: v1.hash,
    petition: {
      category: 'complaint',
      channel: 'letter',
      subject: '道路维修',
      content: '门前道路损坏多年未修。',
      receivedAt: new Date(now.getTime() - receivedDaysAgo * 86_400_000).toISOString(),
      petitioner: { name: '张三', address: '北京市东城区某街1号' },
    },
    registeredBy: registrar,
    registeredAt: now.toISOString(),
    calendar: defaultCalendarData(),
  });
  const handle = await client.workflow.start<typeof petition>('petition', {
    taskQueue,
    workflowId: petitionWorkflowId(petitionId),
    args: [start.input],
    typedSearchAttributes: start.searchAttributes,
  });
  return { petitionId, handle, view: () => handle.query(petitionStateQuery) };
}

const request = (over: Partial<MigrateDefinitionInput> = {}): MigrateDefinitionInput => ({
  migrationId: 'm-updatetest',
  from: { id: definitionId, version: 1, hash: v1.hash },
  to: { id: definitionId, version: 2, hash: v2.hash, definition: v2.definition },
  stepMap: { handle: 'processing' },
  actor: designer,
  ...over,
});

async function refusal(promise: Promise<unknown>): Promise<ApplicationFailure> {
  const err = await promise.then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(err).toBeInstanceOf(WorkflowUpdateFailedError);
  const cause = (err as WorkflowUpdateFailedError).cause;
  expect(cause).toBeInstanceOf(ApplicationFailure);
  return cause as ApplicationFailure;
}

describe('the migrateDefinition Update', () => {
  it('is refused for a petition that follows another version than `from`, and nothing reaches its history', async () => {
    const p = await register(2);
    const before = await p.view();
    const cause = await refusal(
      p.handle.executeUpdate(migrateDefinitionUpdate, {
        args: [request({ from: { id: definitionId, version: 2 } })],
      }),
    );
    expect(cause.type).toBe(FailureType.MigrationRefused);
    expect(cause.message).toBe(
      `Petition ${p.petitionId} follows ${definitionId}@1 (hash ${v1.hash}), not ${definitionId}@2; nothing was changed.`,
    );
    expect(cause.details?.[0]).toMatchObject({ reason: 'wrong-version', follows: `${definitionId}@1` });

    const history = await p.handle.fetchHistory();
    const types = history.events?.map((e) => e.eventType) ?? [];
    expect(types).not.toContain(EventType.EVENT_TYPE_WORKFLOW_EXECUTION_UPDATE_ACCEPTED);
    expect(await p.view()).toEqual(before);
  });

  it('is refused when the snapshot sent is not the version its hash names', async () => {
    const p = await register(1);
    const cause = await refusal(
      p.handle.executeUpdate(migrateDefinitionUpdate, {
        args: [request({ to: { id: definitionId, version: 2, hash: v1.hash, definition: v2.definition } })],
      }),
    );
    expect(cause.message).toBe(
      `The definition sent as ${definitionId}@2 is not the one with hash ${v1.hash}; nothing was changed.`,
    );
  });

  it('moves the petition once per Update id, keeps its deadline start, and its history replays', async () => {
    const p = await register(3);
    await p.handle.executeUpdate(petitionActionUpdate, {
      args: [{ action: 'forward', actor: registrar, input: { department: 'D-MU' } }],
    });
    const before = (await p.view()).deadlines.find((d) => d.id === 'handling' && d.state === 'running')!;

    const updateId = `m-updatetest:${p.petitionId}`;
    const result = await p.handle.executeUpdate(migrateDefinitionUpdate, { args: [request()], updateId });
    expect(result).toMatchObject({
      petitionId: p.petitionId,
      from: `${definitionId}@1`,
      to: `${definitionId}@2`,
      step: { from: 'handle', to: 'processing' },
    });
    // The same Update id again: Temporal answers the first outcome; the petition does not move twice.
    const again = await p.handle.executeUpdate(migrateDefinitionUpdate, { args: [request()], updateId });
    expect(again).toEqual(result);

    const view = await p.view();
    expect(view.definition).toEqual({ id: definitionId, version: 2, hash: v2.hash });
    expect(view.step).toBe('processing');
    expect(view.timeline.filter((e) => e.type === 'migrated')).toHaveLength(1);
    const after = view.deadlines.find((d) => d.key === before.key)!;
    expect(after).toMatchObject({
      step: 'processing',
      from: before.from,
      pausedDays: 0,
      duration: 45,
      state: 'running',
    });
    expect(after.lastDay).toBe(
      calculateDeadline(
        {
          from: before.from,
          duration: 45,
          counting: 'calendar-days',
          extensionDays: 0,
          pausedDays: 0,
          article: after.article,
        },
        defaultCalendarData(),
      ).lastDay,
    );
    expect(result.deadlines).toContainEqual({
      key: before.key,
      id: 'handling',
      fate: 'changed',
      status: 'running',
      dueAt: after.dueAt,
      lastDay: after.lastDay,
    });

    const sa = (await p.handle.describe()).typedSearchAttributes;
    expect(sa.get(SA.definition)).toBe(`${definitionId}@2`);
    expect(sa.get(SA.step)).toBe('processing');
    expect(sa.get(SA.dueAt)?.toISOString()).toBe(after.dueAt);

    // An action of version 2 is taken under version 2.
    await p.handle.executeUpdate(petitionActionUpdate, {
      args: [{ action: 'finish', actor: { role: 'department', id: 'u-d', department: 'D-MU' }, input: {} }],
    });
    await p.handle.result();
    const history = await p.handle.fetchHistory();
    const markers = (history.events ?? []).filter(
      (e) => e.eventType === EventType.EVENT_TYPE_MARKER_RECORDED,
    );
    const markerPayloads = await testPayloadCodec().decode(
      markers
        .flatMap((m) => Object.values(m.markerRecordedEventAttributes?.details ?? {}))
        .flatMap((p) => p.payloads ?? []),
    );
    expect(markerPayloads.map((p) => Buffer.from(p.data ?? []).toString()).join('\n')).toContain(
      'definition-migration',
    );
    await Worker.runReplayHistory(
      { workflowBundle: { codePath: inject('workflowBundlePath') }, dataConverter: testDataConverter() },
      history,
      p.petitionId,
    );
  });
});
