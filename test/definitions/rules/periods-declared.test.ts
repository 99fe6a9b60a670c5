import { periodsDeclared } from '../../../definitions/language/rules/periods-declared';
import { action, deadline, describeRule } from '../fixtures';

describeRule(periodsDeclared, {
  valid: [
    [
      'a deadline met and cancelled by actions offered where it runs',
      (d) => {
        Object.assign(deadline(d), { metBy: ['approve'], cancelledBy: ['withdraw'] });
      },
    ],
    [
      'a window judged on the datetime field of the request it refuses',
      (d) => {
        action(d, 'approve').fields = { receivedAt: { type: 'datetime', notAfter: 'actionTime' } };
        Object.assign(deadline(d), {
          extension: undefined,
          onExpiry: { kind: 'lapse' },
          refuseAfter: ['approve'],
          lateEntry: { field: 'receivedAt', graceDays: 15 },
        });
      },
    ],
    [
      'bounds on a datetime field',
      (d) => {
        action(d, 'approve').fields = {
          servedAt: { type: 'datetime', notBefore: 'decidedAt', notAfter: 'actionTime' },
        };
      },
    ],
  ],
  invalid: [
    [
      'a deadline met by an action nowhere it runs',
      (d) => {
        deadline(d).metBy = ['approve-later'];
      },
      [
        {
          path: 'elements[1].deadlines[0].metBy[0]',
          elementId: 'decide',
          message: /met by action "approve-later"/,
        },
      ],
    ],
    [
      'a deadline cancelled by an action no step offers',
      (d) => {
        deadline(d).cancelledBy = ['nothing'];
      },
      [{ path: 'elements[1].deadlines[0].cancelledBy[0]', message: /cancelled by action "nothing"/ }],
    ],
    [
      'a late entry judged on a field the request does not declare as a datetime',
      (d) => {
        action(d, 'approve').fields = { receivedAt: { type: 'text' } };
        Object.assign(deadline(d), {
          extension: undefined,
          onExpiry: { kind: 'lapse' },
          refuseAfter: ['approve'],
          lateEntry: { field: 'receivedAt', graceDays: 15 },
        });
      },
      [
        {
          path: 'elements[1].deadlines[0].lateEntry.field',
          message: /is a text; declare `fields.receivedAt`/,
        },
      ],
    ],
    [
      'a late-entry grace on a body’s deadline',
      (d) => {
        deadline(d).lateEntry = { field: 'receivedAt', graceDays: 15 };
      },
      [
        { path: 'elements[1].deadlines[0].lateEntry', message: /refuses no action/ },
        { path: 'elements[1].deadlines[0].lateEntry', message: /a grace belongs to a request window/ },
      ],
    ],
    [
      'a bound on a text field',
      (d) => {
        action(d, 'approve').fields = { note: { type: 'text', notAfter: 'actionTime' } };
      },
      [{ path: 'elements[1].actions[0].fields.note.notAfter', message: /bounds datetime fields only/ }],
    ],
  ],
});
