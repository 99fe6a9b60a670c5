import type { Definition } from './schema';

/** What a change is about: the definition's own declarations, or one of its parts by id. */
export type ChangeScope =
  | 'definition'
  | 'element'
  | 'flow'
  | 'deadline'
  | 'action'
  | 'global-action'
  | 'document'
  | 'variable'
  | 'role';

export interface FieldChange {
  /** The field, e.g. `duration`, `onExpiry.kind` or `fields.reason.required`. */
  path: string;
  before?: unknown;
  after?: unknown;
}

export interface DefinitionChange {
  kind: 'added' | 'removed' | 'changed';
  scope: ChangeScope;
  /** The id of what changed; a deadline or an action of a step is `step/id`. */
  id: string;
  /** The element (or flow) it belongs to, for drawing it on a diagram. */
  elementId?: string;
  name?: string;
  /** For `changed`: field by field. */
  fields?: FieldChange[];
}

/** Fields that say nothing about the process: the version is the point of a new one, the layout is a drawing. */
const IGNORED_TOP = new Set(['id', 'version', 'diagram', '$schema']);

/**
 * The changes from `base` to `draft`, by element (added, removed, changed) and, for deadlines and actions, field by
 * field. Identity is the language id: a renamed step reads as one removed and one added. Pure.
 */
export function diffDefinitions(base: Definition, draft: Definition): DefinitionChange[] {
  const changes: DefinitionChange[] = [];
  const top = new Set([...Object.keys(base), ...Object.keys(draft)]);
  const definitionFields: FieldChange[] = [];
  for (const key of [...top].sort()) {
    if (IGNORED_TOP.has(key)) continue;
    if (['elements', 'flows', 'globalActions', 'documents', 'variables', 'roles'].includes(key)) continue;
    definitionFields.push(...fieldChanges(read(base, key), read(draft, key), key));
  }
  if (definitionFields.length > 0)
    changes.push({ kind: 'changed', scope: 'definition', id: draft.id, fields: definitionFields });

  for (const role of draft.roles.filter((r) => !base.roles.includes(r)))
    changes.push({ kind: 'added', scope: 'role', id: role });
  for (const role of base.roles.filter((r) => !draft.roles.includes(r)))
    changes.push({ kind: 'removed', scope: 'role', id: role });

  keyed(changes, 'variable', base.variables, draft.variables);
  keyed(changes, 'document', base.documents, draft.documents);

  const baseElements = byId(base.elements);
  const draftElements = byId(draft.elements);
  for (const [id, after] of draftElements) {
    const before = baseElements.get(id);
    const name = after.name ?? id;
    if (!before) {
      changes.push({ kind: 'added', scope: 'element', id, elementId: id, name });
      continue;
    }
    const { actions: _a, deadlines: _d, ...restAfter } = after as Record<string, unknown>;
    const { actions: _b, deadlines: _e, ...restBefore } = before as Record<string, unknown>;
    const fields = fieldChanges(restBefore, restAfter);
    if (fields.length > 0)
      changes.push({ kind: 'changed', scope: 'element', id, elementId: id, name, fields });
    const partsBefore = before.type === 'userTask' ? before : undefined;
    const partsAfter = after.type === 'userTask' ? after : undefined;
    parts(changes, 'deadline', id, partsBefore?.deadlines ?? [], partsAfter?.deadlines ?? []);
    parts(changes, 'action', id, partsBefore?.actions ?? [], partsAfter?.actions ?? []);
  }
  for (const [id, before] of baseElements) {
    if (!draftElements.has(id))
      changes.push({ kind: 'removed', scope: 'element', id, elementId: id, name: before.name ?? id });
  }

  const baseFlows = byId(base.flows);
  const draftFlows = byId(draft.flows);
  for (const [id, after] of draftFlows) {
    const before = baseFlows.get(id);
    if (!before) changes.push({ kind: 'added', scope: 'flow', id, elementId: id, name: after.name ?? id });
    else {
      const fields = fieldChanges(before, after);
      if (fields.length > 0)
        changes.push({ kind: 'changed', scope: 'flow', id, elementId: id, name: after.name ?? id, fields });
    }
  }
  for (const [id, before] of baseFlows) {
    if (!draftFlows.has(id))
      changes.push({ kind: 'removed', scope: 'flow', id, elementId: id, name: before.name ?? id });
  }

  const baseGlobal = byId(base.globalActions);
  const draftGlobal = byId(draft.globalActions);
  for (const [id, after] of draftGlobal) {
    const before = baseGlobal.get(id);
    if (!before) changes.push({ kind: 'added', scope: 'global-action', id, name: after.name });
    else {
      const fields = fieldChanges(before, after);
      if (fields.length > 0)
        changes.push({ kind: 'changed', scope: 'global-action', id, name: after.name, fields });
    }
  }
  for (const [id, before] of baseGlobal) {
    if (!draftGlobal.has(id))
      changes.push({ kind: 'removed', scope: 'global-action', id, name: before.name });
  }
  return changes;
}

function read(o: object, key: string): unknown {
  return (o as Record<string, unknown>)[key];
}

function byId<T extends { id: string }>(items: readonly T[]): Map<string, T> {
  return new Map(items.map((i) => [i.id, i]));
}

/** Changes of a record keyed by name (variables, documents). */
function keyed(
  changes: DefinitionChange[],
  scope: 'variable' | 'document',
  before: Record<string, unknown>,
  after: Record<string, unknown>,
): void {
  for (const [id, value] of Object.entries(after)) {
    if (!(id in before)) changes.push({ kind: 'added', scope, id });
    else {
      const fields = fieldChanges(before[id], value);
      if (fields.length > 0) changes.push({ kind: 'changed', scope, id, fields });
    }
  }
  for (const id of Object.keys(before)) if (!(id in after)) changes.push({ kind: 'removed', scope, id });
}

/** The deadlines or actions of one step, by id. */
function parts(
  changes: DefinitionChange[],
  scope: 'deadline' | 'action',
  step: string,
  before: ReadonlyArray<{ id: string; name: string }>,
  after: ReadonlyArray<{ id: string; name: string }>,
): void {
  const old = byId(before);
  const now = byId(after);
  for (const [id, value] of now) {
    const was = old.get(id);
    const common = { scope, id: `${step}/${id}`, elementId: step, name: value.name };
    if (!was) changes.push({ kind: 'added', ...common });
    else {
      const fields = fieldChanges(was, value);
      if (fields.length > 0) changes.push({ kind: 'changed', ...common, fields });
    }
  }
  for (const [id, value] of old) {
    if (!now.has(id))
      changes.push({ kind: 'removed', scope, id: `${step}/${id}`, elementId: step, name: value.name });
  }
}

const isRecord = (v: unknown): v is Record<string, unknown> =>
  v !== null && typeof v === 'object' && !Array.isArray(v);

/**
 * Field-level changes between two values: objects are walked key by key (`onExpiry.kind`), anything else — numbers,
 * strings, lists — is compared whole.
 */
export function fieldChanges(before: unknown, after: unknown, path = ''): FieldChange[] {
  if (isRecord(before) && isRecord(after)) {
    const keys = [...new Set([...Object.keys(before), ...Object.keys(after)])];
    return keys.flatMap((k) => fieldChanges(before[k], after[k], path ? `${path}.${k}` : k));
  }
  if (equal(before, after)) return [];
  return [
    {
      path,
      ...(before !== undefined && { before }),
      ...(after !== undefined && { after }),
    },
  ];
}

function equal(a: unknown, b: unknown): boolean {
  if (a === b) return true;
  if (Array.isArray(a) && Array.isArray(b)) return a.length === b.length && a.every((x, i) => equal(x, b[i]));
  if (isRecord(a) && isRecord(b)) {
    const ka = Object.keys(a).filter((k) => a[k] !== undefined);
    const kb = Object.keys(b).filter((k) => b[k] !== undefined);
    return ka.length === kb.length && ka.every((k) => equal(a[k], b[k]));
  }
  return false;
}
