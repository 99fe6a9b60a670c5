import { formatPath, type Issue, type Rule } from '../issue';
import { successors } from '../model';

const RULE = 'reachable-from-start';
/** An element the token can never reach is dead weight or, worse, a step someone forgot to connect. */
export const reachableFromStart: Rule = {
  id: RULE,
  description:
    'Every element can be reached from the start event through flows, action targets or deadline `follow` targets.',
  check(definition) {
    const start = definition.elements.find((e) => e.type === 'startEvent');
    if (!start) return [];
    const next = successors(definition);
    const seen = new Set<string>([start.id]);
    const queue = [start.id];
    while (queue.length > 0) {
      for (const to of next.get(queue.shift()!) ?? []) {
        if (!seen.has(to)) {
          seen.add(to);
          queue.push(to);
        }
      }
    }
    const issues: Issue[] = [];
    definition.elements.forEach((element, i) => {
      if (seen.has(element.id)) return;
      issues.push({
        rule: RULE,
        elementId: element.id,
        path: formatPath(['elements', i]),
        message: `"${element.id}" cannot be reached from the start event "${start.id}"; connect it with a flow or an action \`to\`, or remove it.`,
      });
    });
    return issues;
  },
};
