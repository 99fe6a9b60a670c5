import { actionRolesExist } from '../../../definitions/language/rules/action-roles-exist';
import { action, deadline, describeRule } from '../fixtures';

describeRule(actionRolesExist, {
  valid: [
    [
      'a declared role that may act in any step',
      (d) => {
        d.overrideRoles = ['registrar'];
      },
    ],
    [
      'an action open to several declared roles',
      (d) => {
        action(d, 'approve').roles = ['department', 'registrar'];
      },
    ],
  ],
  invalid: [
    [
      'an action role that is not declared',
      (d) => {
        action(d, 'approve').roles = ['department', 'departmnet'];
      },
      [
        {
          path: 'elements[1].actions[0].roles[1]',
          elementId: 'decide',
          message: /role "departmnet", which is not declared; add it to `roles`/,
        },
      ],
    ],
    [
      'a global action role that is not declared',
      (d) => {
        d.globalActions![0]!.roles = ['citizen'];
      },
      [{ path: 'globalActions[0].roles[0]', message: /"citizen"/ }],
    ],
    [
      'an override role that is not declared',
      (d) => {
        d.overrideRoles = ['registrar', 'administrator'];
      },
      [{ path: 'overrideRoles[1]', message: /Role "administrator" may act in any step/ }],
    ],
    [
      'an approval role that is not declared',
      (d) => {
        deadline(d).extension = { maxDays: 30, approvalRoles: ['head'] };
      },
      [{ path: 'elements[1].deadlines[0].extension.approvalRoles[0]', message: /approval of role "head"/ }],
    ],
  ],
});
