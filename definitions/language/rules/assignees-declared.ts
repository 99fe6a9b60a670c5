import { formatPath, type Issue, type Rule } from '../issue';
import { quoteList } from '../model';

const RULE = 'assignees-declared';

/**
 * The engine reads the body that holds a step from its assignee's variable (the deadline's accountable body,
 * where deliveries record the body they reach) and lets staff of the assignee's role act only for that body; a
 * misspelt variable or role silently switches that check off.
 */
export const assigneesDeclared: Rule = {
  id: RULE,
  description:
    "Each declared assignee's `holder` is a declared string variable and its `role` a declared role; a `role` comes with a `holder` (it is checked against it).",
  check(definition) {
    const issues: Issue[] = [];
    const roles = new Set(definition.roles);
    for (const [kind, declaration] of Object.entries(definition.assignees ?? {})) {
      if (!declaration) continue;
      const push = (field: string, message: string) =>
        issues.push({ rule: RULE, path: formatPath(['assignees', kind, field]), message });
      const { holder, role } = declaration;
      if (holder !== undefined) {
        const variable = definition.variables[holder];
        if (!variable) {
          push(
            'holder',
            `Assignee "${kind}" is held by the body in variable "${holder}", which is not declared; declare it under \`variables\` (type string) or correct the name (declared: ${quoteList(Object.keys(definition.variables))}).`,
          );
        } else if (variable.type !== 'string') {
          push(
            'holder',
            `Assignee "${kind}" is held by the body in variable "${holder}", a ${variable.type}; a body is named by its code, so make "${holder}" a string variable.`,
          );
        }
      }
      if (role !== undefined) {
        if (!roles.has(role)) {
          push(
            'role',
            `Assignee "${kind}" is acted for by role "${role}", which is not declared; add it to \`roles\` or correct it (roles: ${quoteList(roles)}).`,
          );
        } else if (holder === undefined) {
          push(
            'role',
            `Assignee "${kind}" names role "${role}" but no \`holder\`: staff of the role are checked against the body the holder variable names, so declare \`holder\` too, or remove \`role\`.`,
          );
        }
      }
    }
    return issues;
  },
};
