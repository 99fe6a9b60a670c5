import type { PathSegment } from './issue';
import type { Action, Deadline, Definition, Element, GlobalAction, UserTask } from './schema';

/** Helpers the rules share: where each part of a definition lives (its path) and what it belongs to. */

export const FROM_KEYWORDS = ['receipt', 'entered'] as const;

/**
 * FEEL names the engine provides besides the declared variables: the action's `input`, its instant `actionTime`, and
 * `holder`, the code of the body holding the current step (null while none does).
 */
export const RESERVED_FEEL_NAMES = ['input', 'actionTime', 'holder'] as const;

/**
 * Facts of the engine that flag expressions (`flags`) read besides the declared variables: how many supervision
 * orders were issued, the outcome of the end reached (null while open) and whether it is final, whether the
 * petitioner evaluated, and `open` or `closed`. A declared variable of the same name is shadowed there.
 */
export const FLAG_FACTS = ['supervisionCount', 'outcome', 'final', 'evaluated', 'status'] as const;

/**
 * The registered facts (`petition.*`) that are no personal data: the rest (`petitioner`, `subject`, `content`,
 * `representatives`, `attachments`) are, and never reach a flag, directly or through a variable set from them.
 */
export const IMPERSONAL_PETITION_FACTS = [
  'category',
  'channel',
  'receivedAt',
  'department',
  'concerns',
  'sameMatter',
] as const;

export interface ElementSite {
  element: Element;
  index: number;
  path: PathSegment[];
}

export interface UserTaskSite {
  task: UserTask;
  index: number;
  path: PathSegment[];
}

export interface ActionSite {
  action: Action | GlobalAction;
  path: PathSegment[];
  /** The user task that owns it; absent for a global action. */
  owner?: UserTask;
  global: boolean;
  /** The user tasks where it is offered (existing ones only). */
  steps: UserTask[];
}

export interface DeadlineSite {
  deadline: Deadline;
  task: UserTask;
  path: PathSegment[];
}

export function elementSites(definition: Definition): ElementSite[] {
  return definition.elements.map((element, index) => ({ element, index, path: ['elements', index] }));
}

export function userTaskSites(definition: Definition): UserTaskSite[] {
  return elementSites(definition).flatMap((site) =>
    site.element.type === 'userTask' ? [{ task: site.element, index: site.index, path: site.path }] : [],
  );
}

/** Whether a global action is offered in a step (all user tasks when it names no steps). */
export function globalOffered(action: GlobalAction, stepId: string): boolean {
  return action.steps === undefined || action.steps.includes(stepId);
}

/** The actions offered in a user task: its own, then the global ones it does not shadow (as the engine does). */
export function actionsOffered(definition: Definition, task: UserTask): Array<Action | GlobalAction> {
  const own = new Set(task.actions.map((a) => a.id));
  return [
    ...task.actions,
    ...definition.globalActions.filter((g) => globalOffered(g, task.id) && !own.has(g.id)),
  ];
}

export function actionSites(definition: Definition): ActionSite[] {
  const tasks = userTaskSites(definition);
  const sites: ActionSite[] = [];
  for (const { task, path } of tasks) {
    task.actions.forEach((action, i) => {
      sites.push({ action, path: [...path, 'actions', i], owner: task, global: false, steps: [task] });
    });
  }
  definition.globalActions.forEach((action, i) => {
    sites.push({
      action,
      path: ['globalActions', i],
      global: true,
      steps: tasks.map((t) => t.task).filter((t) => globalOffered(action, t.id)),
    });
  });
  return sites;
}

export function deadlineSites(definition: Definition): DeadlineSite[] {
  return userTaskSites(definition).flatMap(({ task, path }) =>
    task.deadlines.map((deadline, i) => ({ deadline, task, path: [...path, 'deadlines', i] })),
  );
}

export function elementMap(definition: Definition): Map<string, Element> {
  const map = new Map<string, Element>();
  for (const element of definition.elements) if (!map.has(element.id)) map.set(element.id, element);
  return map;
}

/** Every element the token can move to from `elementId`: flows, action targets and deadline `follow` targets. */
export function successors(definition: Definition): Map<string, Set<string>> {
  const next = new Map<string, Set<string>>();
  const add = (from: string, to: string) => {
    const set = next.get(from) ?? new Set<string>();
    set.add(to);
    next.set(from, set);
  };
  for (const flow of definition.flows) add(flow.from, flow.to);
  for (const site of actionSites(definition)) {
    if (site.action.to === undefined) continue;
    for (const step of site.steps) add(step.id, site.action.to);
  }
  for (const { deadline, task } of deadlineSites(definition)) {
    if (deadline.onExpiry.kind === 'follow') add(task.id, deadline.onExpiry.to);
  }
  return next;
}

/** Quotes a list for a message: `"a", "b"` or `(none)`. */
export function quoteList(values: Iterable<string>): string {
  const list = [...values].map((v) => `"${v}"`);
  return list.length === 0 ? '(none)' : list.join(', ');
}
