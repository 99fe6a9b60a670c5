import { formatPath, type Issue, type Rule } from '../issue';
import { actionsOffered, deadlineSites, elementMap, FROM_KEYWORDS, quoteList } from '../model';

const RULE = 'deadline-well-formed';

/** A legal deadline must be computable, bounded and consistent with the steps and actions it talks about. */
export const deadlineWellFormed: Rule = {
  id: RULE,
  description:
    'A deadline starts from `receipt`, `entered` or a declared datetime variable; its warnings come before it is due; its pause actions are offered in its step; its `refuseAfter` actions are offered where it runs; it spans other tasks only; a lapsing deadline refuses something; an expiring `follow` leaves the step.',
  check(definition) {
    const issues: Issue[] = [];
    const elements = elementMap(definition);
    const datetimeVariables = Object.entries(definition.variables)
      .filter(([, v]) => v.type === 'datetime')
      .map(([name]) => name);

    for (const { deadline, task, path } of deadlineSites(definition)) {
      const push = (message: string, ...rest: Array<string | number>) =>
        issues.push({ rule: RULE, elementId: task.id, path: formatPath([...path, ...rest]), message });
      const label = `Deadline "${deadline.id}" of step "${task.id}"`;

      if (!(FROM_KEYWORDS as readonly string[]).includes(deadline.from)) {
        const variable = definition.variables[deadline.from];
        if (!variable) {
          push(
            `${label} starts from "${deadline.from}", which is neither "receipt", "entered" nor a declared variable; use one of those or a datetime variable (${quoteList(datetimeVariables)}).`,
            'from',
          );
        } else if (variable.type !== 'datetime') {
          push(
            `${label} starts from variable "${deadline.from}", which is a ${variable.type}; a deadline starts from a datetime — declare it \`type: datetime\` or pick another.`,
            'from',
          );
        }
      }

      deadline.warnings.forEach((days, i) => {
        if (days >= deadline.duration) {
          push(
            `${label} warns ${days} days before it is due, but it lasts only ${deadline.duration} days; a warning must be shorter than the duration.`,
            'warnings',
            i,
          );
        }
        if (deadline.warnings.indexOf(days) !== i)
          push(`${label} lists the warning ${days} twice; remove one.`, 'warnings', i);
      });

      const inScope = [task.id, ...deadline.spans];
      const offeredInScope = new Set<string>();
      for (const id of inScope) {
        const element = elements.get(id);
        if (element?.type === 'userTask')
          for (const a of actionsOffered(definition, element)) offeredInScope.add(a.id);
      }
      const offeredHere = new Set(actionsOffered(definition, task).map((a) => a.id));

      if (deadline.pause) {
        for (const end of ['start', 'end'] as const) {
          const actionId = deadline.pause[end];
          if (!offeredHere.has(actionId)) {
            push(
              `${label} pauses ${end === 'start' ? 'on' : 'until'} action "${actionId}", which step "${task.id}" does not offer; add the action to the step or correct the id (offered: ${quoteList(offeredHere)}).`,
              'pause',
              end,
            );
          }
        }
        if (deadline.pause.start === deadline.pause.end) {
          push(
            `${label} starts and ends its pause with the same action; use two actions (e.g. hearing-start, hearing-end).`,
            'pause',
          );
        }
      }

      deadline.refuseAfter.forEach((actionId, i) => {
        if (!offeredInScope.has(actionId)) {
          push(
            `${label} refuses "${actionId}" once it has passed, but no step where it runs offers that action; correct the id (offered: ${quoteList(offeredInScope)}).`,
            'refuseAfter',
            i,
          );
        }
      });

      deadline.spans.forEach((span, i) => {
        const element = elements.get(span);
        if (span === task.id) {
          push(
            `${label} spans its own step; remove "${span}" from \`spans\` (the owning step is always included).`,
            'spans',
            i,
          );
        } else if (element && element.type !== 'userTask' && element.type !== 'serviceTask') {
          push(
            `${label} spans "${span}", a ${element.type}; the token never rests there — list only user and service tasks.`,
            'spans',
            i,
          );
        }
      });

      if (deadline.onExpiry.kind === 'lapse' && deadline.refuseAfter.length === 0) {
        push(
          `${label} lapses on expiry but refuses no action, so passing it has no effect; list the actions it closes under \`refuseAfter\`, or use \`onExpiry: { kind: overdue }\`.`,
          'onExpiry',
        );
      }
      if (deadline.onExpiry.kind === 'follow' && deadline.onExpiry.to === task.id) {
        push(
          `${label} follows to its own step on expiry, which goes nowhere; follow to the next step or an end event.`,
          'onExpiry',
          'to',
        );
      }
      if (deadline.extension && deadline.onExpiry.kind !== 'overdue') {
        push(
          `${label} can be extended but is a window that ${deadline.onExpiry.kind === 'follow' ? 'closes' : 'lapses'} on expiry; only a body's deadline (onExpiry overdue) is extended — remove \`extension\` or change \`onExpiry\`.`,
          'extension',
        );
      }
    }
    return issues;
  },
};
