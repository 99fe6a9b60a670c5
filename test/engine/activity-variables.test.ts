import { describe, expect, it } from 'vitest';
import { DefinitionSchema } from '../../definitions/language/schema';
import { validateDefinition } from '../../definitions/language/validate';
import { step, type PetitionState } from '../../workflows/engine';

/** A service task that routes to a body, then a gateway that reads what the routing recorded. */
const definition = DefinitionSchema.parse({
  id: 'activity-variables',
  version: 1,
  name: 'An activity result sets a variable',
  roles: ['registrar', 'superior', 'system'],
  variables: {
    category: { type: 'string' },
    channel: { type: 'string' },
    intake: { type: 'string' },
    department: { type: 'string' },
    identityClear: { type: 'boolean' },
    receivedAt: { type: 'datetime' },
    concerns: { type: 'string' },
    reviewBody: { type: 'string' },
  },
  elements: [
    { id: 'start', type: 'startEvent' },
    {
      id: 'deliver',
      type: 'serviceTask',
      name: '交送复查机关',
      activity: 'delivery',
      recipient: 'department',
    },
    { id: 'routed', type: 'exclusiveGateway' },
    {
      id: 'review',
      type: 'userTask',
      name: '复查',
      assignee: 'superior',
      actions: [{ id: 'done', name: '完成', roles: ['superior'], to: 'end' }],
    },
    { id: 'end', type: 'endEvent', outcome: 'done' },
    { id: 'unrouted', type: 'endEvent', outcome: 'unrouted' },
  ],
  flows: [
    { id: 'f1', from: 'start', to: 'deliver' },
    { id: 'f2', from: 'deliver', to: 'routed' },
    { id: 'f3', from: 'routed', to: 'review', condition: 'reviewBody != null' },
    { id: 'f4', from: 'routed', to: 'unrouted', default: true },
  ],
});

function started(): PetitionState {
  const { state, commands } = step(definition, undefined, {
    type: 'start',
    at: '2026-03-02T01:00:00.000Z',
    petitionId: 'P1',
    definitionHash: 'h',
    actor: { role: 'registrar', id: 'r' },
    petition: {
      category: 'complaint',
      channel: 'letter',
      subject: '复查',
      content: '…',
      receivedAt: '2026-03-02T01:00:00.000Z',
      petitioner: { name: '张三' },
    },
  });
  expect(commands).toContainEqual(
    expect.objectContaining({ type: 'run-service-task', element: 'deliver', activity: 'delivery' }),
  );
  return state;
}

describe('an activity result that sets variables (delivery routing, Art. 35–36)', () => {
  it('is a valid definition', () => {
    expect(validateDefinition(definition)).toEqual([]);
  });

  it('assigns the variables before the token follows the outgoing flow, so a gateway sees them', () => {
    const { state } = step(definition, started(), {
      type: 'activity-completed',
      at: '2026-03-02T01:00:01.000Z',
      element: 'deliver',
      detail: 'worker: ok',
      variables: { reviewBody: 'S1' },
    });
    expect(state.variables['reviewBody']).toBe('S1');
    expect(state.token).toBe('review');
    expect(state.timeline.at(-1)).toMatchObject({ type: 'entered', step: 'review' });
  });

  it('leaves the variables alone when the activity sets none', () => {
    const { state } = step(definition, started(), {
      type: 'activity-completed',
      at: '2026-03-02T01:00:01.000Z',
      element: 'deliver',
    });
    expect(state.variables['reviewBody']).toBeUndefined();
    expect(state.status).toBe('closed');
    expect(state.outcome).toMatchObject({ outcome: 'unrouted' });
  });
});
