import { formatPath, type Issue, type Rule } from '../issue';
import { actionsOffered, actionSites, userTaskSites } from '../model';

const RULE = 'user-task-actions';

/** A user task waits for actions; one that offers none, or an action that does nothing, is a dead end or a slip. */
export const userTaskActions: Rule = {
  id: RULE,
  description:
    'Every user task offers at least one action (its own or a global one); an action that stays in the step (no `to`) does something: an effect, a `set` or a document.',
  check(definition) {
    const issues: Issue[] = [];
    for (const { task, path } of userTaskSites(definition)) {
      if (actionsOffered(definition, task).length === 0) {
        issues.push({
          rule: RULE,
          elementId: task.id,
          path: formatPath([...path, 'actions']),
          message: `User task "${task.id}" offers no action, so the petition would wait there forever; add an action (with \`roles\` and a \`to\`).`,
        });
      }
    }
    for (const site of actionSites(definition)) {
      const { action } = site;
      if (action.to !== undefined) continue;
      const doesSomething =
        action.effect !== undefined || Object.keys(action.set).length > 0 || action.document !== undefined;
      if (doesSomething) continue;
      issues.push({
        rule: RULE,
        ...(site.owner ? { elementId: site.owner.id } : {}),
        path: formatPath(site.path),
        message: `Action "${action.id}" has no \`to\`, \`effect\`, \`set\` or \`document\`, so taking it changes nothing; give it a \`to\` to move on, or the effect it stands for.`,
      });
    }
    return issues;
  },
};
