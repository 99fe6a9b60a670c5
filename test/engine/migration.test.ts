/**
 * The pure decision of a definition migration (`migrateState`, `settleMigration`, `stateFromView`): what a move keeps
 * (each running deadline's start, approved extensions and paused days — its elapsed budget), what it changes (the
 * period, recomputed on the legal calendar), what it arms and cancels, and what it refuses. Run on the
 * migration-drill definition: version 2 lengthens both periods, adds a first-contact period to the intake, renames
 * `handle` to `processing` and drops `parked`.
 */
import { describe, expect, it } from 'vitest';
import { calculateDeadline, defaultCalendarData } from '../../definitions/calendar';
import type { Definition } from '../../definitions/language/schema';
import {
  checkAction,
  migrateState,
  settleMigration,
  stateFromView,
  step,
  viewOf,
  type Actor,
  type DeadlineRequest,
  type EngineEvent,
  type MigrationOptions,
  type PetitionState,
} from '../../workflows/engine';
import { FailureType } from '../../workflows/failure-types';
import { drillDefinition } from '../migrations/drill';

const calendar = defaultCalendarData();
const compute = (request: DeadlineRequest) => calculateDeadline(request, calendar);
const v1 = drillDefinition(1);
const v2 = drillDefinition(2);
const registrar: Actor = { role: 'registrar', id: 'u-reg' };
const staff: Actor = { role: 'department', id: 'u-d1', department: 'D1' };
const designer: Actor = { role: 'designer', id: 'u-designer' };

const DAY = 86_400_000;
/** An instant `days` after 2026-03-02T09:00+08:00 (a Monday), plus `hours`. */
const day = (days: number, hours = 0) =>
  new Date(Date.parse('2026-03-02T01:00:00.000Z') + days * DAY + hours * 3_600_000).toISOString();

/** A petition of migration-drill@1, driven through the interpreter with the real legal calendar. */
class Petition {
  state!: PetitionState;
  constructor(public definition: Definition = v1.definition) {}

  apply(event: EngineEvent): this {
    const result = step(this.definition, this.state, event);
    this.state = result.state;
    for (const c of result.commands)
      if (c.type === 'compute-deadline')
        this.apply({ type: 'deadline-computed', at: event.at, key: c.key, calculation: compute(c.request) });
    return this;
  }

  act(at: string, action: string, actor: Actor, input: Record<string, unknown> = {}): this {
    const checked = checkAction(this.definition, this.state, { action, actor, input, at });
    if (!checked.ok) throw new Error(`${checked.refusal.type}: ${checked.refusal.message}`);
    return this.apply({ type: 'action', at, action, actor, input: checked.input });
  }

  deadline(id: string) {
    return this.state.deadlines.filter((d) => d.deadlineId === id).at(-1)!;
  }

  static registered(receivedDaysAgo = 0): Petition {
    return new Petition().apply({
      type: 'start',
      at: day(0),
      petitionId: 'P-MIG-1',
      definitionHash: v1.hash,
      petition: {
        category: 'complaint',
        channel: 'letter',
        subject: '道路维修',
        content: '门前道路损坏多年未修。',
        receivedAt: day(-receivedDaysAgo),
        petitioner: { name: '张三', address: '北京市东城区某街1号' },
      },
      actor: registrar,
    });
  }
}

const options = (at: string, over: Partial<MigrationOptions> = {}): MigrationOptions => ({
  toHash: v2.hash,
  at,
  actor: designer,
  migrationId: 'm-test',
  ...over,
});

/** The last day of a period counted on the legal calendar, as the workflow's activity would compute it. */
const lastDay = (
  request: Omit<DeadlineRequest, 'extensionDays' | 'pausedDays' | 'article'> & Partial<DeadlineRequest>,
) => compute({ extensionDays: 0, pausedDays: 0, article: 'x', ...request }).lastDay;

describe('migrateState: a running deadline keeps its elapsed budget', () => {
  it('keeps the start of a period counted from receipt and gives it the new duration, recomputed on the legal calendar', () => {
    const p = Petition.registered(6);
    const before = p.deadline('intake-period');
    expect(before.duration).toBe(15);

    const moved = migrateState(v1.definition, v2.definition, p.state, options(day(4)));
    expect(moved.ok).toBe(true);
    if (!moved.ok) return;
    const after = moved.state.deadlines.find((d) => d.key === before.key)!;
    expect(after).toMatchObject({
      from: before.from,
      pausedDays: 0,
      extendedDays: 0,
      duration: 20,
      status: 'running',
    });
    expect(moved.commands).toContainEqual({
      type: 'compute-deadline',
      key: before.key,
      request: {
        from: before.from,
        duration: 20,
        counting: 'calendar-days',
        extensionDays: 0,
        pausedDays: 0,
        article: '演练规则第一条',
      },
    });
    expect(moved.plan.deadlines.find((d) => d.key === before.key)?.fate).toBe('changed');

    const settled = settleMigration(v1.definition, v2.definition, p.state, options(day(4)), compute);
    if (!settled.ok) throw new Error(settled.refusal.message);
    const recomputed = settled.state.deadlines.find((d) => d.key === before.key)!;
    expect(recomputed.calculation?.lastDay).toBe(
      lastDay({ from: before.from, duration: 20, counting: 'calendar-days' }),
    );
    expect(Date.parse(recomputed.calculation!.dueAt)).toBeGreaterThan(Date.parse(before.calculation!.dueAt));
  });

  it('arms a deadline only the new version has in the step, counted from when the petition entered it', () => {
    const p = Petition.registered(2);
    const settled = settleMigration(v1.definition, v2.definition, p.state, options(day(3)), compute);
    if (!settled.ok) throw new Error(settled.refusal.message);
    const contact = settled.state.deadlines.find((d) => d.deadlineId === 'first-contact')!;
    expect(contact).toMatchObject({
      step: 'intake',
      from: day(0),
      armedAt: day(3),
      duration: 5,
      counting: 'working-days',
    });
    expect(contact.status).toBe('running');
    expect(contact.calculation?.lastDay).toBe(
      lastDay({ from: day(0), duration: 5, counting: 'working-days' }),
    );
    expect(settled.plan.deadlines.find((d) => d.id === 'first-contact')?.fate).toBe('armed');
    expect(
      settled.state.timeline.some((e) => e.type === 'deadline-armed' && e.deadline === 'first-contact'),
    ).toBe(true);
  });

  it('moves the token through stepMap and keeps the days a hearing paused the period out of the new one', () => {
    const p = Petition.registered(1)
      .act(day(1), 'forward', registrar, { department: 'D1' })
      .act(day(3), 'hearing-start', staff)
      .act(day(8), 'hearing-end', staff);
    const before = p.deadline('handling');
    expect(before).toMatchObject({ from: day(1), pausedDays: 5, status: 'running', duration: 30 });

    const settled = settleMigration(
      v1.definition,
      v2.definition,
      p.state,
      options(day(10), { stepMap: { handle: 'processing' } }),
      compute,
    );
    if (!settled.ok) throw new Error(settled.refusal.message);
    expect(settled.state.token).toBe('processing');
    expect(settled.plan.step).toEqual({ from: 'handle', to: 'processing' });
    const after = settled.state.deadlines.find((d) => d.key === before.key)!;
    expect(after).toMatchObject({
      step: 'processing',
      from: day(1),
      pausedDays: 5,
      pausedMs: 5 * DAY,
      duration: 45,
    });
    expect(after.calculation?.lastDay).toBe(
      lastDay({ from: day(1), duration: 45, counting: 'calendar-days', pausedDays: 5 }),
    );
  });

  it('leaves a paused deadline paused, and the new period counts from the same start when the hearing ends', () => {
    const p = Petition.registered(1)
      .act(day(1), 'forward', registrar, { department: 'D1' })
      .act(day(3), 'hearing-start', staff);
    const moved = migrateState(
      v1.definition,
      v2.definition,
      p.state,
      options(day(4), { stepMap: { handle: 'processing' } }),
    );
    if (!moved.ok) throw new Error(moved.refusal.message);
    const paused = moved.state.deadlines.find((d) => d.deadlineId === 'handling')!;
    expect(paused).toMatchObject({ status: 'paused', pausedAt: day(3), duration: 45, from: day(1) });
    expect(moved.commands.filter((c) => c.type === 'compute-deadline')).toEqual([]);

    // Under version 2 now: the hearing ends on day 9, six days out of the period.
    const after = new Petition(v2.definition);
    after.state = moved.state;
    after.act(day(9), 'hearing-end', staff);
    const resumed = after.deadline('handling');
    expect(resumed).toMatchObject({ status: 'running', pausedDays: 6, duration: 45 });
    expect(resumed.calculation?.lastDay).toBe(
      lastDay({ from: day(1), duration: 45, counting: 'calendar-days', pausedDays: 6 }),
    );
  });

  it('leaves met and missed deadlines as they were', () => {
    // Received 20 days ago: the 15-day intake period is missed; forwarding closes it late.
    const p = Petition.registered(20).apply({ type: 'timer-fired', at: day(0, 1) });
    const missed = p.deadline('intake-period');
    expect(missed.status).toBe('missed');
    const stillIntake = migrateState(v1.definition, v2.definition, p.state, options(day(1)));
    if (!stillIntake.ok) throw new Error(stillIntake.refusal.message);
    expect(stillIntake.state.deadlines.find((d) => d.key === missed.key)).toEqual(missed);
    expect(stillIntake.commands.some((c) => c.type === 'compute-deadline' && c.key === missed.key)).toBe(
      false,
    );

    const forwarded = Petition.registered(2).act(day(1), 'forward', registrar, { department: 'D1' });
    const met = forwarded.deadline('intake-period');
    expect(met.status).toBe('met');
    const moved = migrateState(
      v1.definition,
      v2.definition,
      forwarded.state,
      options(day(2), { stepMap: { handle: 'processing' } }),
    );
    if (!moved.ok) throw new Error(moved.refusal.message);
    expect(moved.state.deadlines.find((d) => d.key === met.key)).toEqual(met);
  });

  it('records who moved the petition, when, from which version to which and the step mapping, once', () => {
    const p = Petition.registered(1).act(day(1), 'forward', registrar, { department: 'D1' });
    const moved = migrateState(
      v1.definition,
      v2.definition,
      p.state,
      options(day(2), { stepMap: { handle: 'processing' } }),
    );
    if (!moved.ok) throw new Error(moved.refusal.message);
    const entries = moved.state.timeline.filter((e) => e.type === 'migrated');
    expect(entries).toHaveLength(1);
    expect(entries[0]).toMatchObject({
      at: day(2),
      actor: designer,
      step: 'processing',
      data: {
        from: 'migration-drill@1',
        to: 'migration-drill@2',
        fromHash: v1.hash,
        toHash: v2.hash,
        step: { from: 'handle', to: 'processing' },
        stepMap: { handle: 'processing' },
        migrationId: 'm-test',
      },
    });
    expect(entries[0]!.message).toBe(
      '流程定义由 migration-drill@1 迁移至 migration-drill@2：环节「办理」→「办理」',
    );
    expect(moved.state.definition).toEqual({ id: 'migration-drill', version: 2, hash: v2.hash });
    // The input state is untouched: the decision is pure.
    expect(p.state.definition.version).toBe(1);
    expect(p.state.token).toBe('handle');
  });
});

describe('migrateState: what it refuses (nothing is changed)', () => {
  it('refuses a petition whose step has no counterpart in the new version, naming stepMap', () => {
    const p = Petition.registered(1).act(day(1), 'park', registrar);
    const refused = migrateState(v1.definition, v2.definition, p.state, options(day(2)));
    expect(refused).toEqual({
      ok: false,
      refusal: {
        type: FailureType.MigrationRefused,
        message:
          'Step "parked" (暂缓) has no counterpart in migration-drill@2: name the step it moves to in stepMap.',
        details: { reason: 'no-counterpart', petitionId: 'P-MIG-1', step: 'parked', target: 'parked' },
      },
    });
  });

  it('refuses a stepMap that sends the step to no step of the new version', () => {
    const p = Petition.registered(1).act(day(1), 'forward', registrar, { department: 'D1' });
    const refused = migrateState(
      v1.definition,
      v2.definition,
      p.state,
      options(day(2), { stepMap: { handle: 'handling' } }),
    );
    expect(refused.ok).toBe(false);
    if (refused.ok) return;
    expect(refused.refusal.message).toBe(
      'stepMap sends step "handle" (办理) to "handling", which is not a step of migration-drill@2.',
    );
  });

  it('moves a parked petition where stepMap sends it, and cancels the period the new step does not count', () => {
    const p = Petition.registered(1).act(day(1), 'park', registrar);
    const review = p.deadline('parked-review');
    const settled = settleMigration(
      v1.definition,
      v2.definition,
      p.state,
      options(day(2), { stepMap: { parked: 'intake' } }),
      compute,
    );
    if (!settled.ok) throw new Error(settled.refusal.message);
    expect(settled.state.token).toBe('intake');
    expect(settled.state.deadlines.find((d) => d.key === review.key)).toMatchObject({
      status: 'cancelled',
      closedAt: day(2),
    });
    // Entering the intake arms its periods as the interpreter would: the intake period from receipt again.
    const armed = settled.plan.deadlines.filter((d) => d.fate === 'armed').map((d) => d.id);
    expect(armed.sort()).toEqual(['first-contact', 'intake-period']);
    expect(settled.state.deadlines.find((d) => d.deadlineId === 'first-contact')?.from).toBe(day(1));
  });

  it('refuses a petition that follows another version than `from`', () => {
    const p = Petition.registered(1);
    const refused = migrateState(v2.definition, v1.definition, p.state, {
      ...options(day(1)),
      toHash: v1.hash,
    });
    expect(refused.ok).toBe(false);
    if (refused.ok) return;
    expect(refused.refusal).toMatchObject({
      type: FailureType.MigrationRefused,
      message: 'Petition P-MIG-1 follows migration-drill@1, not migration-drill@2; nothing was changed.',
      details: { reason: 'wrong-version', follows: 'migration-drill@1' },
    });
  });

  it('refuses a closed petition', () => {
    const p = Petition.registered(1)
      .act(day(1), 'forward', registrar, { department: 'D1' })
      .act(day(2), 'finish', staff);
    const refused = migrateState(v1.definition, v2.definition, p.state, options(day(3)));
    expect(refused.ok || refused.refusal.details).toMatchObject({ reason: 'closed' });
  });

  it('refuses to move a paused deadline onto a period the new version cannot resume', () => {
    const noPause = structuredClone(v2.definition);
    const processing = noPause.elements.find((e) => e.id === 'processing');
    if (processing?.type !== 'userTask') throw new Error('fixture');
    delete processing.deadlines[0]!.pause;
    const p = Petition.registered(1)
      .act(day(1), 'forward', registrar, { department: 'D1' })
      .act(day(3), 'hearing-start', staff);
    const refused = migrateState(
      v1.definition,
      noPause,
      p.state,
      options(day(4), { stepMap: { handle: 'processing' } }),
    );
    expect(refused.ok || refused.refusal.details).toMatchObject({
      reason: 'pause-not-declared',
      deadline: 'handling',
    });
  });
});

describe('stateFromView: the dry run reads petitions through their query', () => {
  it('rebuilds what migrateState reads, so the dry run decides the move the workflow makes', () => {
    const p = Petition.registered(3)
      .act(day(1), 'forward', registrar, { department: 'D1' })
      .act(day(3), 'hearing-start', staff)
      .act(day(5), 'hearing-end', staff);
    const opts = options(day(6), { stepMap: { handle: 'processing' } });
    const fromState = settleMigration(v1.definition, v2.definition, p.state, opts, compute);
    const fromView = settleMigration(
      v1.definition,
      v2.definition,
      stateFromView(v1.definition, viewOf(v1.definition, p.state)),
      opts,
      compute,
    );
    if (!fromState.ok || !fromView.ok) throw new Error('refused');
    const shape = (s: PetitionState) =>
      s.deadlines.map((d) => ({
        key: d.key,
        step: d.step,
        status: d.status,
        from: d.from,
        duration: d.duration,
        pausedDays: d.pausedDays,
        dueAt: d.calculation?.dueAt,
      }));
    expect(shape(fromView.state)).toEqual(shape(fromState.state));
    expect(fromView.plan).toEqual(fromState.plan);
    expect(fromView.state.seq).toBe(fromState.state.seq);
  });
});
