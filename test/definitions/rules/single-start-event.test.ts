import { singleStartEvent } from '../../../definitions/language/rules/single-start-event';
import { action, deadline, describeRule, flow, removeElement, removeFlow } from '../fixtures';

describeRule(singleStartEvent, {
  valid: [
    [
      'a start event with a name and a set',
      (d) => {
        d.elements[0] = { id: 'start', type: 'startEvent', name: '登记', set: { note: '"x"' } };
      },
    ],
  ],
  invalid: [
    [
      'no start event',
      (d) => {
        removeElement(d, 'start');
        removeFlow(d, 'f-start');
      },
      [{ path: 'elements', message: /no start event; add an element with `type: startEvent`/ }],
    ],
    [
      'two start events',
      (d) => {
        d.elements.push({ id: 'start-again', type: 'startEvent' });
        d.flows!.push({ id: 'f-again', from: 'start-again', to: 'decide' });
      },
      [{ path: 'elements[6]', elementId: 'start-again', message: /second start event/ }],
    ],
    [
      'a flow into the start event',
      (d) => {
        flow(d, 'f-notified').to = 'start';
      },
      [{ path: 'flows[3].to', message: /leads into the start event/ }],
    ],
    [
      'an action leading back to the start event',
      (d) => {
        action(d, 'approve').to = 'start';
      },
      [{ path: 'elements[1].actions[0].to', elementId: 'decide', message: /leads to the start event/ }],
    ],
    [
      'a deadline following to the start event',
      (d) => {
        deadline(d).onExpiry = { kind: 'follow', to: 'start' };
        deadline(d).extension = undefined;
      },
      [{ path: 'elements[1].deadlines[0].onExpiry.to', message: /follows to the start event/ }],
    ],
  ],
});
