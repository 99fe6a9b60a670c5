import { formatPath, type Issue, type Rule } from '../issue';
import { successors } from '../model';

const RULE = 'cycles-wait';

/**
 * Every loop passes a wait state: a user task (which also carries the language's only timers, its deadlines). A loop
 * of gateways and service tasks alone would move the token forever without waiting for anyone: the interpreter
 * gives up after 1000 moves and the petition could never take that path.
 */
export const cyclesWait: Rule = {
  id: RULE,
  description:
    'Every cycle of flows passes a user task (a wait state; timers are user-task deadlines): no loop of gateways and service tasks alone.',
  check(definition) {
    const waits = new Set(definition.elements.filter((e) => e.type === 'userTask').map((e) => e.id));
    const next = successors(definition);
    const moves = (id: string): string[] => [...(next.get(id) ?? [])].filter((to) => !waits.has(to));

    /** The shortest way back from `start` to itself through elements that do not wait, if there is one. */
    const loopThrough = (start: string): string[] | undefined => {
      const cameFrom = new Map<string, string>();
      const queue = moves(start).map((to) => {
        cameFrom.set(to, start);
        return to;
      });
      for (let i = 0; i < queue.length; i++) {
        const at = queue[i]!;
        if (at === start) {
          const path = [start];
          for (let step = cameFrom.get(start)!; step !== start; step = cameFrom.get(step)!)
            path.unshift(step);
          return [start, ...path];
        }
        for (const to of moves(at)) {
          if (!cameFrom.has(to)) {
            cameFrom.set(to, at);
            queue.push(to);
          }
        }
      }
      return undefined;
    };

    const issues: Issue[] = [];
    const reported = new Set<string>();
    definition.elements.forEach((element, i) => {
      if (waits.has(element.id) || reported.has(element.id)) return;
      const loop = loopThrough(element.id);
      if (!loop) return;
      for (const id of loop) reported.add(id);
      issues.push({
        rule: RULE,
        elementId: element.id,
        path: formatPath(['elements', i]),
        message: `${loop.map((id) => `"${id}"`).join(' → ')} is a loop without a user task or timer, so a petition there would move forever; put a user task in the loop or break it with another flow.`,
      });
    });
    return issues;
  },
};
