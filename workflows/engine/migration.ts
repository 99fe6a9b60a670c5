import type { Counting } from '../../definitions/language/schema';
import { FailureType } from '../failure-types';
import { indexDefinition, type DefinitionIndex } from './definition-index';
import { newDeadline, pausedDaysBetween, step } from './interpreter';
import type {
  Actor,
  DeadlineCalculation,
  DeadlineRequest,
  DeadlineState,
  DeadlineStatus,
  Definition,
  EngineCommand,
  PetitionState,
  Refusal,
  TimelineEntry,
} from './types';
import { activeDeadlines } from './validate-action';
import type { PetitionView } from './view';

/**
 * Moving a running petition to another version of its definition (a definition migration), decided purely: the
 * workflow's Update handler and the API's dry run call the same {@link migrateState}.
 *
 * What a move keeps and what it refuses:
 * - the token moves to the step `stepMap` names for its step, or to the step of the same id; a petition whose step
 *   has neither is refused, as is one that is closed, between steps, or on another version than `from`;
 * - a deadline still running keeps its start (`from`), its approved extensions and the days it was paused, and takes
 *   the new version's duration, counting and article: its elapsed budget is kept and its due date recomputed on the
 *   legal calendar. A paused deadline stays paused (the new duration applies when it resumes); one whose new version
 *   cannot be resumed refuses the move. A deadline met, missed or cancelled stays as it was;
 * - a running deadline the new version no longer has, or no longer runs in the new step, is cancelled;
 * - a deadline only the new version has in the new step is armed as the interpreter arms it on entering the step,
 *   counted from the instant the petition entered it (or its `from` variable);
 * - one timeline entry records who moved it, when, from which version to which and the step mapping.
 */

/** Steps of the old version → steps of the new one; a step not named maps to the step of the same id. */
export type StepMap = Readonly<Record<string, string>>;

/** Why a move was refused (`details.reason` of the refusal). */
export const MigrationRefusalReasons = [
  'wrong-version',
  'same-version',
  'closed',
  'not-resting',
  'no-counterpart',
  'pause-not-declared',
] as const;
export type MigrationRefusalReason = (typeof MigrationRefusalReasons)[number];

export interface MigrationOptions {
  /** The content hash of the new version (recorded in the state, as registration records the first one's). */
  toHash: string;
  stepMap?: StepMap;
  /** The instant of the move. */
  at: string;
  actor: Actor;
  /** The batch that moves it (recorded in the timeline). */
  migrationId?: string;
}

/** What became of one deadline: same period, a new period, no longer counted, or newly armed. */
export type DeadlineFate = 'kept' | 'changed' | 'cancelled' | 'armed';

export interface MigratedDeadline {
  key: string;
  id: string;
  name: string;
  /** Its step after the move. */
  step: string;
  fate: DeadlineFate;
  status: DeadlineStatus;
  /** Its period before the move (absent for one the move armed). */
  before?: { step: string; duration: number; counting: Counting; article: string };
}

export interface MigrationPlan {
  from: { id: string; version: number };
  to: { id: string; version: number };
  step: { from: string; to: string };
  deadlines: MigratedDeadline[];
}

export type MigrationDecision =
  | { ok: true; state: PetitionState; commands: EngineCommand[]; plan: MigrationPlan }
  | { ok: false; refusal: Refusal };

const ref = (d: { id: string; version: number }) => `${d.id}@${d.version}`;

/**
 * Decides the move of a petition from `from` (the version it follows) to `to`. Pure: the state is copied; the
 * commands are the deadline computations the new periods need (the workflow runs them on the legal calendar, as
 * for any other deadline; the dry run calls {@link settleMigration}).
 */
export function migrateState(
  from: Definition,
  to: Definition,
  state: PetitionState,
  options: MigrationOptions,
): MigrationDecision {
  const source = indexDefinition(from);
  const target = indexDefinition(to);
  const refuse = (
    reason: MigrationRefusalReason,
    message: string,
    details: Record<string, unknown> = {},
  ): MigrationDecision => ({
    ok: false,
    refusal: {
      type: FailureType.MigrationRefused,
      message,
      details: { reason, petitionId: state.petitionId, ...details },
    },
  });

  const follows = state.definition;
  if (follows.id !== from.id || follows.version !== from.version) {
    return refuse(
      'wrong-version',
      `Petition ${state.petitionId} follows ${ref(follows)}, not ${ref(from)}; nothing was changed.`,
      { follows: ref(follows) },
    );
  }
  if (from.id === to.id && from.version === to.version) {
    return refuse('same-version', `Petition ${state.petitionId} already follows ${ref(to)}.`);
  }
  if (state.status === 'closed') {
    return refuse(
      'closed',
      `Petition ${state.petitionId} is closed (${state.outcome?.outcome ?? 'ended'}); only running petitions move.`,
    );
  }
  const here = source.userTask(state.token);
  if (!here) {
    return refuse(
      'not-resting',
      `Petition ${state.petitionId} is between steps (on "${state.token}", which is not a step that waits for an action); move it once it rests on a step.`,
      { step: state.token },
    );
  }
  const mapStep = (s: string) => options.stepMap?.[s] ?? s;
  const toStep = mapStep(state.token);
  const there = target.userTask(toStep);
  if (!there) {
    const named = options.stepMap?.[state.token] !== undefined;
    return refuse(
      'no-counterpart',
      named
        ? `stepMap sends step "${state.token}" (${here.name}) to "${toStep}", which is not a step of ${ref(to)}.`
        : `Step "${state.token}" (${here.name}) has no counterpart in ${ref(to)}: name the step it moves to in stepMap.`,
      { step: state.token, target: toStep },
    );
  }
  for (const d of activeDeadlines(state)) {
    if (d.status !== 'paused' || d.supervision) continue;
    const def = target.deadline(mapStep(d.step), d.deadlineId);
    if (def && !def.pause) {
      return refuse(
        'pause-not-declared',
        `Deadline "${d.deadlineId}" (${d.name}) is paused, and ${ref(to)} declares no pause for it, so it could never resume; end the pause first or declare it in ${ref(to)}.`,
        { step: state.token, deadline: d.deadlineId },
      );
    }
  }

  const next: PetitionState = JSON.parse(JSON.stringify(state));
  const commands: EngineCommand[] = [];
  const plan: MigrationPlan = {
    from: { id: from.id, version: from.version },
    to: { id: to.id, version: to.version },
    step: { from: state.token, to: toStep },
    deadlines: [],
  };
  const log = (entry: Omit<TimelineEntry, 'seq' | 'at'>): TimelineEntry => {
    next.seq += 1;
    const logged: TimelineEntry = { seq: next.seq, at: options.at, ...entry };
    next.timeline.push(logged);
    return logged;
  };
  next.token = toStep;
  next.definition = { id: to.id, version: to.version, hash: options.toHash };
  const moved = log({
    type: 'migrated',
    step: toStep,
    actor: options.actor,
    message:
      `流程定义由 ${ref(from)} 迁移至 ${ref(to)}` +
      (toStep === state.token ? `，环节「${there.name}」不变` : `：环节「${here.name}」→「${there.name}」`),
  });

  for (const d of activeDeadlines(next)) {
    const before = { step: d.step, duration: d.duration, counting: d.counting, article: d.article };
    const record = (fate: DeadlineFate) =>
      plan.deadlines.push({
        key: d.key,
        id: d.deadlineId,
        name: d.name,
        step: d.step,
        fate,
        status: d.status,
        before,
      });
    if (d.supervision || d.status === 'missed') {
      // A supervision order's answer period belongs to the order, not to the step; a missed deadline stays missed.
      const mapped = d.step === state.token ? toStep : mapStep(d.step);
      if (target.userTask(mapped)) d.step = mapped;
      record('kept');
      continue;
    }
    const newStep = mapStep(d.step);
    const def = target.deadline(newStep, d.deadlineId);
    if (!def || (newStep !== toStep && !def.spans.includes(toStep))) {
      cancel(d, options.at);
      record('cancelled');
      log({
        type: 'deadline-met',
        step: before.step,
        deadline: d.deadlineId,
        message: `${d.name}不再计算：${ref(to)} 的环节「${there.name}」无此期限（${d.article}）`,
        data: { key: d.key, cancelled: true, migrated: ref(to) },
      });
      continue;
    }
    d.step = newStep;
    d.name = def.name;
    d.article = def.article;
    d.duration = def.duration;
    d.counting = def.counting;
    d.bodyDeadline = def.onExpiry.kind === 'overdue';
    d.metric = def.metric;
    const changed =
      before.duration !== d.duration || before.counting !== d.counting || before.article !== d.article;
    // A paused deadline is computed again when it resumes, with the new period.
    if ((changed || !d.calculation) && d.status !== 'paused') commands.push(compute(d));
    record(changed ? 'changed' : 'kept');
  }

  for (const def of there.deadlines) {
    const armedHere = next.deadlines.some(
      (d) =>
        d.deadlineId === def.id &&
        d.step === toStep &&
        (activeDeadlines(next).includes(d) || Date.parse(d.armedAt) >= Date.parse(next.enteredAt)),
    );
    if (armedHere) continue;
    // Armed as on entering the step: its period runs from the instant the petition entered it.
    const d = newDeadline({ state: next, index: target, at: next.enteredAt }, def, toStep, there.assignee);
    d.armedAt = options.at;
    next.deadlines.push(d);
    log({
      type: 'deadline-armed',
      step: toStep,
      deadline: def.id,
      message: `${def.name}开始计算（${ref(to)} 新增）：${def.duration}${def.counting === 'working-days' ? '个工作日' : '日'}，自 ${d.from} 起（${def.article}）`,
      data: { key: d.key, migrated: ref(to) },
    });
    commands.push(compute(d));
    plan.deadlines.push({
      key: d.key,
      id: def.id,
      name: def.name,
      step: toStep,
      fate: 'armed',
      status: d.status,
    });
  }

  moved.data = {
    from: ref(from),
    to: ref(to),
    fromHash: state.definition.hash,
    toHash: options.toHash,
    step: plan.step,
    stepMap: { ...options.stepMap },
    ...(options.migrationId !== undefined && { migrationId: options.migrationId }),
    deadlines: plan.deadlines.map(({ key, id, fate }) => ({ key, id, fate })),
  };
  return { ok: true, state: next, commands, plan };
}

function compute(d: DeadlineState): EngineCommand {
  return {
    type: 'compute-deadline',
    key: d.key,
    request: {
      from: d.from,
      duration: d.duration,
      counting: d.counting,
      extensionDays: d.extendedDays,
      pausedDays: d.pausedDays,
      article: d.article,
    },
  };
}

/** A deadline the new version does not count any more: closed as cancelled, a pause in progress accounted for. */
function cancel(d: DeadlineState, at: string): void {
  if (d.status === 'paused' && d.pausedAt) {
    d.pausedMs += Date.parse(at) - Date.parse(d.pausedAt);
    d.pausedDays += pausedDaysBetween(d.pausedAt, at);
    d.pausedAt = undefined;
  }
  d.status = 'cancelled';
  d.closedAt = at;
}

/**
 * {@link migrateState} with its deadline computations made by `compute` (the legal calendar) and applied by the
 * interpreter, as the workflow applies them: the state the petition would be in after the move (the dry run).
 */
export function settleMigration(
  from: Definition,
  to: Definition,
  state: PetitionState,
  options: MigrationOptions,
  compute: (request: DeadlineRequest) => DeadlineCalculation,
): MigrationDecision {
  const decided = migrateState(from, to, state, options);
  if (!decided.ok) return decided;
  let settled = decided.state;
  for (const command of decided.commands) {
    if (command.type !== 'compute-deadline') continue;
    settled = step(to, settled, {
      type: 'deadline-computed',
      at: options.at,
      key: command.key,
      calculation: compute(command.request),
    }).state;
  }
  return { ...decided, state: settled };
}

/**
 * The state of a petition as far as its read model (the `petitionState` query) shows it: what
 * {@link migrateState} reads, for the dry run, which reads petitions through that query. Not shown there, hence
 * left empty: the history of extensions, warnings already given, the milliseconds and instant of a pause.
 */
export function stateFromView(definition: Definition, view: PetitionView): PetitionState {
  const index: DefinitionIndex = indexDefinition(definition);
  const entered = [...view.timeline].reverse().find((e) => e.type === 'entered' && e.step === view.step);
  const keySeq = (key: string) => Number(/#(\d+)$/.exec(key)?.[1] ?? 0);
  const seq = Math.max(
    0,
    ...view.timeline.map((e) => e.seq),
    ...view.deadlines.map((d) => keySeq(d.key)),
    ...view.supervision.map((s) => s.seq),
  );
  return {
    petitionId: view.id,
    definition: view.definition,
    petition: view.petition,
    status: view.status,
    token: view.step,
    enteredAt: entered?.at ?? view.receivedAt,
    variables: view.variables,
    deadlines: view.deadlines.map((d): DeadlineState => {
      const def = index.deadline(d.step, d.id);
      return {
        key: d.key,
        deadlineId: d.id,
        name: d.name,
        article: d.article,
        step: d.step,
        accountable: d.accountable,
        status: d.state,
        armedAt: d.from,
        from: d.from,
        duration: d.duration,
        counting: d.counting as Counting,
        extendedDays: d.extendedDays,
        extensions: [],
        pausedMs: 0,
        pausedDays: d.pausedDays,
        ...(d.dueAt !== null && {
          calculation: {
            dueAt: d.dueAt,
            lastDay: d.lastDay ?? d.dueAt.slice(0, 10),
            provisional: d.provisional,
            explanation: d.explanation,
          },
        }),
        warned: [],
        ...(d.missedAt !== null && { missedAt: d.missedAt }),
        ...(d.closedAt !== null && { closedAt: d.closedAt }),
        bodyDeadline: def ? def.onExpiry.kind === 'overdue' : d.id === 'supervision' || d.overdue,
        ...(def?.metric && { metric: def.metric }),
        ...(d.id === 'supervision' && !def && { supervision: true }),
      };
    }),
    timeline: view.timeline,
    documents: view.documents,
    supervision: view.supervision,
    metrics: view.metrics,
    ...(view.outcome && { outcome: view.outcome }),
    seq,
  };
}
