import { formatPath, type Issue, type Rule } from '../issue';
import { successors } from '../model';

const RULE = 'can-reach-end';
/** A petition must always be able to finish: from every element some path leads to an end event. */
export const canReachEnd: Rule = {
  id: RULE,
  description:
    'From every element an end event can be reached (through flows, actions or deadline `follow` targets).',
  check(definition) {
    const ends = definition.elements.filter((e) => e.type === 'endEvent');
    if (ends.length === 0) {
      return [
        {
          rule: RULE,
          path: 'elements',
          message:
            'The definition has no end event, so no petition could ever close; add an element with `type: endEvent` and an `outcome`.',
        },
      ];
    }
    const previous = new Map<string, Set<string>>();
    for (const [from, tos] of successors(definition)) {
      for (const to of tos) {
        const set = previous.get(to) ?? new Set<string>();
        set.add(from);
        previous.set(to, set);
      }
    }
    const seen = new Set(ends.map((e) => e.id));
    const queue = [...seen];
    while (queue.length > 0) {
      for (const from of previous.get(queue.shift()!) ?? []) {
        if (!seen.has(from)) {
          seen.add(from);
          queue.push(from);
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
        message: `No end event can be reached from "${element.id}", so a petition there could never close; add a flow or an action leading on to an end event.`,
      });
    });
    return issues;
  },
};
