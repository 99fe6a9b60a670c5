import type {
  Action,
  Assignee,
  AssigneeDeclaration,
  Category,
  Deadline,
  Definition,
  Element,
  EndEvent,
  Flow,
  GlobalAction,
  ServiceTask,
  UserTask,
} from '../../definitions/language/schema';
import { upgradeDefinition, type UpgradedDefinition } from '../../definitions/language/upgrade';

/**
 * Lookups over one definition, built once per workflow run (definitions are immutable snapshots). The definition is
 * read as the language defines it: with what a definition written before some declarations implicitly meant
 * (`upgradeDefinition`).
 */
export interface DefinitionIndex {
  definition: UpgradedDefinition;
  element(id: string): Element;
  userTask(id: string): UserTask | undefined;
  outgoing(id: string): Flow[];
  start: Element;
  /** Actions offered in a step: its own, then the global ones that apply to it. */
  actionsOf(step: string): Array<Action | GlobalAction>;
  /** A deadline definition and the step that owns it. */
  deadline(step: string, deadlineId: string): Deadline | undefined;
  /** Who acts for an assignee: the variable naming its body, and its role (when declared). */
  assignee(kind: Assignee): AssigneeDeclaration | undefined;
  /** The variable naming the body that holds the petition's department steps (the handling body), if declared. */
  bodyVariable: string | undefined;
  /** A registration category, when declared. */
  category(id: string): Category | undefined;
  /** Roles that may take any offered action in any step. */
  overrideRoles: ReadonlySet<string>;
}

const cache = new WeakMap<Definition, DefinitionIndex>();

/** Builds (or reuses) the lookup index of a definition. */
export function indexDefinition(written: Definition): DefinitionIndex {
  const cached = cache.get(written);
  if (cached) return cached;
  const definition = upgradeDefinition(written);
  const elements = new Map(definition.elements.map((e) => [e.id, e]));
  const outgoing = new Map<string, Flow[]>();
  for (const flow of definition.flows) {
    const list = outgoing.get(flow.from) ?? [];
    list.push(flow);
    outgoing.set(flow.from, list);
  }
  const start = definition.elements.find((e) => e.type === 'startEvent');
  if (!start) throw new Error(`definition ${definition.id}@${definition.version} has no start event`);
  const { assignees, registration } = definition;
  const index: DefinitionIndex = {
    definition,
    start,
    bodyVariable: assignees.department?.holder,
    overrideRoles: new Set(definition.overrideRoles),
    element(id) {
      const element = elements.get(id);
      if (!element)
        throw new Error(`definition ${definition.id}@${definition.version} has no element "${id}"`);
      return element;
    },
    userTask(id) {
      const element = elements.get(id);
      return element?.type === 'userTask' ? element : undefined;
    },
    outgoing(id) {
      return outgoing.get(id) ?? [];
    },
    actionsOf(step) {
      const task = index.userTask(step);
      if (!task) return [];
      const globals = definition.globalActions.filter((g) => !g.steps || g.steps.includes(step));
      const own = new Set(task.actions.map((a) => a.id));
      return [...task.actions, ...globals.filter((g) => !own.has(g.id))];
    },
    deadline(step, deadlineId) {
      return index.userTask(step)?.deadlines.find((d) => d.id === deadlineId);
    },
    assignee(kind) {
      return assignees[kind];
    },
    category(id) {
      return Object.hasOwn(registration.categories, id) ? registration.categories[id] : undefined;
    },
  };
  cache.set(written, index);
  cache.set(definition, index);
  return index;
}

export type { EndEvent, ServiceTask, UserTask };
