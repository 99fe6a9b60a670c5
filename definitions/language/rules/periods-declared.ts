import { formatPath, type Issue, type Rule } from '../issue';
import { actionsOffered, actionSites, deadlineSites, elementMap, quoteList } from '../model';

const RULE = 'periods-declared';

/**
 * The declarations that decide when a period is met, cancelled or judged (`metBy`, `cancelledBy`, `lateEntry`) and
 * the bounds of a dated field name actions and fields; a misspelt one silently switches the rule off, and a request
 * would be judged on the wrong instant.
 */
export const periodsDeclared: Rule = {
  id: RULE,
  description:
    "A deadline's `metBy` and `cancelledBy` actions are offered where it runs; its `lateEntry.field` is a datetime field of every `refuseAfter` action; `notBefore`/`notAfter` bound datetime fields only.",
  check(definition) {
    const issues: Issue[] = [];
    const elements = elementMap(definition);
    const offeredAnywhere = new Set(
      actionSites(definition)
        .filter((s) => s.steps.length > 0)
        .map((s) => s.action.id),
    );

    for (const { deadline, task, path } of deadlineSites(definition)) {
      const push = (message: string, ...rest: Array<string | number>) =>
        issues.push({ rule: RULE, elementId: task.id, path: formatPath([...path, ...rest]), message });
      const label = `Deadline "${deadline.id}" of step "${task.id}"`;
      const inScope = new Set<string>();
      for (const id of [task.id, ...deadline.spans]) {
        const element = elements.get(id);
        if (element?.type === 'userTask')
          for (const a of actionsOffered(definition, element)) inScope.add(a.id);
      }
      deadline.metBy?.forEach((id, i) => {
        if (!inScope.has(id)) {
          push(
            `${label} is met by action "${id}", which no step where it runs offers; correct the id (offered: ${quoteList(inScope)}).`,
            'metBy',
            i,
          );
        }
      });
      deadline.cancelledBy?.forEach((id, i) => {
        if (!inScope.has(id) && !offeredAnywhere.has(id)) {
          push(
            `${label} is cancelled by action "${id}", which no step offers; correct the id.`,
            'cancelledBy',
            i,
          );
        }
      });
      if (deadline.lateEntry) {
        const field = deadline.lateEntry.field;
        if (deadline.refuseAfter.length === 0) {
          push(
            `${label} judges late entries on "${field}" but refuses no action; list the request actions under \`refuseAfter\`.`,
            'lateEntry',
          );
        }
        for (const site of actionSites(definition)) {
          if (!deadline.refuseAfter.includes(site.action.id)) continue;
          if (!site.steps.some((s) => s.id === task.id || deadline.spans.includes(s.id))) continue;
          const declared = site.action.fields[field];
          if (declared?.type !== 'datetime') {
            push(
              `${label} judges action "${site.action.id}" on its field "${field}", which ${declared ? `is a ${declared.type}` : 'it does not declare'}; declare \`fields.${field}\` with \`type: datetime\`.`,
              'lateEntry',
              'field',
            );
          }
        }
        if (deadline.onExpiry.kind === 'overdue') {
          push(
            `${label} has a late-entry grace but is a body's deadline (onExpiry overdue); a grace belongs to a request window (follow or lapse).`,
            'lateEntry',
          );
        }
      }
    }

    for (const site of actionSites(definition)) {
      for (const [name, field] of Object.entries(site.action.fields)) {
        for (const bound of ['notBefore', 'notAfter'] as const) {
          if (field[bound] === undefined || field.type === 'datetime') continue;
          issues.push({
            rule: RULE,
            ...(site.owner ? { elementId: site.owner.id } : {}),
            path: formatPath([...site.path, 'fields', name, bound]),
            message: `Field "${name}" of action "${site.action.id}" is a ${field.type} but has \`${bound}\`, which bounds datetime fields only; remove it.`,
          });
        }
      }
    }
    return issues;
  },
};
