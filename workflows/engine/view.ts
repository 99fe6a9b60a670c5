import { handlingBody, holderOf, listedBody, receivedAt } from './context';
import { indexDefinition, type DefinitionIndex } from './definition-index';
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
  /** A window judged on receipt, after its end: requests received in time may be entered until then. */
  graceEndsAt: string | null;
  /** The latest extension: who approved it (user id), in what capacity, why, and the period's last day before it. */
  approvedBy: string | null;
  approverTitle: string | null;
  extensionReason: string | null;
  originalLastDay: string | null;
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
  /** The body holding the current step (null while the petition bureau or the petitioner holds it). */
  holder: string | null;
  /** The body whose list it is on (PetitionDepartment): its department staff see it. */
  listedBody: string | null;
  concerns: string | null;
  /** Its category is confidential (a report): every read is recorded (`reportRead`). */
  confidential: boolean;
  receivedAt: string;
  /** When the petition was registered (its first timeline entry). */
  registeredAt: string;
  definition: { id: string; version: number; hash: string };
  petition: PetitionFacts;
  deadlines: DeadlineView[];
  availableActions: Record<string, string[]>;
  /** Of those, the current step's own actions (not the actions a role may take in any step): who works on it now. */
  stepActions: Record<string, string[]>;
  timeline: TimelineEntry[];
  documents: DocumentRecord[];
  supervision: SupervisionOrder[];
  outcome: PetitionOutcome | null;
  metrics: PetitionState['metrics'];
  variables: Record<string, unknown>;
  /** Registered names (and superiors) of the bodies the petition reached. */
  bodies: NonNullable<PetitionState['bodies']>;
  /** Staff who recused themselves: they may not act on it. */
  recusals: NonNullable<PetitionState['recusals']>;
  /** Every body that handled the petition (see {@link handledByOf}): what a superior's subordinates are checked against. */
  handledBy: string[];
}

/** The actions of the current step itself: who works on it now (not the actions a role may take in any step). */
function ownActions(index: DefinitionIndex, state: PetitionState): Set<string> {
  return new Set(state.token ? (index.userTask(state.token)?.actions.map((a) => a.id) ?? []) : []);
}

/** Of the actions a role may take now, those of the current step itself. */
export function stepActionsOf(definition: Definition, state: PetitionState, role: string): string[] {
  const own = ownActions(indexDefinition(definition), state);
  return availableActions(definition, state, role).filter((id) => own.has(id));
}

/** Builds the read model of a petition from its state. */
export function viewOf(definition: Definition, state: PetitionState): PetitionView {
  const index = indexDefinition(definition);
  const element = state.token ? index.element(state.token) : undefined;
  const actions: Record<string, string[]> = {};
  const stepActions: Record<string, string[]> = {};
  const own = ownActions(index, state);
  for (const role of index.definition.roles) {
    if (role === SYSTEM_ROLE) continue;
    actions[role] = availableActions(definition, state, role);
    stepActions[role] = actions[role].filter((id) => own.has(id));
  }
  return {
    id: state.petitionId,
    status: state.status,
    step: state.token,
    stepName: element?.name ?? state.token,
    category: state.petition.category,
    channel: state.petition.channel,
    department: handlingBody(index, state.variables) ?? null,
    holder: (state.status === 'open' ? holderOf(index, state) : undefined) ?? null,
    listedBody: listedBody(index, state) ?? null,
    concerns: state.petition.concerns ?? null,
    confidential: isConfidential(definition, state),
    receivedAt: receivedAt(state),
    registeredAt: state.timeline.find((t) => t.type === 'registered')?.at ?? receivedAt(state),
    definition: state.definition,
    petition: state.petition,
    deadlines: state.deadlines.map((d) => deadlineView(definition, d)),
    availableActions: actions,
    stepActions,
    timeline: state.timeline,
    documents: state.documents,
    supervision: state.supervision,
    outcome: state.outcome ?? null,
    metrics: state.metrics,
    variables: state.variables,
    bodies: state.bodies ?? {},
    recusals: state.recusals ?? [],
    handledBy: handledByOf(definition, state),
  };
}

/** The body the current user step's assignee variable names, if the petition is open on one and it names one. */
export function holderBodyOf(definition: Definition, state: PetitionState): string | null {
  return state.status === 'open' ? (holderOf(indexDefinition(definition), state) ?? null) : null;
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

/** Whether the petition's category is confidential (declared by the definition's registration). */
export function isConfidential(definition: Definition, state: PetitionState): boolean {
  return indexDefinition(definition).category(state.petition.category)?.confidential === true;
}

/** One deadline instance as people read it. */
export function deadlineView(definition: Definition, d: DeadlineState): DeadlineView {
  const declared = d.supervision ? undefined : indexDefinition(definition).deadline(d.step, d.deadlineId);
  const pause = declared?.pause?.name;
  const extension = d.extensions.at(-1);
  const approval = declared?.extension?.approval;
  const grace = declared?.lateEntry
    ? `期间届满后${declared.lateEntry.graceDays}日内，期间内收到、其后登记的请求仍予接受；逾期未登记的，以期间届满之日办结（${d.article}）。`
    : '';
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
      (d.status === 'paused'
        ? `${d.name}因${pause ?? '暂停'}暂停计算（自 ${d.pausedAt}），${pause ?? '暂停'}时间不计入期限（${d.article}）。暂停前：${d.calculation?.explanation ?? ''}`
        : (d.calculation?.explanation ?? `${d.name}正在计算（${d.article}）`)) + grace,
    counting: d.counting,
    duration: d.duration,
    extendedDays: d.extendedDays,
    pausedDays: d.pausedDays,
    from: d.from,
    accountable: d.accountable,
    closedAt: d.closedAt ?? null,
    missedAt: d.missedAt ?? null,
    graceEndsAt: d.graceEndsAt ?? null,
    approvedBy: (approval && extension?.by.id) || null,
    approverTitle: (extension && approval?.title) || null,
    extensionReason: extension?.reason ?? null,
    originalLastDay:
      typeof d.calculation?.['originalLastDay'] === 'string' ? d.calculation['originalLastDay'] : null,
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
    // The body listed (and blamed by the overdue list): while open, the one that must act now where the definition
    // says so; once closed, the body that handled it.
    department: listedBody(index, state) ?? null,
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
