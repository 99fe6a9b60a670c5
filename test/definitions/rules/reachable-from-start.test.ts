import { reachableFromStart } from '../../../definitions/language/rules/reachable-from-start';
import { action, deadline, describeRule, flow, removeFlow } from '../fixtures';

describeRule(reachableFromStart, {
  valid: [
    [
      'an end event reached only by a global action',
      (d) => {
        d.elements.push({ id: 'withdrawn', type: 'endEvent', outcome: 'withdrawn' });
        d.globalActions![0]!.to = 'withdrawn';
      },
    ],
    [
      'an end event reached only by an expiring deadline',
      (d) => {
        d.elements.push({ id: 'lapsed', type: 'endEvent', outcome: 'lapsed' });
        deadline(d).onExpiry = { kind: 'follow', to: 'lapsed' };
        deadline(d).extension = undefined;
      },
    ],
  ],
  invalid: [
    [
      'an element nothing leads to',
      (d) => {
        d.elements.push({ id: 'orphan', type: 'serviceTask', name: 'Orphan', activity: 'archive' });
        d.flows!.push({ id: 'f-orphan', from: 'orphan', to: 'done' });
      },
      [
        {
          path: 'elements[6]',
          elementId: 'orphan',
          message: /cannot be reached from the start event "start"; connect it/,
        },
      ],
    ],
    [
      'a step cut off from the start',
      (d) => {
        removeFlow(d, 'f-start');
        d.flows!.push({ id: 'f-start-direct', from: 'start', to: 'refused' });
      },
      [{ elementId: 'decide' }, { elementId: 'route' }, { elementId: 'notify' }, { elementId: 'done' }],
    ],
    [
      'a gateway branch that leads nowhere new',
      (d) => {
        flow(d, 'f-approved').to = 'refused';
        action(d, 'approve').to = 'route';
      },
      [{ elementId: 'notify' }, { elementId: 'done' }],
    ],
  ],
});
