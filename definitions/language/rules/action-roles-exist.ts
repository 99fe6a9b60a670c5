import { formatPath, type Issue, type Rule } from '../issue';
import { actionSites, deadlineSites, quoteList } from '../model';

const RULE = 'action-roles-exist';

/** A role that is not declared can never be held by an actor, so the action (or approval) would be impossible. */
export const actionRolesExist: Rule = {
  id: RULE,
  description:
    "Every action's roles, every extension's approval roles and the `overrideRoles` are declared under `roles`.",
  check(definition) {
    const issues: Issue[] = [];
    const roles = new Set(definition.roles);
    for (const site of actionSites(definition)) {
      site.action.roles.forEach((role, i) => {
        if (roles.has(role)) return;
        issues.push({
          rule: RULE,
          ...(site.owner ? { elementId: site.owner.id } : {}),
          path: formatPath([...site.path, 'roles', i]),
          message: `Action "${site.action.id}" may be taken by role "${role}", which is not declared; add it to \`roles\` or correct it (roles: ${quoteList(roles)}).`,
        });
      });
    }
    definition.overrideRoles?.forEach((role, i) => {
      if (roles.has(role)) return;
      issues.push({
        rule: RULE,
        path: formatPath(['overrideRoles', i]),
        message: `Role "${role}" may act in any step (\`overrideRoles\`) but is not declared; add it to \`roles\` or correct it (roles: ${quoteList(roles)}).`,
      });
    });
    for (const { deadline, task, path } of deadlineSites(definition)) {
      deadline.extension?.approvalRoles.forEach((role, i) => {
        if (roles.has(role)) return;
        issues.push({
          rule: RULE,
          elementId: task.id,
          path: formatPath([...path, 'extension', 'approvalRoles', i]),
          message: `Deadline "${deadline.id}" is extended with the approval of role "${role}", which is not declared; add it to \`roles\` or correct it (roles: ${quoteList(roles)}).`,
        });
      });
    }
    return issues;
  },
};
