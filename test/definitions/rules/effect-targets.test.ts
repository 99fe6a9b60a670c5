import { effectTargets } from '../../../definitions/language/rules/effect-targets';
import { action, deadline, describeRule, task } from '../fixtures';

describeRule(effectTargets, {
  valid: [
    [
      'an evaluate action with a required rating',
      (d) => {
        d.globalActions!.push({
          id: 'evaluate',
          name: 'Evaluate',
          roles: ['petitioner'],
          steps: ['decide'],
          fields: { rating: { type: 'enum', required: true, values: ['satisfied', 'unsatisfied'] } },
          effect: { type: 'evaluate' },
        });
      },
    ],
    [
      'an extension without a required reason and a string reason',
      (d) => {
        deadline(d).extension = { maxDays: 10, approvalRoles: ['department'], reasonRequired: false };
        action(d, 'extend').fields = { days: { type: 'integer', required: true, min: 1, max: 10 } };
      },
    ],
    [
      'a deadline with neither extension nor pause',
      (d) => {
        Object.assign(deadline(d), { extension: undefined, pause: undefined });
        task(d).actions = task(d).actions!.filter((a) => a.id === 'approve');
      },
    ],
  ],
  invalid: [
    [
      'extending a deadline without `extension`',
      (d) => {
        deadline(d).extension = undefined;
      },
      [
        {
          path: 'elements[1].actions[1].effect',
          elementId: 'decide',
          message: /declares no `extension`; add `extension`/,
        },
      ],
    ],
    [
      'an extend action without a days field',
      (d) => {
        action(d, 'extend').fields = { reason: { type: 'text', required: true } };
      },
      [{ path: 'elements[1].actions[1].fields', message: /required integer field "days"/ }],
    ],
    [
      'days bounded above the extension',
      (d) => {
        action(d, 'extend').fields!['days'] = { type: 'integer', required: true, min: 1, max: 60 };
      },
      [{ path: 'elements[1].actions[1].fields.days', message: /set `min: 1` and `max: 30`/ }],
    ],
    [
      'an unbounded days field',
      (d) => {
        action(d, 'extend').fields!['days'] = { type: 'integer', required: true };
      },
      [{ path: 'elements[1].actions[1].fields.days' }],
    ],
    [
      'a required reason missing from the extend action',
      (d) => {
        action(d, 'extend').fields = { days: { type: 'integer', required: true, min: 1, max: 30 } };
      },
      [{ path: 'elements[1].actions[1].fields', message: /requires the reason for an extension/ }],
    ],
    [
      'an extend action open to a role that may not approve',
      (d) => {
        action(d, 'extend').roles = ['department', 'registrar'];
      },
      [{ path: 'elements[1].actions[1].roles', message: /"registrar".*needs the approval of "department"/ }],
    ],
    [
      'an extend action offered where its deadline does not run',
      (d) => {
        d.globalActions!.push({ ...action(d, 'extend'), steps: ['decide', 'other'] });
        task(d).actions = task(d).actions!.filter((a) => a.id !== 'extend');
        d.elements.push({
          id: 'other',
          type: 'userTask',
          name: 'Other',
          assignee: 'department',
          actions: [{ id: 'go', name: 'Go', roles: ['department'], to: 'done' }],
        });
      },
      [
        {
          path: 'globalActions[1].effect.deadline',
          message: /offered in step "other" and extends deadline "decision", which does not run there/,
        },
      ],
    ],
    [
      'a pause action that is not the pause start',
      (d) => {
        deadline(d).pause = undefined;
      },
      [
        { path: 'elements[1].actions[2].effect', message: /whose `pause.start` is not declared/ },
        { path: 'elements[1].actions[3].effect', message: /whose `pause.end` is not declared/ },
      ],
    ],
    [
      'a deadline that may be extended by no action',
      (d) => {
        task(d).actions = task(d).actions!.filter((a) => a.id !== 'extend');
      },
      [
        {
          path: 'elements[1].deadlines[0].extension',
          message: /offers no action with `effect: \{ type: extend, deadline: decision \}`/,
        },
      ],
    ],
    [
      'pause actions without their effects',
      (d) => {
        action(d, 'hearing-start').effect = undefined;
        action(d, 'hearing-start').set = { note: '"hearing"' };
      },
      [{ path: 'elements[1].deadlines[0].pause.start', message: /so the clock would not stop/ }],
    ],
    [
      'an evaluate action without a rating field',
      (d) => {
        d.globalActions!.push({
          id: 'evaluate',
          name: 'Evaluate',
          roles: ['petitioner'],
          effect: { type: 'evaluate' },
        });
      },
      [{ path: 'globalActions[1].fields', message: /required enum field "rating"/ }],
    ],
  ],
});
