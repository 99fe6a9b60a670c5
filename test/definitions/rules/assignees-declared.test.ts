import { assigneesDeclared } from '../../../definitions/language/rules/assignees-declared';
import { describeRule } from '../fixtures';

describeRule(assigneesDeclared, {
  valid: [
    [
      'a department held by a declared string variable, acted for by a declared role',
      (d) => {
        d.variables!['handler'] = { type: 'string' };
        d.assignees = { department: { holder: 'handler', role: 'department' } };
      },
    ],
    [
      'an assignee with a holder and no role (the body is recorded, nobody is checked against it)',
      (d) => {
        d.variables!['reviewer'] = { type: 'string' };
        d.assignees = { superior: { holder: 'reviewer' } };
      },
    ],
  ],
  invalid: [
    [
      'a holder variable that is not declared',
      (d) => {
        d.assignees = { department: { holder: 'handler', role: 'department' } };
      },
      [{ path: 'assignees.department.holder', message: /variable "handler", which is not declared/ }],
    ],
    [
      'a holder variable that is not a string',
      (d) => {
        d.assignees = { department: { holder: 'approved', role: 'department' } };
      },
      [
        {
          path: 'assignees.department.holder',
          message: /"approved", a boolean; .* make "approved" a string variable/,
        },
      ],
    ],
    [
      'a role that is not declared',
      (d) => {
        d.variables!['handler'] = { type: 'string' };
        d.assignees = { department: { holder: 'handler', role: 'agency' } };
      },
      [
        {
          path: 'assignees.department.role',
          message: /role "agency", which is not declared; add it to `roles`/,
        },
      ],
    ],
    [
      'a role without a holder to check it against',
      (d) => {
        d.assignees = { 'superior-of-superior': { role: 'department' } };
      },
      [{ path: 'assignees["superior-of-superior"].role', message: /no `holder`/ }],
    ],
  ],
});
