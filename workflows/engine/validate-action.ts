import type { Action, Field, GlobalAction } from '../../definitions/language/schema';
import { indexDefinition } from './definition-index';
import { evalFeel, feelHolds } from './feel';
import { bodyName, feelContext, holderOf } from './context';
import type { ActionEvent, Definition, DeadlineState, PetitionState, Refusal } from './types';
import { FailureType } from '../failure-types';

/** The actions a given role may take now (for the query view and for error messages). */
export function availableActions(definition: Definition, state: PetitionState, role?: string): string[] {
  if (state.status === 'closed') return [];
  const index = indexDefinition(definition);
  return index
    .actionsOf(state.token)
    .filter((a) => role === undefined || index.overrideRoles.has(role) || a.roles.includes(role))
    .filter((a) => a.effect?.type !== 'answer-supervision' || awaitsAnswer(state, a.id))
    .map((a) => a.id);
}

/** Whether a supervision order answered by this action is open (the answer is offered only then). */
function awaitsAnswer(state: PetitionState, actionId: string): boolean {
  return state.deadlines.some((d) => d.supervision && d.answeredBy === actionId && d.closedAt === undefined);
}

/**
 * Decides whether an action may be applied now. Pure: the Update validator calls it, so a refused action never
 * reaches history. Returns the normalised input when accepted.
 */
export function checkAction(
  definition: Definition,
  state: PetitionState,
  event: Pick<ActionEvent, 'action' | 'actor' | 'input' | 'at'>,
):
  | { ok: true; action: Action | GlobalAction; input: Record<string, unknown> }
  | { ok: false; refusal: Refusal } {
  const index = indexDefinition(definition);
  const refuse = (type: Refusal['type'], message: string, details?: Record<string, unknown>) =>
    ({ ok: false, refusal: { type, message, details } }) as const;

  if (state.status === 'closed') {
    const end = state.outcome ? index.element(state.outcome.endEvent) : undefined;
    const note = end?.type === 'endEvent' ? end.refusalNote : undefined;
    return refuse(
      FailureType.PetitionClosed,
      `Petition ${state.petitionId} is closed (${state.outcome?.outcome ?? 'ended'}); no further action is possible.` +
        (note ? ` ${note}` : ''),
      { outcome: state.outcome?.outcome },
    );
  }
  const recusal = event.actor.id ? state.recusals?.find((r) => r.id === event.actor.id) : undefined;
  if (recusal) {
    return refuse(
      FailureType.Forbidden,
      `User "${recusal.id}" recused themselves from petition ${state.petitionId} on ${recusal.at} (${recusal.article}); they may not act on it.`,
      { article: recusal.article },
    );
  }
  const step = index.userTask(state.token);
  const stepName = step?.name ?? state.token;
  const offered = index.actionsOf(state.token);
  const action = offered.find((a) => a.id === event.action);
  if (!action) {
    return refuse(
      FailureType.ActionNotAllowed,
      `Action "${event.action}" is not allowed in step "${state.token}" (${stepName}). Allowed now: ${
        offered.map((a) => a.id).join(', ') || 'none'
      }.`,
      { step: state.token, allowedActions: offered.map((a) => a.id) },
    );
  }
  const role = event.actor.role;
  if (!index.overrideRoles.has(role) && !action.roles.includes(role)) {
    return refuse(
      FailureType.Forbidden,
      `Role "${role}" may not take action "${action.id}" in step "${state.token}"; it is reserved for: ${action.roles.join(', ')}.`,
      { step: state.token, action: action.id, roles: action.roles },
    );
  }
  const acting = step ? index.assignee(step.assignee) : undefined;
  const holderVariable = acting?.holder;
  if (holderVariable && role === acting.role && action.roles.includes(role)) {
    const holder = state.variables[holderVariable];
    if (typeof holder === 'string' && event.actor.department !== holder) {
      return refuse(
        FailureType.Forbidden,
        `Step "${state.token}" is held by "${holder}"; staff of "${event.actor.department ?? 'no body'}" may not act on it.`,
        { step: state.token, department: holder },
      );
    }
  }

  const parsed = normaliseInput(action, event.input);
  if (!parsed.ok) return refuse(FailureType.InvalidInput, parsed.message, { field: parsed.field });
  const input = parsed.input;

  const ctx = feelContext(state, input, event.at, holderOf(index, state));
  const outOfBounds = checkBounds(action, input, ctx);
  if (outOfBounds) return refuse(FailureType.InvalidInput, outOfBounds.message, { field: outOfBounds.field });
  for (const guard of action.guards) {
    if (!feelHolds(guard.condition, ctx)) {
      return refuse(FailureType.StatutoryRule, `${guard.message}（${guard.article}）`, {
        article: guard.article,
      });
    }
  }

  const now = Date.parse(event.at);
  for (const deadline of activeDeadlines(state)) {
    const def = index.deadline(deadline.step, deadline.deadlineId);
    if (!def || !def.refuseAfter.includes(action.id)) continue;
    const due = deadline.calculation?.dueAt;
    // A window judged on receipt (`lateEntry`) looks at when the request was received, not when it is entered.
    const received = def.lateEntry ? input[def.lateEntry.field] : undefined;
    const judged = typeof received === 'string' ? Date.parse(received) : now;
    if (due && judged >= Date.parse(due)) {
      return refuse(
        FailureType.StatutoryRule,
        `Action "${action.id}" is refused: the period "${deadline.name}" (${deadline.duration + deadline.extendedDays} ${
          deadline.counting === 'working-days' ? 'working days' : 'days'
        }, ${deadline.article}) ended on ${deadline.calculation?.lastDay} (due ${due})` +
          (def.lateEntry
            ? `, and the request was ${typeof received === 'string' ? 'received' : 'entered'} after it.`
            : '.'),
        { article: deadline.article, deadline: deadline.deadlineId, dueAt: due },
      );
    }
  }

  if (action.effect?.type === 'answer-supervision') {
    const awaited = awaitedSupervision(state, action.id, event.actor, index.overrideRoles);
    if (!awaited) {
      const open = state.deadlines.filter(
        (d) => d.supervision && d.answeredBy === action.id && d.closedAt === undefined,
      );
      const addressee = open[0]?.accountable.department;
      return open.length === 0
        ? refuse(
            FailureType.ActionNotAllowed,
            `No supervision order of petition ${state.petitionId} awaits an answer.`,
            {
              step: state.token,
            },
          )
        : refuse(
            FailureType.Forbidden,
            `The supervision order is addressed to ${addressee ? `${bodyName(state, addressee)} (${addressee})` : 'another body'}; staff of "${event.actor.department ?? 'no body'}" may not answer it.`,
            { department: addressee },
          );
    }
  }
  if (action.effect?.type === 'recuse' && !event.actor.id) {
    return refuse(
      FailureType.Forbidden,
      `Action "${action.id}" records who recuses themselves: it needs a caller with a user id (a staff token).`,
      { article: action.effect.article },
    );
  }

  const effect = action.effect;
  if (effect && (effect.type === 'extend' || effect.type === 'pause' || effect.type === 'resume')) {
    const target = activeDeadlines(state).find((d) => d.deadlineId === effect.deadline);
    if (!target) {
      return refuse(
        FailureType.ActionNotAllowed,
        `Action "${action.id}" needs the deadline "${effect.deadline}" to be running, and it is not in step "${state.token}".`,
        { step: state.token, deadline: effect.deadline },
      );
    }
    const def = index.deadline(target.step, target.deadlineId);
    if (effect.type === 'extend') {
      const ext = def?.extension;
      if (!ext) {
        return refuse(
          FailureType.StatutoryRule,
          `The deadline "${target.name}" cannot be extended (${target.article}).`,
          {
            article: target.article,
          },
        );
      }
      if (target.extensions.length >= ext.maxTimes) {
        return refuse(
          FailureType.StatutoryRule,
          `The deadline "${target.name}" was already extended ${target.extensions.length} time(s); at most ${ext.maxTimes} extension(s) are allowed (${target.article}).`,
          { article: target.article },
        );
      }
      const days = input['days'];
      if (typeof days !== 'number' || !Number.isInteger(days) || days < 1 || days > ext.maxDays) {
        return refuse(
          FailureType.StatutoryRule,
          `An extension of "${target.name}" must be between 1 and ${ext.maxDays} days (${target.article}); got ${String(days)}.`,
          { article: target.article, field: 'days' },
        );
      }
      if (ext.reasonRequired && !(typeof input['reason'] === 'string' && input['reason'].trim())) {
        return refuse(
          FailureType.StatutoryRule,
          `An extension of "${target.name}" must state its reason, which is told to the petitioner (${target.article}).`,
          { article: target.article, field: 'reason' },
        );
      }
      if (!index.overrideRoles.has(role) && !ext.approvalRoles.includes(role)) {
        return refuse(
          FailureType.Forbidden,
          `Extending "${target.name}" needs the approval of: ${ext.approvalRoles.join(', ')} (${target.article}).`,
          { article: target.article },
        );
      }
      if (target.missedAt) {
        return refuse(
          FailureType.StatutoryRule,
          `The deadline "${target.name}" already passed on ${target.calculation?.lastDay}; an extension must be approved before it expires (${target.article}).`,
          { article: target.article },
        );
      }
    }
    if (effect.type === 'pause' && target.status === 'paused') {
      return refuse(
        FailureType.ActionNotAllowed,
        `The deadline "${target.name}" is already paused (since ${target.pausedAt}).`,
        {
          deadline: target.deadlineId,
        },
      );
    }
    if (effect.type === 'resume' && target.status !== 'paused') {
      return refuse(
        FailureType.ActionNotAllowed,
        `The deadline "${target.name}" is not paused; nothing to resume.`,
        {
          deadline: target.deadlineId,
        },
      );
    }
  }
  const paused = pausingDeadline(state, index, action.id);
  if (paused) {
    const pause = index.deadline(paused.step, paused.deadlineId)?.pause;
    return refuse(
      FailureType.ActionNotAllowed,
      `Action "${action.id}" is not allowed while the deadline "${paused.name}" is paused${pause?.name ? ` (${pause.name})` : ''}; resume it first${pause ? ` (${pause.end})` : ''}.`,
      { step: state.token },
    );
  }
  return { ok: true, action, input };
}

/**
 * A step's deadline that is paused (a hearing) blocks the step's completing actions until it resumes: the paused
 * deadline, when the action is one of them.
 */
function pausingDeadline(
  state: PetitionState,
  index: ReturnType<typeof indexDefinition>,
  actionId: string,
): DeadlineState | undefined {
  const task = index.userTask(state.token);
  if (!task) return undefined;
  const action = task.actions.find((a) => a.id === actionId);
  if (!action?.to) return undefined;
  return activeDeadlines(state).find((d) => d.status === 'paused' && d.step === state.token);
}

/**
 * The bounds a datetime field declares (`notBefore`, `notAfter`: FEEL over the state, `input` and `actionTime`):
 * the field and a message naming the bound, never the value given.
 */
function checkBounds(
  action: Action | GlobalAction,
  input: Record<string, unknown>,
  context: Record<string, unknown>,
): { field: string; message: string } | undefined {
  for (const [name, field] of Object.entries(action.fields)) {
    const value = input[name];
    if (field.type !== 'datetime' || typeof value !== 'string') continue;
    const at = Date.parse(value);
    for (const [bound, word] of [
      ['notBefore', 'earlier than'],
      ['notAfter', 'later than'],
    ] as const) {
      const expression = field[bound];
      if (expression === undefined) continue;
      const limit = evalFeel(expression, context);
      const ms = limit === null || limit === undefined ? Number.NaN : Date.parse(String(limit));
      if (Number.isNaN(ms)) continue;
      if (bound === 'notBefore' ? at < ms : at > ms) {
        return {
          field: name,
          message: `Field "${name}" of action "${action.id}" must not be ${word} ${new Date(ms).toISOString()}${
            field.description ? ` (${field.description})` : ''
          }.`,
        };
      }
    }
  }
  return undefined;
}

/**
 * The open supervision order an answer action meets for this actor: the oldest addressed to the actor's body (any,
 * for an order that names no body or an administrator).
 */
export function awaitedSupervision(
  state: PetitionState,
  actionId: string,
  actor: ActionEvent['actor'],
  overrideRoles: ReadonlySet<string> = new Set(),
): DeadlineState | undefined {
  return state.deadlines.find(
    (d) =>
      d.supervision &&
      d.answeredBy === actionId &&
      d.closedAt === undefined &&
      d.status !== 'cancelled' &&
      (d.accountable.department === undefined ||
        overrideRoles.has(actor.role) ||
        d.accountable.department === actor.department),
  );
}

/** Deadlines still armed (running or paused), whatever their due state. */
export function activeDeadlines(state: PetitionState): DeadlineState[] {
  return state.deadlines.filter(
    (d) =>
      d.status === 'pending' ||
      d.status === 'running' ||
      d.status === 'paused' ||
      (d.status === 'missed' && !d.closedAt),
  );
}

type Normalised =
  { ok: true; input: Record<string, unknown> } | { ok: false; field: string; message: string };

/** Checks an action's input against its declared fields; unknown fields are refused so typos surface. */
export function normaliseInput(
  action: Action | GlobalAction,
  raw: Record<string, unknown> | undefined,
): Normalised {
  const input = raw ?? {};
  const out: Record<string, unknown> = {};
  for (const key of Object.keys(input)) {
    if (!(key in action.fields)) {
      return {
        ok: false,
        field: key,
        message: `Field "${key}" is not accepted by action "${action.id}"; accepted fields: ${Object.keys(action.fields).join(', ') || 'none'}.`,
      };
    }
  }
  for (const [name, field] of Object.entries(action.fields)) {
    const value = input[name];
    if (value === undefined || value === null || value === '') {
      if (field.required) {
        return {
          ok: false,
          field: name,
          message: `Field "${name}" is required by action "${action.id}"${describe(field)}.`,
        };
      }
      continue;
    }
    const checked = checkField(action.id, name, field, value);
    if (!checked.ok) return checked;
    out[name] = checked.value;
  }
  return { ok: true, input: out };
}

function describe(field: Field): string {
  if (field.type === 'enum' && field.values) return ` (one of: ${field.values.join(', ')})`;
  return ` (${field.type})`;
}

/** What a value is, without what it says: `a string of 25001 characters`, `a number`, `an object`. */
function kindOf(value: unknown): string {
  if (typeof value === 'string') return `a string of ${[...value].length} characters`;
  if (typeof value === 'number') return Number.isInteger(value) ? 'an integer' : 'a number';
  if (typeof value === 'boolean') return 'true or false';
  if (Array.isArray(value)) return `a list of ${value.length} items`;
  if (value === null) return 'null';
  return `${typeof value === 'object' ? 'an object' : typeof value}`;
}

function checkField(
  action: string,
  name: string,
  field: Field,
  value: unknown,
): { ok: true; value: unknown } | { ok: false; field: string; message: string } {
  // The value itself is never quoted: a refusal is logged, answered and kept as a failure, and the value may be what a
  // petitioner wrote (docs/security.md). Its kind and size say enough to fix the request.
  const bad = (expected: string, got = kindOf(value)) => ({
    ok: false as const,
    field: name,
    message: `Field "${name}" of action "${action}" must be ${expected}; got ${got}.`,
  });
  switch (field.type) {
    case 'string':
    case 'text': {
      if (typeof value !== 'string') return bad('a string');
      const max = field.maxLength ?? (field.type === 'string' ? 500 : 20000);
      if (value.length > max) return bad(`at most ${max} characters`);
      return { ok: true, value: value.trim() };
    }
    case 'integer': {
      if (typeof value !== 'number' || !Number.isInteger(value)) return bad('an integer');
      if (field.min !== undefined && value < field.min) return bad(`at least ${field.min}`, 'a smaller one');
      if (field.max !== undefined && value > field.max) return bad(`at most ${field.max}`, 'a larger one');
      return { ok: true, value };
    }
    case 'boolean':
      return typeof value === 'boolean' ? { ok: true, value } : bad('true or false');
    case 'datetime': {
      if (
        typeof value !== 'string' ||
        !/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2}(\.\d+)?)?(Z|[+-]\d{2}:\d{2})$/.test(value)
      ) {
        return bad('an ISO 8601 instant with offset, e.g. 2026-03-01T09:30:00+08:00');
      }
      const ms = Date.parse(value);
      if (Number.isNaN(ms)) return bad('a valid ISO 8601 instant');
      return { ok: true, value: new Date(ms).toISOString() };
    }
    case 'enum':
      return typeof value === 'string' && (field.values ?? []).includes(value)
        ? { ok: true, value }
        : bad(
            `one of: ${(field.values ?? []).join(', ')}`,
            typeof value === 'string' ? 'another string' : undefined,
          );
  }
}

/**
 * The fields of an action that name a body: those the action assigns, unchanged, to a variable that names a step's
 * holder (`department: input.department` in forwarding). The API checks them against the department registry before
 * the action is sent. Every action with this id counts, whichever step offers it.
 */
export function bodyFieldsOf(written: Definition, actionId: string): string[] {
  const { definition } = indexDefinition(written);
  const holders = new Set(
    Object.values(definition.assignees ?? {}).flatMap((a) => (a?.holder ? [a.holder] : [])),
  );
  const actions = [
    ...definition.elements.flatMap((e) => (e.type === 'userTask' ? e.actions : [])),
    ...definition.globalActions,
  ].filter((a) => a.id === actionId);
  const fields = new Set<string>();
  for (const action of actions) {
    for (const [variable, expression] of Object.entries(action.set ?? {})) {
      const field = /^\s*input\.([A-Za-z_$][A-Za-z0-9_$]*)\s*$/.exec(expression)?.[1];
      if (holders.has(variable) && field && field in action.fields) fields.add(field);
    }
  }
  return [...fields];
}
