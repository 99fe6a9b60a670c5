import { formatPath, type Issue, type PathSegment, type Rule } from '../issue';
import { actionSites, quoteList } from '../model';
import { placeholdersOf } from '../templates';

const RULE = 'message-placeholders';

/** What each kind of message may say: its placeholders. */
export const MESSAGE_PLACEHOLDERS = {
  supervision: ['reason', 'answerDays'],
  read: ['reader'],
  escalation: ['reason'],
} as const;

/**
 * The texts the engine records for a definition (a supervision order's timeline entry and notice, a read of a
 * confidential petition) are templates; a placeholder the engine does not fill prints as a blank in the record.
 */
export const messagePlaceholders: Rule = {
  id: RULE,
  description:
    'Declared message templates use only their placeholders: {{reason}} and {{answerDays}} in a supervise effect’s `message` and `notice`, {{reader}} in a category’s `readMessage`, {{reason}} in an escalate effect’s `message`; every "{{" is closed.',
  check(definition) {
    const issues: Issue[] = [];
    const checkTemplate = (
      template: string | undefined,
      path: PathSegment[],
      allowed: readonly string[],
      elementId?: string,
    ) => {
      if (template === undefined) return;
      const push = (message: string) =>
        issues.push({ rule: RULE, ...(elementId ? { elementId } : {}), path: formatPath(path), message });
      const { placeholders, unclosedAt } = placeholdersOf(template);
      if (unclosedAt !== undefined) {
        push(`The "{{" at character ${unclosedAt + 1} is never closed; close it with "}}" or remove it.`);
      }
      for (const { path: name } of placeholders) {
        if (allowed.includes(name)) continue;
        push(`{{${name}}} is not filled in this message; use ${quoteList(allowed.map((a) => `{{${a}}}`))}.`);
      }
    };

    for (const site of actionSites(definition)) {
      const effect = site.action.effect;
      if (effect?.type === 'escalate') {
        checkTemplate(
          effect.message,
          [...site.path, 'effect', 'message'],
          MESSAGE_PLACEHOLDERS.escalation,
          site.owner?.id,
        );
        continue;
      }
      if (effect?.type !== 'supervise') continue;
      for (const field of ['message', 'notice'] as const) {
        checkTemplate(
          effect[field],
          [...site.path, 'effect', field],
          MESSAGE_PLACEHOLDERS.supervision,
          site.owner?.id,
        );
      }
    }
    for (const [id, category] of Object.entries(definition.registration?.categories ?? {})) {
      checkTemplate(
        category.readMessage,
        ['registration', 'categories', id, 'readMessage'],
        MESSAGE_PLACEHOLDERS.read,
      );
    }
    return issues;
  },
};
