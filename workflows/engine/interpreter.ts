import type {
  Accountability,
  Action,
  Assignee,
  Deadline,
  Element,
  GlobalAction,
} from '../../definitions/language/schema';
import { renderTemplate } from '../../definitions/language/templates';
import { FailureType } from '../failure-types';
import { bodyName, feelContext, handlingBody, holderOf, receivedAt } from './context';
import { indexDefinition, type DefinitionIndex } from './definition-index';
import { evalFeel, evalFeelOnce, feelHolds } from './feel';
import { activeDeadlines, awaitedSupervision, checkAction } from './validate-action';
import type {
  ActionEvent,
  BodyFacts,
  Definition,
  DeadlineState,
  EngineCommand,
  EngineEvent,
  PetitionState,
  Refusal,
  StartEvent,
  StepResult,
  TimelineEntry,
} from './types';

const DAY_MS = 86_400_000;

/** Thrown when a definition cannot be interpreted (a validator should have caught it) or an event is out of place. */
export class EngineError extends Error {
  override name = 'EngineError';
}

/**
 * The interpreter: given a definition, the current state and one event, returns the next state and the commands
 * the workflow must run. Pure and deterministic — no clock, no I/O, no Temporal import (design settled point 2).
 */
export function step(
  definition: Definition,
  state: PetitionState | undefined,
  event: EngineEvent,
): StepResult {
  const index = indexDefinition(definition);
  if (event.type === 'start') {
    if (state) throw new EngineError(`petition ${state.petitionId} is already started`);
    const registered = initialState(index, event);
    return run(
      index,
      registered,
      (ctx) => {
        ctx.log({ type: 'registered', actor: event.actor, message: registeredMessage(index, registered) });
        learnBodies(ctx, event.bodies);
        ctx.follow(index.start.id);
      },
      event.at,
    );
  }
  if (!state) throw new EngineError(`event "${event.type}" arrived before the petition was started`);
  switch (event.type) {
    case 'action':
      return run(index, state, (ctx) => applyAction(ctx, event), event.at);
    case 'deadline-computed':
      return run(
        index,
        state,
        (ctx) => {
          const d = ctx.state.deadlines.find((x) => x.key === event.key);
          if (!d) throw new EngineError(`no deadline instance "${event.key}"`);
          d.calculation = event.calculation;
          if (d.status === 'pending') d.status = 'running';
          if (d.pendingDocument) {
            ctx.emit({ type: 'generate-document', ...d.pendingDocument, deadlineKey: d.key });
            d.pendingDocument = undefined;
          }
          ctx.log({
            type: 'deadline-computed',
            step: d.step,
            deadline: d.deadlineId,
            message: event.calculation.explanation,
            data: {
              dueAt: event.calculation.dueAt,
              lastDay: event.calculation.lastDay,
              provisional: event.calculation.provisional,
            },
          });
        },
        event.at,
      );
    case 'timer-fired':
      return run(index, state, (ctx) => fireTimers(ctx), event.at);
    case 'activity-completed':
      return run(
        index,
        state,
        (ctx) => {
          if (ctx.state.token !== event.element) {
            throw new EngineError(
              `activity for "${event.element}" completed while the token is on "${ctx.state.token}"`,
            );
          }
          if (event.document) {
            ctx.state.documents.push(event.document);
            ctx.log({
              type: 'document',
              step: event.element,
              message: `已生成《${event.document.title}》`,
              data: { documentId: event.document.id, kind: event.document.kind },
            });
          } else {
            ctx.log({
              type: 'activity',
              step: event.element,
              message: event.detail ?? `完成：${event.element}`,
            });
          }
          for (const [name, value] of Object.entries(event.variables ?? {})) {
            ctx.state.variables[name] = normaliseValue(value);
          }
          learnBodies(ctx, event.bodies);
          recordReceipts(ctx, event.variables ?? {});
          const element = ctx.index.element(event.element);
          if (element.type === 'serviceTask' && element.set) {
            const context = feelContext(ctx.state, {}, event.at, holderOf(ctx.index, ctx.state));
            for (const [name, expression] of Object.entries(element.set)) {
              ctx.state.variables[name] = normaliseValue(evalFeel(expression, context));
            }
          }
          ctx.followOutgoing(event.element);
        },
        event.at,
      );
    case 'document-generated':
      return run(
        index,
        state,
        (ctx) => {
          ctx.state.documents.push(event.document);
          ctx.log({
            type: 'document',
            step: event.document.step,
            message: `已生成《${event.document.title}》`,
            data: { documentId: event.document.id, kind: event.document.kind },
          });
        },
        event.at,
      );
    case 'document-delivered':
      return run(
        index,
        state,
        (ctx) => {
          const doc = ctx.state.documents.find((d) => d.id === event.documentId);
          if (!doc) throw new EngineError(`no document "${event.documentId}"`);
          doc.deliveries.push(...event.deliveries);
          for (const delivery of event.deliveries) {
            ctx.log({
              type: 'document',
              step: doc.step,
              message: `《${doc.title}》${delivery.ok ? '已送达' : '送达失败'}（${delivery.channel}）`,
              data: { documentId: doc.id, ...delivery },
            });
          }
        },
        event.at,
      );
    case 'report-read':
      return run(
        index,
        state,
        (ctx) => {
          const reader = `${event.actor.role}${event.actor.id ? ` ${event.actor.id}` : ''}${
            event.actor.department ? `（${event.actor.department}）` : ''
          }`;
          const template =
            index.category(ctx.state.petition.category)?.readMessage ?? '材料被查阅：{{reader}}';
          ctx.log({ type: 'report-read', actor: event.actor, message: renderTemplate(template, { reader }) });
        },
        event.at,
      );
    case 'access-code-reissued':
      return run(
        index,
        state,
        (ctx) => {
          ctx.log({
            type: 'access-code',
            actor: event.actor,
            message: `查询码已重新发放（原查询码即时作废）：${event.actor.role}${event.actor.id ? ` ${event.actor.id}` : ''}`,
          });
        },
        event.at,
      );
    case 'calendar-updated':
      return run(
        index,
        state,
        (ctx) => {
          for (const d of activeDeadlines(ctx.state)) {
            if (d.calculation?.provisional && !d.closedAt) ctx.compute(d);
          }
        },
        event.at,
      );
  }
}

/**
 * Builds the state of a newly registered petition (before the token moves): the definition's registration variables,
 * FEEL over the registered facts, in declaration order; a `datetime` variable is kept as an ISO instant (UTC).
 */
function initialState(index: DefinitionIndex, event: StartEvent): PetitionState {
  const { definition } = index;
  const facts = { petition: event.petition, registeredAt: event.at };
  const variables: Record<string, unknown> = {};
  for (const [name, expression] of Object.entries(definition.registration.variables)) {
    const value = normaliseValue(evalFeelOnce(expression, facts));
    variables[name] =
      definition.variables[name]?.type === 'datetime' && typeof value === 'string'
        ? instant(value, name)
        : value;
  }
  return {
    petitionId: event.petitionId,
    definition: { id: definition.id, version: definition.version, hash: event.definitionHash },
    petition: event.petition,
    status: 'open',
    token: '',
    enteredAt: event.at,
    variables,
    deadlines: [],
    timeline: [],
    documents: [],
    supervision: [],
    metrics: {},
    seq: 0,
  };
}

function instant(value: string, variable: string): string {
  const ms = Date.parse(value);
  if (Number.isNaN(ms))
    throw new EngineError(`registration variable "${variable}" is not a date-time: ${value}`);
  return new Date(ms).toISOString();
}

/** The registration's timeline entry: the definition's `registration.message`, or the facts in plain words. */
function registeredMessage(index: DefinitionIndex, state: PetitionState): string {
  const expression = index.definition.registration.message;
  const message = expression
    ? evalFeelOnce(expression, { ...state.variables, petition: state.petition })
    : undefined;
  return typeof message === 'string'
    ? message
    : `已登记：渠道 ${state.petition.channel}，类别 ${state.petition.category}`;
}

interface Ctx {
  index: DefinitionIndex;
  /** Set while a global action (withdrawal) interrupts the process: open deadlines are cancelled, not met. */
  interrupting: boolean;
  state: PetitionState;
  at: string;
  log(entry: Omit<TimelineEntry, 'seq' | 'at'>): void;
  follow(elementId: string): void;
  followOutgoing(elementId: string): void;
  moveTo(elementId: string): void;
  compute(d: DeadlineState): void;
  emit(command: EngineCommand): void;
  /** Set when an action is recorded but refused (the caller is answered with it). */
  refusal?: Refusal;
  /** When set, an end event reached now dates its outcome here (a window's end, after its late-entry grace). */
  outcomeAt?: string;
}

function run(index: DefinitionIndex, prev: PetitionState, body: (ctx: Ctx) => void, at: string): StepResult {
  const state: PetitionState = JSON.parse(JSON.stringify(prev));
  const commands: EngineCommand[] = [];
  const now = at;
  const ctx: Ctx = {
    index,
    interrupting: false,
    state,
    at: now,
    log(entry) {
      state.seq += 1;
      state.timeline.push({ seq: state.seq, at: ctx.at, step: state.token || undefined, ...entry });
    },
    emit(command) {
      commands.push(command);
    },
    compute(d) {
      const extensionFrom = d.supervision ? undefined : index.deadline(d.step, d.deadlineId)?.extension?.from;
      ctx.emit({
        type: 'compute-deadline',
        key: d.key,
        request: {
          from: d.from,
          duration: d.duration,
          counting: d.counting,
          extensionDays: d.extendedDays,
          pausedDays: d.pausedDays,
          article: d.article,
          ...(extensionFrom === 'period-end' && { extensionFrom }),
        },
      });
    },
    follow(elementId) {
      ctx.moveTo(elementId);
    },
    followOutgoing(elementId) {
      const flows = index.outgoing(elementId);
      const flow = flows[0];
      if (!flow) throw new EngineError(`element "${elementId}" has no outgoing flow`);
      ctx.moveTo(flow.to);
    },
    moveTo(elementId) {
      advance(index, ctx, elementId);
    },
  };
  body(ctx);
  return { state, commands, ...(ctx.refusal && { refusal: ctx.refusal }) };
}

/** Moves the token from element to element until it rests on a user task, a service task or an end event. */
function advance(index: DefinitionIndex, ctx: Ctx, target: string): void {
  let current: Element = index.element(target);
  for (let hops = 0; hops < 1000; hops++) {
    switch (current.type) {
      case 'startEvent':
      case 'exclusiveGateway': {
        if (current.type === 'startEvent') {
          const context = feelContext(ctx.state, {}, ctx.at);
          for (const [name, expression] of Object.entries(current.set)) {
            ctx.state.variables[name] = normaliseValue(evalFeel(expression, context));
          }
          recordReceipts(ctx, ctx.state.variables);
        }
        const next =
          current.type === 'startEvent' ? index.outgoing(current.id)[0] : chooseFlow(index, ctx, current.id);
        if (!next) throw new EngineError(`element "${current.id}" has no outgoing flow`);
        current = index.element(next.to);
        continue;
      }
      case 'serviceTask':
        ctx.state.token = current.id;
        ctx.state.enteredAt = ctx.at;
        ctx.emit({
          type: 'run-service-task',
          element: current.id,
          activity: current.activity,
          document: current.document,
          recipient: current.recipient,
        });
        return;
      case 'userTask':
        rest(index, ctx, current.id);
        ctx.log({ type: 'entered', step: current.id, message: `进入环节：${current.name}` });
        armDeadlines(index, ctx, current.id);
        return;
      case 'endEvent': {
        rest(index, ctx, current.id);
        // Orders met only by their answer end with the petition: no body owes an answer any more.
        for (const d of activeDeadlines(ctx.state)) closeDeadline(ctx, d, { cancel: '信访事项已办结' });
        ctx.state.status = 'closed';
        ctx.state.outcome = {
          endEvent: current.id,
          outcome: current.outcome,
          final: current.final,
          at: ctx.outcomeAt ?? ctx.at,
        };
        ctx.log({
          type: 'ended',
          step: current.id,
          message: `办理结束：${current.name ?? current.outcome}${current.note ? `（${current.note}）` : ''}`,
          data: { outcome: current.outcome, final: current.final },
        });
        ctx.emit({ type: 'complete', outcome: ctx.state.outcome });
        return;
      }
    }
  }
  throw new EngineError(`the token did not come to rest after 1000 moves from "${target}" (a gateway loop?)`);
}

function chooseFlow(index: DefinitionIndex, ctx: Ctx, gatewayId: string) {
  const flows = index.outgoing(gatewayId);
  const context = feelContext(ctx.state, {}, ctx.at, holderOf(index, ctx.state));
  const chosen = flows.find(
    (f) => !f.default && f.condition !== undefined && feelHolds(f.condition, context),
  );
  const fallback = flows.find((f) => f.default);
  const flow = chosen ?? fallback;
  if (!flow) {
    throw new EngineError(`gateway "${gatewayId}": no condition holds and there is no default flow`);
  }
  return flow;
}

/**
 * The token comes to rest on `elementId`: deadlines whose scope (owning step plus `spans`) does not include it
 * are closed — met when before their due instant, otherwise they stay missed, now closed.
 */
function rest(index: DefinitionIndex, ctx: Ctx, elementId: string): void {
  const state = ctx.state;
  state.token = elementId;
  state.enteredAt = ctx.at;
  for (const d of activeDeadlines(state)) {
    if (d.supervision) {
      if (d.answeredBy === undefined && d.step !== elementId) closeDeadline(ctx, d);
      continue;
    }
    const def = index.deadline(d.step, d.deadlineId);
    const scope = new Set([d.step, ...(def?.spans ?? [])]);
    if (!scope.has(elementId)) closeDeadline(ctx, d);
  }
}

/**
 * Closes a deadline: met when before its due instant (judged at `judgedAt`, by default now), missed otherwise;
 * cancelled — neither — when the process was interrupted or `cancel` says why it is no longer owed.
 */
function closeDeadline(ctx: Ctx, d: DeadlineState, opts: { cancel?: string; judgedAt?: string } = {}): void {
  if (d.status === 'paused' && d.pausedAt) {
    d.pausedMs += Date.parse(ctx.at) - Date.parse(d.pausedAt);
    d.pausedDays += pausedDaysBetween(d.pausedAt, ctx.at, inclusivePause(ctx.index, d));
    d.pausedAt = undefined;
  }
  d.closedAt = ctx.at;
  const due = d.calculation?.dueAt;
  const cancelled = opts.cancel ?? (ctx.interrupting ? '办理程序已中止' : undefined);
  if (cancelled !== undefined && d.missedAt === undefined) {
    d.status = 'cancelled';
    ctx.log({
      type: 'deadline-met',
      step: d.step,
      deadline: d.deadlineId,
      message: `${d.name}不再计算：${cancelled}`,
      data: { key: d.key, cancelled: true },
    });
    return;
  }
  const judgedAt = Date.parse(opts.judgedAt ?? ctx.at);
  const late = d.missedAt !== undefined || (due !== undefined && judgedAt >= Date.parse(due));
  if (late) {
    if (!d.missedAt) d.missedAt = due;
    d.status = 'missed';
  } else {
    d.status = 'met';
  }
  if (d.metric === 'acceptance') ctx.state.metrics.acceptedOnTime = !late;
  if (d.metric === 'completion') ctx.state.metrics.finishedOnTime = !late;
  ctx.log({
    type: late ? 'deadline-missed' : 'deadline-met',
    step: d.step,
    deadline: d.deadlineId,
    message: late
      ? `${d.name}逾期后完成（${d.article}，期限 ${d.calculation?.lastDay ?? '未计算'}）`
      : `${d.name}按期完成（${d.article}，期限 ${d.calculation?.lastDay ?? '未计算'}）`,
    data: { key: d.key, dueAt: due, closedAt: ctx.at },
  });
}

function armDeadlines(index: DefinitionIndex, ctx: Ctx, stepId: string): void {
  const task = index.userTask(stepId);
  if (!task) return;
  for (const def of task.deadlines) {
    const existing = activeDeadlines(ctx.state).find((d) => d.deadlineId === def.id && d.step === stepId);
    if (existing) continue;
    const d = newDeadline(ctx, def, stepId, task.assignee);
    ctx.state.deadlines.push(d);
    ctx.log({
      type: 'deadline-armed',
      step: stepId,
      deadline: def.id,
      message: `${def.name}开始计算：${def.duration}${def.counting === 'working-days' ? '个工作日' : '日'}，自 ${d.from} 起（${def.article}）`,
      data: { key: d.key },
    });
    ctx.compute(d);
  }
}

/**
 * A new instance of a definition deadline for a step, as entering the step arms it (its key takes the next `seq`).
 * Also used by a definition migration to arm a deadline only the new version has (workflows/engine/migration.ts).
 */
export function newDeadline(
  ctx: Pick<Ctx, 'state' | 'index' | 'at'>,
  def: Deadline,
  stepId: string,
  assignee: Assignee,
): DeadlineState {
  const state = ctx.state;
  state.seq += 1;
  const holderVariable = ctx.index.assignee(assignee)?.holder;
  const holder = holderVariable ? state.variables[holderVariable] : undefined;
  return {
    key: `${def.id}#${state.seq}`,
    deadlineId: def.id,
    name: def.name,
    article: def.article,
    step: stepId,
    accountable: { assignee, department: typeof holder === 'string' ? holder : undefined },
    status: 'pending',
    armedAt: ctx.at,
    from: deadlineStart(state, def.from, ctx.at),
    duration: def.duration,
    counting: def.counting,
    extendedDays: 0,
    extensions: [],
    pausedMs: 0,
    pausedDays: 0,
    warned: [],
    bodyDeadline: def.onExpiry.kind === 'overdue',
    metric: def.metric,
  };
}

/**
 * Where a deadline's period starts: `entered` (the step was entered at `enteredAt`), `receipt` (the petition was
 * received) or the instant in a datetime variable (`enteredAt` while it holds none).
 */
export function deadlineStart(
  state: Pick<PetitionState, 'petition' | 'variables'>,
  from: string,
  enteredAt: string,
): string {
  if (from === 'entered') return enteredAt;
  if (from === 'receipt') return receivedAt(state);
  const value = state.variables[from];
  if (typeof value === 'string' && !Number.isNaN(Date.parse(value)))
    return new Date(Date.parse(value)).toISOString();
  return enteredAt;
}

function applyAction(ctx: Ctx, event: ActionEvent): void {
  const checked = checkAction(ctx.index.definition, ctx.state, event);
  if (!checked.ok) throw new EngineError(checked.refusal.message);
  const { action, input } = checked;
  const stepId = ctx.state.token;
  ctx.log({
    type: 'action',
    step: stepId,
    actor: event.actor,
    action: action.id,
    message: `${action.name}`,
    data: { input: redactInput(input), requestId: event.requestId },
  });
  const context = feelContext(ctx.state, input, event.at, holderOf(ctx.index, ctx.state));
  for (const [name, expression] of Object.entries(action.set)) {
    ctx.state.variables[name] = normaliseValue(evalFeel(expression, context));
  }
  enterLate(ctx, action.id, input, event.at);
  applyEffect(ctx, action, input, event, stepId);
  if (ctx.refusal) return;
  if (action.accountability) {
    const { body, deadline, ...declared } = action.accountability;
    const code = ctx.state.variables[body];
    const period =
      deadline === undefined
        ? undefined
        : ctx.state.deadlines.filter((d) => d.deadlineId === deadline).at(-1);
    recordAccountability(ctx, declared, {
      body: typeof code === 'string' ? code : undefined,
      period,
      actor: event.actor,
    });
  }
  closeByAction(ctx, action.id, action.name);
  if (action.document && action.effect?.type !== 'extend') {
    ctx.emit({
      type: 'generate-document',
      document: action.document,
      step: stepId,
      input,
      recipient: action.effect?.type === 'supervise' ? 'department' : 'petitioner',
    });
  }
  if (action.to) {
    ctx.interrupting = !ctx.index.userTask(stepId)?.actions.some((a) => a.id === action.id);
    ctx.moveTo(action.to);
    ctx.interrupting = false;
  }
}

/** Deadlines the definition says this action meets (`metBy`) or ends as no longer owed (`cancelledBy`). */
function closeByAction(ctx: Ctx, actionId: string, actionName: string): void {
  for (const d of activeDeadlines(ctx.state)) {
    if (d.supervision) continue;
    const def = ctx.index.deadline(d.step, d.deadlineId);
    if (def?.cancelledBy?.includes(actionId)) closeDeadline(ctx, d, { cancel: actionName });
    else if (def?.metBy?.includes(actionId)) closeDeadline(ctx, d);
  }
}

/**
 * A request entered into a window judged on its receipt (`lateEntry`): the window is met on the instant the request
 * was received, whenever it is entered; an entry on a later day than the receipt is recorded as late.
 */
function enterLate(ctx: Ctx, actionId: string, input: Record<string, unknown>, at: string): void {
  for (const d of activeDeadlines(ctx.state)) {
    if (d.supervision) continue;
    const def = ctx.index.deadline(d.step, d.deadlineId);
    if (!def?.lateEntry || !def.refuseAfter.includes(actionId)) continue;
    const given = input[def.lateEntry.field];
    const received = typeof given === 'string' ? given : at;
    const days = civilDay(at) - civilDay(received);
    if (days > 0) {
      const due = d.calculation?.dueAt;
      const afterWindow = due !== undefined && Date.parse(at) >= Date.parse(due);
      ctx.log({
        type: 'late-entry',
        step: d.step,
        deadline: d.deadlineId,
        message:
          `请求于${civilDate(received)}收到，${civilDate(at)}登记，晚${days}日` +
          (afterWindow ? `；${d.name}已于${d.calculation?.lastDay}届满，请求在期间内收到，予以接受` : '') +
          `（${d.article}）`,
        data: { receivedAt: received, enteredAt: at, days, afterWindow, key: d.key },
      });
    }
    d.missedAt = undefined;
    d.status = 'running';
    closeDeadline(ctx, d, { judgedAt: received });
  }
}

function applyEffect(
  ctx: Ctx,
  action: Action | GlobalAction,
  input: Record<string, unknown>,
  event: ActionEvent,
  stepId: string,
): void {
  const effect = action.effect;
  if (!effect) return;
  const target =
    'deadline' in effect
      ? activeDeadlines(ctx.state).find((d) => d.deadlineId === effect.deadline)
      : undefined;
  switch (effect.type) {
    case 'extend': {
      if (!target) throw new EngineError(`no running deadline "${effect.deadline}"`);
      const approval = ctx.index.deadline(target.step, target.deadlineId)?.extension?.approval;
      if (approval && event.actor.approver !== true) {
        // Art. 34 as the statutory default declares it: the attempt is on the record, and refused.
        recordAccountability(
          ctx,
          approval.accountability ?? {
            failure: `未经${approval.title}批准延长期限`,
            article: target.article,
          },
          { body: target.accountable.department, period: target, actor: event.actor },
        );
        ctx.refusal = {
          type: FailureType.Forbidden,
          message: `Extending "${target.name}" needs the approval of ${approval.title}: the token must carry the claim "approver": true (${target.article}). The attempt is recorded in the petition's timeline.`,
          details: { article: target.article, approval: approval.title },
        };
        return;
      }
      const days = input['days'] as number;
      target.extendedDays += days;
      target.extensions.push({
        days,
        reason: input['reason'] as string | undefined,
        at: event.at,
        by: event.actor,
      });
      const approvedBy = approval
        ? `经${approval.title}（${event.actor.id ?? event.actor.role}）批准`
        : '经批准';
      ctx.log({
        type: 'deadline-extended',
        step: target.step,
        actor: event.actor,
        deadline: target.deadlineId,
        message: `${target.name}${approvedBy}延长${days}日，理由：${String(input['reason'] ?? '')}（${target.article}）`,
        data: { days, key: target.key, ...(approval && { approvedBy: event.actor.id ?? null }) },
      });
      if (action.document) target.pendingDocument = { document: action.document, step: stepId, input };
      ctx.compute(target);
      return;
    }
    case 'pause': {
      if (!target) throw new EngineError(`no running deadline "${effect.deadline}"`);
      target.status = 'paused';
      target.pausedAt = event.at;
      const pause = pauseName(ctx.index, target);
      ctx.log({
        type: 'deadline-paused',
        step: target.step,
        actor: event.actor,
        deadline: target.deadlineId,
        message: pause
          ? `${target.name}暂停计算：${pause}时间不计入期限（${target.article}）`
          : `${target.name}暂停计算（${target.article}）`,
      });
      return;
    }
    case 'resume': {
      if (!target || !target.pausedAt)
        throw new EngineError(`deadline "${'deadline' in effect ? effect.deadline : ''}" is not paused`);
      const days = pausedDaysBetween(target.pausedAt, event.at, inclusivePause(ctx.index, target));
      target.pausedMs += Date.parse(event.at) - Date.parse(target.pausedAt);
      target.pausedDays += days;
      target.pausedAt = undefined;
      target.status = target.missedAt ? 'missed' : 'running';
      ctx.log({
        type: 'deadline-resumed',
        step: target.step,
        actor: event.actor,
        deadline: target.deadlineId,
        message: `${target.name}恢复计算：本次${pauseName(ctx.index, target) ?? '暂停'}${days}日、累计${target.pausedDays}日不计入期限（${target.article}）`,
        data: { pausedMs: target.pausedMs, pausedDays: target.pausedDays },
      });
      ctx.compute(target);
      return;
    }
    case 'supervise': {
      const answer = effect.answer;
      if (!answer)
        throw new EngineError(`action "${action.id}" orders supervision but declares no answer period`);
      const reason = String(input['reason'] ?? '');
      const answerDays =
        typeof input['answerDays'] === 'number' ? (input['answerDays'] as number) : answer.days;
      const texts = { reason, answerDays };
      ctx.state.seq += 1;
      // An order only its answer meets goes to the body that must act now (Art. 40 as the statutory default reads it).
      const department =
        effect.answeredBy !== undefined
          ? (holderOf(ctx.index, ctx.state) ?? handlingBody(ctx.index, ctx.state.variables))
          : handlingBody(ctx.index, ctx.state.variables);
      const d: DeadlineState = {
        key: `supervision#${ctx.state.seq}`,
        deadlineId: 'supervision',
        name: answer.name,
        article: answer.article,
        step: stepId,
        accountable: { assignee: 'department', department },
        status: 'pending',
        armedAt: event.at,
        from: event.at,
        duration: answerDays,
        counting: answer.counting,
        extendedDays: 0,
        extensions: [],
        pausedMs: 0,
        pausedDays: 0,
        warned: [],
        bodyDeadline: true,
        supervision: true,
        ...(effect.answeredBy !== undefined && { answeredBy: effect.answeredBy }),
        ...(effect.accountability && { accountability: effect.accountability }),
      };
      ctx.state.deadlines.push(d);
      ctx.state.supervision.push({
        seq: ctx.state.seq,
        issuedAt: event.at,
        by: event.actor,
        reason,
        answerDays,
        step: stepId,
        department,
        deadlineKey: d.key,
      });
      ctx.log({
        type: 'supervised',
        step: stepId,
        actor: event.actor,
        message: renderTemplate(effect.message ?? '督办：{{reason}}；应于 {{answerDays}} 日内答复', texts),
        data: { answerDays, key: d.key, ...(department !== undefined && { department }) },
      });
      ctx.compute(d);
      ctx.emit({
        type: 'escalate',
        reason: 'supervision',
        key: d.key,
        step: stepId,
        department,
        message: renderTemplate(effect.notice ?? '督办：{{reason}}（{{answerDays}}日内答复）', texts),
      });
      return;
    }
    case 'answer-supervision': {
      const order = awaitedSupervision(ctx.state, action.id, event.actor);
      if (!order) throw new EngineError(`no supervision order awaits "${action.id}" from this actor`);
      closeDeadline(ctx, order);
      const record = ctx.state.supervision.find((o) => o.deadlineKey === order.key);
      if (record) {
        record.answeredAt = event.at;
        record.answer = String(input['text'] ?? '');
        record.answeredBy = event.actor;
      }
      const body = order.accountable.department;
      ctx.log({
        type: 'supervision-answered',
        step: stepId,
        actor: event.actor,
        deadline: order.deadlineId,
        message: `${body ? bodyName(ctx.state, body) : '承办机关'}书面反馈督办事项（${order.article}，督办于 ${civilDate(order.armedAt)}，期限 ${order.calculation?.lastDay ?? '未计算'}）`,
        data: { key: order.key, department: body ?? null, late: order.status === 'missed' },
      });
      return;
    }
    case 'recuse': {
      const id = event.actor.id;
      if (!id) throw new EngineError(`action "${action.id}" needs an actor with a user id`);
      const reason = String(input['reason'] ?? '');
      (ctx.state.recusals ??= []).push({ id, at: event.at, reason, article: effect.article });
      ctx.log({
        type: 'recused',
        step: stepId,
        actor: event.actor,
        message: `${id} 回避，此后不得办理本信访事项：${reason}（${effect.article}）`,
        data: { id },
      });
      return;
    }
    case 'escalate': {
      const message = renderTemplate(effect.message, { reason: String(input['reason'] ?? '') });
      const department = holderOf(ctx.index, ctx.state) ?? handlingBody(ctx.index, ctx.state.variables);
      ctx.state.seq += 1;
      ctx.emit({
        type: 'escalate',
        reason: 'raised',
        key: `${action.id}#${ctx.state.seq}`,
        step: stepId,
        department,
        message,
      });
      ctx.log({
        type: 'escalated',
        step: stepId,
        actor: event.actor,
        message: `已即时报告${department ? `${bodyName(ctx.state, department)}的` : ''}督办联系人：${message}`,
        data: { department: department ?? null },
      });
      return;
    }
    case 'evaluate':
      ctx.state.metrics.satisfaction = String(input['rating'] ?? '');
      return;
  }
}

/**
 * Records an accountable failure (type `accountability`): the body, what it failed to do, the period concerned with
 * its article and dates, and the article that makes it accountable.
 */
function recordAccountability(
  ctx: Ctx,
  declared: Accountability,
  facts: { body?: string; period?: DeadlineState; actor?: ActionEvent['actor'] },
): void {
  const { body, period } = facts;
  const name = body ? bodyName(ctx.state, body) : (declared.bodyName ?? '承办机关');
  const dates = period
    ? `${period.name}（${period.article}）自${civilDate(period.from)}起算，${period.calculation?.lastDay ?? '未计算'}届满`
    : '';
  ctx.log({
    type: 'accountability',
    ...(period && { step: period.step, deadline: period.deadlineId }),
    ...(facts.actor && { actor: facts.actor }),
    message: `问责记录：${name}${declared.failure}${dates ? `——${dates}` : ''}；${civilDate(ctx.at)}记录（${declared.article}）`,
    data: {
      failure: declared.failure,
      article: declared.article,
      body: body ?? null,
      bodyName: name,
      period: period?.name ?? null,
      periodArticle: period?.article ?? null,
      from: period?.from ?? null,
      lastDay: period?.calculation?.lastDay ?? null,
      dueAt: period?.calculation?.dueAt ?? null,
      at: ctx.at,
    },
  });
}

/** What the registry said of bodies, kept for the documents; a body it does not know is signed by its code. */
function learnBodies(ctx: Ctx, bodies: Record<string, BodyFacts | null> | undefined): void {
  for (const [code, facts] of Object.entries(bodies ?? {})) {
    if (facts) {
      (ctx.state.bodies ??= {})[code] = facts;
    } else if (!ctx.state.bodies?.[code]) {
      ctx.log({
        type: 'activity',
        message: `${code} 未在机构名录中登记，文书暂以机构代码署名`,
        data: { department: code, registered: false },
      });
    }
  }
}

/**
 * The first receipt of each body (assignees' `receipt`): when an event sets a receipt variable (a delivery reached
 * the body its holder variable names), the variable is set to that body's first receipt, or this one is recorded as
 * the first.
 */
function recordReceipts(ctx: Ctx, assigned: Record<string, unknown>): void {
  for (const declaration of Object.values(ctx.index.definition.assignees)) {
    const { holder, receipt } = declaration ?? {};
    if (!holder || !receipt || !(receipt in assigned)) continue;
    const code = ctx.state.variables[holder];
    if (typeof code !== 'string' || code.length === 0) continue;
    const given = assigned[receipt];
    const first =
      ctx.state.receipts?.[code] ??
      (typeof given === 'string' && !Number.isNaN(Date.parse(given))
        ? new Date(Date.parse(given)).toISOString()
        : ctx.at);
    (ctx.state.receipts ??= {})[code] = first;
    ctx.state.variables[receipt] = first;
  }
}

function fireTimers(ctx: Ctx): void {
  const now = Date.parse(ctx.at);
  const index = ctx.index;
  for (const d of [...activeDeadlines(ctx.state)]) {
    if (d.graceEndsAt && d.missedAt && !d.closedAt && now >= Date.parse(d.graceEndsAt)) {
      // A window judged on receipt: its late-entry grace is over; the outcome is dated at the window's end.
      const onExpiry = index.deadline(d.step, d.deadlineId)?.onExpiry;
      if (onExpiry?.kind === 'follow' && ctx.state.status === 'open' && ctx.state.token === d.step) {
        ctx.outcomeAt = d.missedAt;
        ctx.moveTo(onExpiry.to);
        ctx.outcomeAt = undefined;
      }
      continue;
    }
    if (d.status !== 'running' || !d.calculation || d.closedAt) continue;
    const due = Date.parse(d.calculation.dueAt);
    const def = d.supervision ? undefined : index.deadline(d.step, d.deadlineId);
    const warnings = def?.warnings ?? [];
    const fresh = warnings.filter((w) => !d.warned.includes(w) && due - w * DAY_MS <= now);
    if (fresh.length > 0 && now < due) {
      d.warned.push(...fresh);
      const daysBefore = Math.min(...fresh);
      ctx.log({
        type: 'warning',
        step: d.step,
        deadline: d.deadlineId,
        message: `${d.name}将于 ${d.calculation.lastDay} 届满（剩余不足${daysBefore}日，${d.article}）`,
      });
      ctx.emit({
        type: 'warn',
        key: d.key,
        daysBefore,
        step: d.step,
        department: d.accountable.department,
        message: `${d.name}将于 ${d.calculation.lastDay} 届满（${d.article}）`,
      });
    } else if (fresh.length > 0) {
      d.warned.push(...fresh);
    }
    if (now < due || d.missedAt) continue;
    d.missedAt = d.calculation.dueAt;
    d.status = 'missed';
    const who = d.accountable.department ?? d.accountable.assignee;
    const grace = def?.lateEntry;
    if (grace) d.graceEndsAt = new Date(due + grace.graceDays * DAY_MS).toISOString();
    ctx.log({
      type: 'deadline-missed',
      step: d.step,
      deadline: d.deadlineId,
      message: d.bodyDeadline
        ? `${d.name}已逾期：${who} 未在 ${d.calculation.lastDay} 前完成环节「${d.step}」（${d.article}）`
        : `${d.name}已届满（${d.calculation.lastDay}，${d.article}）` +
          (grace ? `；期间内收到的请求仍可于 ${civilDate(d.graceEndsAt!)} 前登记` : ''),
      data: { key: d.key, accountable: d.accountable, dueAt: d.calculation.dueAt },
    });
    const accountability = def?.accountability ?? d.accountability;
    if (accountability && d.bodyDeadline) {
      recordAccountability(ctx, accountability, { body: d.accountable.department, period: d });
    }
    const onExpiry = def?.onExpiry ?? { kind: 'overdue' as const, escalate: true };
    if (onExpiry.kind === 'overdue' && onExpiry.escalate) {
      ctx.emit({
        type: 'escalate',
        reason: 'overdue',
        key: d.key,
        step: d.step,
        department: d.accountable.department,
        message: `${d.name}逾期：${who}，环节「${d.step}」，期限 ${d.calculation.lastDay}（${d.article}）`,
      });
      ctx.log({
        type: 'escalated',
        step: d.step,
        deadline: d.deadlineId,
        message: `已向督办部门报告逾期：${who}`,
      });
    }
    if (onExpiry.kind === 'follow' && !grace && ctx.state.status === 'open' && ctx.state.token === d.step) {
      ctx.moveTo(onExpiry.to);
    }
  }
}

/** What stops a deadline's clock, as its definition names it (e.g. 听证). */
function pauseName(index: DefinitionIndex, d: DeadlineState): string | undefined {
  return index.deadline(d.step, d.deadlineId)?.pause?.name;
}

/** Whether the definition counts a pause of this deadline inclusively (every civil day it touches). */
function inclusivePause(index: DefinitionIndex, d: DeadlineState): boolean {
  return !d.supervision && index.deadline(d.step, d.deadlineId)?.pause?.counting === 'inclusive';
}

/** The deadline timers the workflow should wait for next: the earliest warning or due instant still ahead. */
export function nextWakeAt(definition: Definition, state: PetitionState): string | undefined {
  if (state.status === 'closed') return undefined;
  const index = indexDefinition(definition);
  let next: number | undefined;
  for (const d of activeDeadlines(state)) {
    if (d.graceEndsAt && d.missedAt && !d.closedAt) {
      const end = Date.parse(d.graceEndsAt);
      if (next === undefined || end < next) next = end;
      continue;
    }
    if (d.status !== 'running' || !d.calculation || d.missedAt || d.closedAt) continue;
    const due = Date.parse(d.calculation.dueAt);
    const def = d.supervision ? undefined : index.deadline(d.step, d.deadlineId);
    const candidates = [
      due,
      ...(def?.warnings ?? []).filter((w) => !d.warned.includes(w)).map((w) => due - w * DAY_MS),
    ];
    for (const c of candidates) if (next === undefined || c < next) next = c;
  }
  return next === undefined ? undefined : new Date(next).toISOString();
}

/** The Asia/Shanghai civil day of an instant, as a day number (days since 1970-01-01). */
function civilDay(iso: string): number {
  return Math.floor((Date.parse(iso) + 8 * 3_600_000) / DAY_MS);
}

/** The Asia/Shanghai civil date of an instant, `YYYY-MM-DD`. */
function civilDate(iso: string): string {
  return new Date(civilDay(iso) * DAY_MS).toISOString().slice(0, 10);
}

/**
 * Days a pause takes out of a period, in Asia/Shanghai civil days. Inclusively (as the statutory default declares
 * for the hearing of Art. 36): every day the pause touches, 3–4 March counting 2 and a single day 1. Otherwise, as
 * definitions written before declared nothing: from the day after the pause began to the day it ended, at least 1.
 */
export function pausedDaysBetween(from: string, to: string, inclusive = false): number {
  const days = civilDay(to) - civilDay(from);
  return inclusive ? days + 1 : Math.max(1, days);
}

function normaliseValue(value: unknown): unknown {
  if (value === undefined) return null;
  if (value !== null && typeof value === 'object' && 'toString' in value && !Array.isArray(value)) {
    const s = String(value);
    return s === '[object Object]' ? value : s;
  }
  return value;
}

/** Free text is kept (it is the record), but long texts are summarised in the timeline entry. */
function redactInput(input: Record<string, unknown>): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(input)) {
    out[k] = typeof v === 'string' && v.length > 200 ? `${v.slice(0, 200)}…` : v;
  }
  return out;
}
