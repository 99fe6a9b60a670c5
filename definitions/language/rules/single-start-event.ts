import { formatPath, type Issue, type Rule } from '../issue';
import { actionSites, deadlineSites } from '../model';

const RULE = 'single-start-event';
/** The engine starts every petition at the one start event, and nothing leads back to it. */
export const singleStartEvent: Rule = {
  id: RULE,
  description: 'Exactly one start event, and no flow, action or expiring deadline leads back to it.',
  check(definition) {
    const issues: Issue[] = [];
    const starts = definition.elements.flatMap((e, i) => (e.type === 'startEvent' ? [{ e, i }] : []));
    if (starts.length === 0) {
      issues.push({
        rule: RULE,
        path: 'elements',
        message:
          'The definition has no start event; add an element with `type: startEvent` and a flow from it to the first step.',
      });
    }
    for (const { e, i } of starts.slice(1)) {
      issues.push({
        rule: RULE,
        elementId: e.id,
        path: formatPath(['elements', i]),
        message: `"${e.id}" is a second start event (the first is "${starts[0]!.e.id}"); a petition starts in one place — remove it or make it a gateway.`,
      });
    }
    const startIds = new Set(starts.map((s) => s.e.id));
    definition.flows.forEach((flow, i) => {
      if (startIds.has(flow.to)) {
        issues.push({
          rule: RULE,
          elementId: flow.id,
          path: formatPath(['flows', i, 'to']),
          message: `Flow "${flow.id}" leads into the start event "${flow.to}"; a start event has no incoming flows — point it at the first step instead.`,
        });
      }
    });
    for (const site of actionSites(definition)) {
      if (site.action.to !== undefined && startIds.has(site.action.to)) {
        issues.push({
          rule: RULE,
          ...(site.owner ? { elementId: site.owner.id } : {}),
          path: formatPath([...site.path, 'to']),
          message: `Action "${site.action.id}" leads to the start event "${site.action.to}"; lead it to the first step instead (restarting would re-register the petition).`,
        });
      }
    }
    for (const { deadline, task, path } of deadlineSites(definition)) {
      if (deadline.onExpiry.kind === 'follow' && startIds.has(deadline.onExpiry.to)) {
        issues.push({
          rule: RULE,
          elementId: task.id,
          path: formatPath([...path, 'onExpiry', 'to']),
          message: `Deadline "${deadline.id}" follows to the start event "${deadline.onExpiry.to}" on expiry; lead it to a step or an end event instead.`,
        });
      }
    }
    return issues;
  },
};
