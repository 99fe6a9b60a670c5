import { formatPath, type Issue, type Rule } from '../issue';
import { actionsOffered, actionSites, deadlineSites, quoteList } from '../model';

const RULE = 'effect-targets';

/**
 * The engine extends, pauses and resumes deadlines through actions' effects; the deadline's `extension` and `pause`
 * say what the law allows. The two must agree, or an extension is offered that the law forbids (or vice versa).
 */
export const effectTargets: Rule = {
  id: RULE,
  description:
    "An extend/pause/resume effect targets a deadline running in every step the action is offered; extend needs the deadline's `extension`, an integer `days` field bounded by `maxDays`, a `reason` field when one is required, and roles among the approvers; pause/resume match the deadline's `pause`; a deadline with `extension` or `pause` has the actions for it; an evaluate action has a `rating` field.",
  check(definition) {
    const issues: Issue[] = [];
    const deadlines = deadlineSites(definition);

    for (const site of actionSites(definition)) {
      const { action } = site;
      const effect = action.effect;
      if (!effect) continue;
      const push = (message: string, ...rest: Array<string | number>) =>
        issues.push({
          rule: RULE,
          ...(site.owner ? { elementId: site.owner.id } : {}),
          path: formatPath([...site.path, ...rest]),
          message,
        });

      if (effect.type === 'evaluate') {
        const rating = action.fields['rating'];
        if (!rating || rating.type !== 'enum' || !rating.required) {
          push(
            `Action "${action.id}" records an evaluation (Art. 21), which the engine reads from a required enum field "rating"; declare \`fields.rating\` with \`type: enum\`, \`required: true\` and its values.`,
            'fields',
          );
        }
        continue;
      }
      if (!('deadline' in effect)) continue;

      const targets = deadlines.filter((d) => d.deadline.id === effect.deadline);
      if (targets.length === 0) continue;
      for (const step of site.steps) {
        const runsHere = targets.some((d) => d.task.id === step.id || d.deadline.spans.includes(step.id));
        if (!runsHere) {
          push(
            `Action "${action.id}" is offered in step "${step.id}" and ${effect.type}s deadline "${effect.deadline}", which does not run there (it belongs to ${quoteList(targets.map((t) => t.task.id))}); offer the action only where the deadline runs.`,
            'effect',
            'deadline',
          );
        }
      }
      const target = targets[0]!.deadline;

      if (effect.type === 'extend') {
        const extension = target.extension;
        if (!extension) {
          push(
            `Action "${action.id}" extends deadline "${target.id}", which declares no \`extension\`; add \`extension\` (maxDays, approvalRoles, the article allowing it) to the deadline or remove the effect.`,
            'effect',
          );
          continue;
        }
        const days = action.fields['days'];
        if (!days || days.type !== 'integer' || !days.required) {
          push(
            `Action "${action.id}" extends "${target.id}" by the days the actor gives, read from a required integer field "days"; declare \`fields.days\` with \`type: integer\`, \`required: true\`, \`min: 1\`, \`max: ${extension.maxDays}\`.`,
            'fields',
          );
        } else if (days.max === undefined || days.max > extension.maxDays || (days.min ?? 0) < 1) {
          push(
            `Field "days" of action "${action.id}" must be bounded by the extension: set \`min: 1\` and \`max: ${extension.maxDays}\` (at most ${extension.maxDays} days, ${target.article}).`,
            'fields',
            'days',
          );
        }
        if (extension.reasonRequired) {
          const reason = action.fields['reason'];
          if (!reason || (reason.type !== 'text' && reason.type !== 'string') || !reason.required) {
            push(
              `Deadline "${target.id}" requires the reason for an extension (it is told to the petitioner); declare a required text field "reason" on action "${action.id}".`,
              'fields',
            );
          }
        }
        const outsiders = action.roles.filter((r) => !extension.approvalRoles.includes(r));
        if (outsiders.length > 0) {
          push(
            `Action "${action.id}" may be taken by ${quoteList(outsiders)}, but extending "${target.id}" needs the approval of ${quoteList(extension.approvalRoles)}; make the action's roles the approvers.`,
            'roles',
          );
        }
      }
      if (effect.type === 'pause' && target.pause?.start !== action.id) {
        push(
          `Action "${action.id}" pauses deadline "${target.id}", whose \`pause.start\` is ${target.pause ? `"${target.pause.start}"` : 'not declared'}; declare \`pause: { start: ${action.id}, end: … }\` on the deadline (only a pause the law allows may stop the clock).`,
          'effect',
        );
      }
      if (effect.type === 'resume' && target.pause?.end !== action.id) {
        push(
          `Action "${action.id}" resumes deadline "${target.id}", whose \`pause.end\` is ${target.pause ? `"${target.pause.end}"` : 'not declared'}; make them agree.`,
          'effect',
        );
      }
    }

    for (const { deadline, task, path } of deadlines) {
      const offered = actionsOffered(definition, task);
      if (
        deadline.extension &&
        !offered.some((a) => a.effect?.type === 'extend' && a.effect.deadline === deadline.id)
      ) {
        issues.push({
          rule: RULE,
          elementId: task.id,
          path: formatPath([...path, 'extension']),
          message: `Deadline "${deadline.id}" may be extended, but step "${task.id}" offers no action with \`effect: { type: extend, deadline: ${deadline.id} }\`; add one (e.g. "extend") or remove \`extension\`.`,
        });
      }
      if (deadline.pause) {
        const pairs = [
          ['start', 'pause'],
          ['end', 'resume'],
        ] as const;
        for (const [end, type] of pairs) {
          const action = offered.find((a) => a.id === deadline.pause![end]);
          if (!action) continue;
          if (action.effect?.type !== type || action.effect.deadline !== deadline.id) {
            issues.push({
              rule: RULE,
              elementId: task.id,
              path: formatPath([...path, 'pause', end]),
              message: `Deadline "${deadline.id}" ${type}s on action "${action.id}", but that action has no \`effect: { type: ${type}, deadline: ${deadline.id} }\`, so the clock would not ${type === 'pause' ? 'stop' : 'restart'}; add the effect.`,
            });
          }
        }
      }
    }
    return issues;
  },
};
