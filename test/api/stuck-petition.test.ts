/**
 * A definition the interpreter cannot carry out (a loop of gateways, published before the cycles-wait rule refused
 * such loops) never makes the API answer 500: an action that would run into it is refused before it reaches history
 * (409 definition_defect), and a petition whose workflow task fails for good answers 503 petition_stuck, GET and
 * actions alike.
 */
import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { hashDefinition } from '../../definitions/language/hash';
import type { Definition } from '../../definitions/language/schema';
import {
  PETITION_WORKFLOW_TYPE,
  petitionWorkflowId,
  type PetitionWorkflowInput,
} from '../../workflows/messages';
import { action, fixture, flow } from '../definitions/fixtures';
import { eventually, startApiTest, type ApiTestContext } from '../helpers/api';

let t: ApiTestContext;
beforeAll(async () => {
  t = await startApiTest({ rpcTimeoutMs: 4_000 });
});
afterAll(async () => {
  await t?.close();
});

/** The rule-test fixture with two gateways that send the token to each other (g1 → g2 on true, g2 → g1 by default). */
function withLoop(enter: 'start' | 'action'): Definition {
  return fixture((d) => {
    d.id = `loop-${enter}`;
    d.elements.push({ id: 'g1', type: 'exclusiveGateway' }, { id: 'g2', type: 'exclusiveGateway' });
    d.flows!.push(
      { id: 'g1-g2', from: 'g1', to: 'g2', condition: 'true' },
      { id: 'g1-decide', from: 'g1', to: 'decide', default: true },
      { id: 'g2-g1', from: 'g2', to: 'g1', default: true },
    );
    if (enter === 'start') flow(d, 'f-start').to = 'g1';
    else action(d, 'approve').to = 'g1';
  });
}

/** Starts a petition on a definition snapshot directly, as a registry that took it before the rule would have. */
async function startOn(definition: Definition): Promise<string> {
  const id = `XF20260101${randomUUID().replace(/-/g, '').slice(0, 12).toUpperCase()}`;
  const input: PetitionWorkflowInput = {
    petitionId: id,
    definition,
    definitionHash: hashDefinition(definition),
    petition: {
      category: 'complaint',
      channel: 'letter',
      subject: '供暖',
      content: '室温低。',
      receivedAt: new Date().toISOString(),
      petitioner: { name: '李四' },
    },
    registeredBy: { role: 'registrar', id: 'reg' },
    registeredAt: new Date().toISOString(),
  };
  await t.client.workflow.start(PETITION_WORKFLOW_TYPE, {
    taskQueue: t.taskQueue,
    workflowId: petitionWorkflowId(id),
    args: [input],
  });
  return id;
}

describe('a definition the interpreter cannot carry out', () => {
  it('refuses an action that would run into the loop with 409 definition_defect, before it reaches history', async () => {
    const id = await startOn(withLoop('action'));
    const handle = t.client.workflow.getHandle(petitionWorkflowId(id));
    await handle.query('petitionState');
    const before = (await handle.describe()).historyLength;
    // A 409 is the validator's answer: had the action reached history, the failing workflow task would have held the
    // Update until the 4 s call bound (503), whatever the machine's speed.
    const res = await t.call(t.token('admin'), {
      method: 'POST',
      url: `/v1/petitions/${id}/actions/approve`,
      payload: {},
    });
    expect(res.statusCode, res.body).toBe(409);
    expect(res.json()).toMatchObject({
      error: 'definition_defect',
      message: expect.stringContaining('did not come to rest'),
    });
    expect((await handle.describe()).historyLength).toBe(before);
    // The petition is still there, where it was.
    const read = await t.call(t.token('admin'), { method: 'GET', url: `/v1/petitions/${id}` });
    expect(read.statusCode).toBe(200);
    expect(read.json().step).toBe('decide');
  });

  it('answers 503 petition_stuck, never 500, for a petition whose workflow task fails for good', async () => {
    const id = await startOn(withLoop('start'));
    const handle = t.client.workflow.getHandle(petitionWorkflowId(id));
    await eventually(
      () => handle.describe(),
      (d) => (d.raw.pendingWorkflowTask?.attempt ?? 0) >= 2,
      'the workflow task to have failed twice',
      20_000,
    );
    for (const request of [
      { method: 'GET' as const, url: `/v1/petitions/${id}` },
      { method: 'POST' as const, url: `/v1/petitions/${id}/actions/approve`, payload: {} },
    ]) {
      const res = await t.call(t.token('admin'), request);
      expect(res.statusCode, res.body).toBe(503);
      expect(res.json()).toMatchObject({
        error: 'petition_stuck',
        message: expect.stringContaining('workflow task has failed'),
        requestId: expect.any(String),
      });
    }
    await handle.terminate('test over: the petition would retry its failing task for ever');
  }, 60_000);
});
