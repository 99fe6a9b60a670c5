import { userTaskActions } from '../../../definitions/language/rules/user-task-actions';
import { action, describeRule } from '../fixtures';

describeRule(userTaskActions, {
  valid: [
    [
      'an action that stays but sets a variable',
      (d) => {
        action(d, 'approve').to = undefined;
      },
    ],
    [
      'an action that stays but generates a document',
      (d) => {
        action(d, 'hearing-start').effect = undefined;
        action(d, 'hearing-start').document = 'notice';
        action(d, 'hearing-end').effect = undefined;
        action(d, 'hearing-end').document = 'notice';
        (d.elements[1] as { deadlines: Array<{ pause?: unknown }> }).deadlines[0]!.pause = undefined;
      },
    ],
    [
      'a step offering only a global action',
      (d) => {
        d.elements.push({ id: 'wait', type: 'userTask', name: 'Wait', assignee: 'petitioner' });
        d.globalActions![0]!.steps = ['decide', 'wait'];
      },
    ],
  ],
  invalid: [
    [
      'a user task with no action',
      (d) => {
        d.elements.push({ id: 'wait', type: 'userTask', name: 'Wait', assignee: 'petitioner' });
      },
      [
        {
          path: 'elements[6].actions',
          elementId: 'wait',
          message: /offers no action, so the petition would wait there forever/,
        },
      ],
    ],
    [
      'an action that does nothing',
      (d) => {
        action(d, 'approve').to = undefined;
        action(d, 'approve').set = {};
      },
      [
        {
          path: 'elements[1].actions[0]',
          elementId: 'decide',
          message: /has no `to`, `effect`, `set` or `document`/,
        },
      ],
    ],
    [
      'a global action that does nothing',
      (d) => {
        d.globalActions![0]!.to = undefined;
      },
      [{ path: 'globalActions[0]', message: /Action "withdraw" has no `to`/ }],
    ],
  ],
});
