import { formatPath, type Issue, type PathSegment, type Rule } from '../issue';
import { deadlineSites, userTaskSites } from '../model';

const RULE = 'unique-ids';

interface Named {
  id: string;
  path: PathSegment[];
  elementId?: string;
}

function duplicates(kind: string, items: Named[], hint: string): Issue[] {
  const first = new Map<string, Named>();
  const issues: Issue[] = [];
  for (const item of items) {
    const earlier = first.get(item.id);
    if (!earlier) {
      first.set(item.id, item);
      continue;
    }
    issues.push({
      rule: RULE,
      ...(item.elementId ? { elementId: item.elementId } : {}),
      path: formatPath([...item.path, 'id']),
      message: `${kind} id "${item.id}" is already used at ${formatPath(earlier.path)}; ids must be unique — rename one${hint}.`,
    });
  }
  return issues;
}

/** Ids are how flows, actions, effects and workflow histories refer to things, so each must name one thing. */
export const uniqueIds: Rule = {
  id: RULE,
  description:
    'Element and flow ids are unique (and distinct from each other), action ids are unique within a step and among global actions, deadline ids are unique in the definition, roles are listed once.',
  check(definition) {
    const elements: Named[] = definition.elements.map((e, i) => ({
      id: e.id,
      path: ['elements', i],
      elementId: e.id,
    }));
    const flows: Named[] = definition.flows.map((f, i) => ({
      id: f.id,
      path: ['flows', i],
      elementId: f.id,
    }));
    const issues = [
      ...duplicates('Element', elements, ' (and update the flows and actions that point to it)'),
      ...duplicates('Flow', flows, ''),
    ];
    const elementIds = new Set(definition.elements.map((e) => e.id));
    definition.flows.forEach((flow, i) => {
      if (elementIds.has(flow.id)) {
        issues.push({
          rule: RULE,
          elementId: flow.id,
          path: formatPath(['flows', i, 'id']),
          message: `Flow id "${flow.id}" is also an element id; give the flow its own id (e.g. "${flow.from}-to-${flow.to}") so references are unambiguous.`,
        });
      }
    });
    for (const { task, path } of userTaskSites(definition)) {
      const actions = task.actions.map((a, i) => ({
        id: a.id,
        path: [...path, 'actions', i],
        elementId: task.id,
      }));
      issues.push(...duplicates(`Action (in step "${task.id}")`, actions, ''));
    }
    const globals = definition.globalActions.map((a, i) => ({
      id: a.id,
      path: ['globalActions', i] as PathSegment[],
    }));
    issues.push(...duplicates('Global action', globals, ''));
    const deadlines = deadlineSites(definition).map(({ deadline, task, path }) => ({
      id: deadline.id,
      path,
      elementId: task.id,
    }));
    issues.push(...duplicates('Deadline', deadlines, ' (effects and the engine find deadlines by id)'));
    const seen = new Set<string>();
    definition.roles.forEach((role, i) => {
      if (seen.has(role)) {
        issues.push({
          rule: RULE,
          path: formatPath(['roles', i]),
          message: `Role "${role}" is listed twice; remove the duplicate.`,
        });
      }
      seen.add(role);
    });
    return issues;
  },
};
