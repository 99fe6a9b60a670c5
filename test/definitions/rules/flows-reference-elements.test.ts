import { flowsReferenceElements } from '../../../definitions/language/rules/flows-reference-elements';
import { action, deadline, describeRule, element, flow } from '../fixtures';

describeRule(flowsReferenceElements, {
  valid: [
    [
      'a deadline spanning the next task',
      (d) => {
        deadline(d).spans = ['notify'];
      },
    ],
    [
      'a global action offered everywhere (no steps)',
      (d) => {
        d.globalActions![0]!.steps = undefined;
      },
    ],
  ],
  invalid: [
    [
      'a flow from an unknown element',
      (d) => {
        flow(d, 'f-notified').from = 'notifyy';
      },
      [
        {
          path: 'flows[3].from',
          elementId: 'f-notified',
          message: /starts at "notifyy", which is not an element; correct the id/,
        },
      ],
    ],
    [
      'a flow to an unknown element',
      (d) => {
        flow(d, 'f-notified').to = 'gone';
      },
      [{ path: 'flows[3].to', message: /leads to "gone"/ }],
    ],
    [
      'an action to an unknown element',
      (d) => {
        action(d, 'approve').to = 'rout';
      },
      [
        {
          path: 'elements[1].actions[0].to',
          elementId: 'decide',
          message: /Action "approve" leads to "rout"/,
        },
      ],
    ],
    [
      'an effect on an unknown deadline',
      (d) => {
        action(d, 'extend').effect = { type: 'extend', deadline: 'decisions' };
      },
      [
        {
          path: 'elements[1].actions[1].effect.deadline',
          message: /deadline "decisions", which no step defines/,
        },
      ],
    ],
    [
      'an action document that does not exist',
      (d) => {
        action(d, 'approve').document = 'letter';
      },
      [
        {
          path: 'elements[1].actions[0].document',
          message: /document "letter", which is not under `documents`/,
        },
      ],
    ],
    [
      'a service task document that does not exist',
      (d) => {
        const notify = element(d, 'notify');
        if (notify.type === 'serviceTask') notify.document = 'letter';
      },
      [{ path: 'elements[3].document', elementId: 'notify' }],
    ],
    [
      'a global action offered in a gateway and in an unknown step',
      (d) => {
        d.globalActions![0]!.steps = ['route', 'nowhere'];
      },
      [
        { path: 'globalActions[0].steps[0]', message: /"route", which is not a user task/ },
        { path: 'globalActions[0].steps[1]', message: /"nowhere", which is not an element/ },
      ],
    ],
    [
      'a deadline spanning an unknown element',
      (d) => {
        deadline(d).spans = ['notfy'];
      },
      [{ path: 'elements[1].deadlines[0].spans[0]', message: /spans "notfy"/ }],
    ],
    [
      'a deadline following to an unknown element',
      (d) => {
        deadline(d).onExpiry = { kind: 'follow', to: 'closed' };
      },
      [{ path: 'elements[1].deadlines[0].onExpiry.to', message: /follows to "closed"/ }],
    ],
  ],
});
