import { formatPath, type Issue, type Rule } from '../issue';
import { actionSites, quoteList } from '../model';
import type { Action, GlobalAction } from '../schema';
import {
  DEADLINE_PLACEHOLDERS,
  PETITION_PLACEHOLDERS,
  placeholdersOf,
  SCALAR_PLACEHOLDERS,
} from '../templates';

const RULE = 'document-placeholders';

type User = { kind: 'action'; action: Action | GlobalAction } | { kind: 'service'; id: string };

/** A placeholder the engine cannot fill prints as a blank in a legal document served on the petitioner. */
export const documentPlaceholders: Rule = {
  id: RULE,
  description:
    'Document templates use only the placeholder vocabulary (petitionId, documentId, stepName, at, petition.*, variables.*, names.*, superiorNames.*, input.*, deadline.*) with declared variables, fields of the generating action, and deadline fields only where an extend action generates the document.',
  check(definition) {
    const issues: Issue[] = [];
    const users = new Map<string, User[]>();
    const use = (id: string, user: User) => users.set(id, [...(users.get(id) ?? []), user]);
    for (const site of actionSites(definition)) {
      if (site.action.document !== undefined)
        use(site.action.document, { kind: 'action', action: site.action });
    }
    for (const element of definition.elements) {
      if (element.type === 'serviceTask' && element.document !== undefined)
        use(element.document, { kind: 'service', id: element.id });
    }

    for (const [id, document] of Object.entries(definition.documents)) {
      const path = formatPath(['documents', id, 'template']);
      const push = (message: string) =>
        issues.push({ rule: RULE, path, message: `Document "${id}": ${message}` });
      const { placeholders, unclosedAt } = placeholdersOf(document.template);
      if (unclosedAt !== undefined) {
        push(`the "{{" at character ${unclosedAt + 1} is never closed; close it with "}}" or remove it.`);
      }
      const docUsers = users.get(id) ?? [];
      for (const { path: placeholder } of placeholders) {
        const [root = '', ...rest] = placeholder.split('.');
        const field = rest.join('.');
        const shown = `{{${placeholder}}}`;
        if ((SCALAR_PLACEHOLDERS as readonly string[]).includes(root) && rest.length === 0) continue;
        switch (root) {
          case 'petition':
            if (!(PETITION_PLACEHOLDERS as readonly string[]).includes(field)) {
              push(
                `${shown} is not a petition fact; use one of ${quoteList(PETITION_PLACEHOLDERS.map((f) => `petition.${f}`))}.`,
              );
            }
            break;
          case 'variables':
          case 'names':
          case 'superiorNames':
            if (!(field in definition.variables)) {
              push(
                `${shown} names no declared variable; declare "${field}" under \`variables\` or correct the name.`,
              );
            }
            break;
          case 'input':
            for (const user of docUsers) {
              if (user.kind === 'service') {
                push(
                  `${shown} reads action input, but service task "${user.id}" generates this document without one; have the action store it with \`set\` and use {{variables.…}}.`,
                );
              } else if (!(field in user.action.fields)) {
                push(
                  `${shown} reads field "${field}", which action "${user.action.id}" does not declare (fields: ${quoteList(Object.keys(user.action.fields))}); correct the name or add the field.`,
                );
              }
            }
            break;
          case 'deadline':
            if (!(DEADLINE_PLACEHOLDERS as readonly string[]).includes(field)) {
              push(
                `${shown} is not a deadline field; use one of ${quoteList(DEADLINE_PLACEHOLDERS.map((f) => `deadline.${f}`))}.`,
              );
            }
            for (const user of docUsers) {
              if (user.kind === 'action' && user.action.effect?.type === 'extend') continue;
              push(
                `${shown} needs the deadline an extension changed, but ${user.kind === 'service' ? `service task "${user.id}"` : `action "${user.action.id}" (no extend effect)`} generates this document; use {{deadline.…}} only in documents of extend actions.`,
              );
            }
            break;
          default:
            push(
              `${shown} is not in the placeholder vocabulary; use ${quoteList(SCALAR_PLACEHOLDERS)}, petition.*, variables.*, names.*, superiorNames.*, input.* or deadline.* (see definitions/README.md).`,
            );
        }
      }
    }
    return issues;
  },
};
