import { canReachEnd } from '../../../definitions/language/rules/can-reach-end';
import { action, describeRule, element, removeElement, removeFlow } from '../fixtures';

describeRule(canReachEnd, {
  valid: [
    [
      'a step left only by a global action',
      (d) => {
        d.elements.push({ id: 'wait', type: 'userTask', name: 'Wait', assignee: 'petitioner' });
        d.globalActions![0]!.steps = ['decide', 'wait'];
        action(d, 'approve').to = 'wait';
      },
    ],
  ],
  invalid: [
    [
      'no end event at all',
      (d) => {
        d.elements = d.elements.filter((e) => e.type !== 'endEvent');
        removeFlow(d, 'f-notified');
        removeFlow(d, 'f-refused');
        d.globalActions = [];
      },
      [{ path: 'elements', message: /no end event, so no petition could ever close/ }],
    ],
    [
      'a loop without an exit',
      (d) => {
        d.elements.push({
          id: 'limbo',
          type: 'userTask',
          name: 'Limbo',
          assignee: 'bureau',
          actions: [{ id: 'again', name: 'Again', roles: ['registrar'], to: 'limbo' }],
        });
        action(d, 'hearing-end').to = 'limbo';
      },
      [{ path: 'elements[6]', elementId: 'limbo', message: /No end event can be reached from "limbo"/ }],
    ],
    [
      'a service task whose flow is missing',
      (d) => {
        removeFlow(d, 'f-notified');
        removeElement(d, 'done');
      },
      [{ elementId: 'notify' }],
    ],
    [
      'an end event turned into a dead-end service task',
      (d) => {
        const i = d.elements.indexOf(element(d, 'refused'));
        d.elements[i] = { id: 'refused', type: 'serviceTask', name: 'Stuck', activity: 'archive' };
      },
      [{ elementId: 'refused' }],
    ],
  ],
});
