import { uniqueIds } from '../../../definitions/language/rules/unique-ids';
import { action, deadline, describeRule, flow, task } from '../fixtures';

describeRule(uniqueIds, {
  valid: [
    [
      'the same action id in two steps',
      (d) => {
        d.elements.push({
          id: 'again',
          type: 'userTask',
          name: 'Again',
          assignee: 'bureau',
          actions: [{ id: 'approve', name: 'A', roles: ['registrar'], to: 'done' }],
        });
      },
    ],
    [
      'a global action that shares an id with a step action (the step shadows it)',
      (d) => {
        d.globalActions!.push({
          id: 'approve',
          name: 'A',
          roles: ['petitioner'],
          steps: ['decide'],
          to: 'done',
        });
      },
    ],
  ],
  invalid: [
    [
      'two elements with one id',
      (d) => {
        d.elements.push({ id: 'notify', type: 'endEvent', outcome: 'x' });
      },
      [
        {
          path: 'elements[6].id',
          elementId: 'notify',
          message: /Element id "notify" is already used at elements\[3\].*rename one/,
        },
      ],
    ],
    [
      'two flows with one id',
      (d) => {
        flow(d, 'f-notified').id = 'f-start';
      },
      [{ path: 'flows[3].id', message: /Flow id "f-start"/ }],
    ],
    [
      'a flow named like an element',
      (d) => {
        flow(d, 'f-notified').id = 'done';
      },
      [{ path: 'flows[3].id', message: /also an element id/ }],
    ],
    [
      'two actions with one id in a step',
      (d) => {
        action(d, 'hearing-end').id = 'hearing-start';
      },
      [
        {
          path: 'elements[1].actions[3].id',
          elementId: 'decide',
          message: /Action \(in step "decide"\) id "hearing-start"/,
        },
      ],
    ],
    [
      'two global actions with one id',
      (d) => {
        d.globalActions!.push({ id: 'withdraw', name: 'W', roles: ['petitioner'], to: 'refused' });
      },
      [{ path: 'globalActions[1].id', message: /Global action id "withdraw"/ }],
    ],
    [
      'two deadlines with one id in different steps',
      (d) => {
        d.elements.push({
          id: 'wait',
          type: 'userTask',
          name: 'Wait',
          assignee: 'petitioner',
          actions: [{ id: 'go', name: 'Go', roles: ['petitioner'], to: 'done' }],
          deadlines: [{ ...deadline(d), pause: undefined, extension: undefined }],
        });
      },
      [
        {
          path: 'elements[6].deadlines[0].id',
          elementId: 'wait',
          message: /Deadline id "decision".*find deadlines by id/,
        },
      ],
    ],
    [
      'a role listed twice',
      (d) => {
        d.roles.push('department');
      },
      [{ path: 'roles[3]', message: /Role "department" is listed twice/ }],
    ],
    [
      'an unchanged step that lists an action twice and a deadline twice',
      (d) => {
        task(d).actions!.push({ id: 'approve', name: 'Again', roles: ['department'], to: 'route' });
        task(d).deadlines!.push({ ...deadline(d), pause: undefined, extension: undefined });
      },
      [{ path: 'elements[1].actions[4].id' }, { path: 'elements[1].deadlines[1].id' }],
    ],
  ],
});
