import { handlingBody, receivedAt } from './context';
import { indexDefinition } from './definition-index';
import { flagsOf } from './flags';
import { activeDeadlines, availableActions } from './validate-action';
import type {
  Definition,
  DeadlineState,
  DocumentRecord,
  PetitionFacts,
  PetitionOutcome,
  PetitionState,
  SupervisionOrder,
  TimelineEntry,
} from './types';

/** The engine's own role (timers, seeds): it is never offered actions. */
const SYSTEM_ROLE = 'system';

/** The state of one deadline as people read it: running, paused, met or missed (pending = being computed). */
export interface DeadlineView {
  id: string;
  key: string;
  name: string;
  step: string;
  article: string;
  state: 'pending' | 'running' | 'paused' | 'met' | 'missed' | 'cancelled';
  dueAt: string | null;
  lastDay: string | null;
  provisional: boolean;
  paused: boolean;
  overdue: boolean;
  explanation: string;
  counting: string;
  duration: number;
  extendedDays: number;
  pausedDays: number;
  from: string;
  accountable: DeadlineState['accountable'];
  closedAt: string | null;
  missedAt: string | null;
}

/** Everything the API shows about a petition (the petition query's result). */
export interface PetitionView {
  id: string;
  status: 'open' | 'closed';
  step: string;
  stepName: string;
  category: string;
  channel: string;
  department: string | null;
  concerns: string | null;
  /** Its category is confidential (a report): every read is recorded (`reportRead`). */
  confidential: boolean;
  receivedAt: string;
  definition: { id: string; version: number; hash: string };
  petition: PetitionFacts;
  deadlines: DeadlineView[];
  availableActions: Record<string, string[]>;
  timeline: TimelineEntry[];
  documents: DocumentRecord[];
  supervision: SupervisionOrder[];
  outcome: PetitionOutcome | null;
  metrics: PetitionState['metrics'];
  variables: Record<string, unknown>;
  /**
   * Who must act in the current step: its assignee (`department`, `superior`, …) and, for a body, the code routing
   * recorded for it (null when none was recorded). Null when the petition is closed or waits on no user task.
   */
  holder: { assignee: string; body: string | null } | null;
  /** Every body that handled the petition (see {@link handledByOf}): what a superior's subordinates are checked against. */
  handledBy: string[];
}

/** Builds the read model of a petition from its state. */
export function viewOf(definition: Definition, state: PetitionState): PetitionView {
  const index = indexDefinition(definition);
  const element = state.token ? index.element(state.token) : undefined;
  const actions: Record<string, string[]> = {};
  for (const role of index.definition.roles) {
    if (role === SYSTEM_ROLE) continue;
    actions[role] = availableActions(definition, state, role);
  }
  return {
    id: state.petitionId,
    status: state.status,
    step: state.token,
    stepName: element?.name ?? state.token,
    category: state.petition.category,
    channel: state.petition.channel,
    department: handlingBody(index, state.variables) ?? null,
    concerns: state.petition.concerns ?? null,
    confidential: isConfidential(definition, state),
    receivedAt: receivedAt(state),
    definition: state.definition,
    petition: state.petition,
    deadlines: state.deadlines.map((d) => deadlineView(definition, d)),
    availableActions: actions,
    timeline: state.timeline,
    documents: state.documents,
    supervision: state.supervision,
    outcome: state.outcome ?? null,
    metrics: state.metrics,
    variables: state.variables,
    holder: holderOf(index, state),
    handledBy: handledByOf(definition, state),
  };
}

function holderOf(index: ReturnType<typeof indexDefinition>, state: PetitionState): PetitionView['holder'] {
  const task = state.status === 'open' ? index.userTask(state.token) : undefined;
  if (!task) return null;
  const variable = index.assignee(task.assignee)?.holder;
  const body = variable ? state.variables[variable] : undefined;
  return { assignee: task.assignee, body: typeof body === 'string' && body !== '' ? body : null };
}

/** Whether the petition's category is confidential (declared by the definition's registration). */
export function isConfidential(definition: Definition, state: PetitionState): boolean {
  return indexDefinition(definition).category(state.petition.category)?.confidential === true;
}

/** One deadline instance as people read it. */
export function deadlineView(definition: Definition, d: DeadlineState): DeadlineView {
  const pause = indexDefinition(definition).deadline(d.step, d.deadlineId)?.pause?.name;
  return {
    id: d.deadlineId,
    key: d.key,
    name: d.name,
    step: d.step,
    article: d.article,
    state: d.status,
    dueAt: d.status === 'paused' ? null : (d.calculation?.dueAt ?? null),
    lastDay: d.status === 'paused' ? null : (d.calculation?.lastDay ?? null),
    provisional: d.calculation?.provisional ?? false,
    paused: d.status === 'paused',
    overdue: isOverdue(d),
    explanation:
      d.status === 'paused'
        ? `${d.name}因${pause ?? '暂停'}暂停计算（自 ${d.pausedAt}），${pause ?? '暂停'}时间不计入期限（${d.article}）。暂停前：${d.calculation?.explanation ?? ''}`
        : (d.calculation?.explanation ?? `${d.name}正在计算（${d.article}）`),
    counting: d.counting,
    duration: d.duration,
    extendedDays: d.extendedDays,
    pausedDays: d.pausedDays,
    from: d.from,
    accountable: d.accountable,
    closedAt: d.closedAt ?? null,
    missedAt: d.missedAt ?? null,
  };
}

/** Overdue: a body's deadline whose due instant passed while its step is still open. */
export function isOverdue(d: DeadlineState): boolean {
  return d.bodyDeadline && d.missedAt !== undefined && d.closedAt === undefined;
}

/** The values kept as search attributes: no personal data, only codes, categories and instants. */
export interface PetitionSearchValues {
  step: string;
  department: string | null;
  category: string;
  channel: string;
  status: 'open' | 'closed';
  receivedAt: string;
  dueAt: string | null;
  deadline: string | null;
  overdue: boolean;
  definition: string;
  concerns: string | null;
  acceptedOnTime: boolean | null;
  finishedOnTime: boolean | null;
  satisfaction: string | null;
  closedAt: string | null;
  /**
   * The definition's flags that hold (`flags`), as opaque keywords; empty for a definition that declares none. Absent
   * in the search values of petitions registered before flags existed (read as empty).
   */
  flags?: string[];
}

/**
 * Search attribute values: `dueAt` is the earliest due instant among the open deadlines a body answers for
 * (overdue ones included), so the supervisor's `PetitionDueAt < now AND open` query is right without a worker.
 */
export function searchValuesOf(definition: Definition, state: PetitionState): PetitionSearchValues {
  const open = state.status === 'open';
  const candidates = open
    ? activeDeadlines(state).filter(
        (d) => d.bodyDeadline && d.status !== 'paused' && d.calculation && !d.closedAt,
      )
    : [];
  candidates.sort((a, b) => Date.parse(a.calculation!.dueAt) - Date.parse(b.calculation!.dueAt));
  const first = candidates[0];
  const index = indexDefinition(definition);
  return {
    step: state.token,
    department: handlingBody(index, state.variables) ?? null,
    category: state.petition.category,
    channel: state.petition.channel,
    status: state.status,
    receivedAt: receivedAt(state),
    dueAt: first?.calculation?.dueAt ?? null,
    deadline: first?.deadlineId ?? null,
    overdue: open && state.deadlines.some(isOverdue),
    definition: `${state.definition.id}@${state.definition.version}`,
    concerns: state.petition.concerns ?? null,
    acceptedOnTime: state.metrics.acceptedOnTime ?? null,
    finishedOnTime: state.metrics.finishedOnTime ?? null,
    satisfaction: state.metrics.satisfaction ?? null,
    closedAt: state.outcome?.at ?? null,
    flags: flagsOf(index, state),
  };
}

/** The body the current user step's assignee variable names, if the petition is open on one and it names one. */
export function holderBodyOf(definition: Definition, state: PetitionState): string | null {
  return holderOf(indexDefinition(definition), state)?.body ?? null;
}

/**
 * The bodies that handled the petition: those its assignees' variables name (the handling body, the review and
 * re-review bodies routing recorded), and the body of every actor that acted for one.
 */
export function handledByOf(definition: Definition, state: PetitionState): string[] {
  const bodies = new Set<string>();
  for (const assignee of Object.values(indexDefinition(definition).definition.assignees ?? {})) {
    const value = assignee?.holder ? state.variables[assignee.holder] : undefined;
    if (typeof value === 'string' && value !== '') bodies.add(value);
  }
  for (const entry of state.timeline) if (entry.actor?.department) bodies.add(entry.actor.department);
  return [...bodies];
}
