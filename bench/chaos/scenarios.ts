/**
 * The four chaos scenarios. Each runs against a {@link Stack}, injects one kind of fault under load, lets the
 * product recover, retries what got no answer (same Idempotency-Key) and checks, through the API and the histories,
 * that nothing accepted was lost or applied twice. Each returns its figures and the problems it found (none when the
 * product held); `npm run chaos` prints and stores them, the short test in `npm test` asserts on them.
 */
import { existsSync, mkdtempSync, readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { createBackup, restoreBackup } from '../../scripts/data-backup';
import {
  isAccepted,
  Ledger,
  mapLimit,
  sendAll,
  sleep,
  statusCounts,
  unexpected,
  type ActionIntent,
  type Attempt,
  type Intent,
  type RegistrationIntent,
} from './ledger';
import { Stack } from './stack';
import {
  checkActions,
  checkRegistrations,
  collectPetitions,
  unclaimedPetitions,
  type ActionFigures,
  type PetitionFacts,
  type RegistrationFigures,
} from './verify';

/** A department of the embedded default's seed (config/departments.seed.json) with a manual connector. */
export const CHAOS_DEPARTMENT = 'district-housing';

export interface ScenarioResult {
  name: string;
  title: string;
  /** What was sent, in words and numbers. */
  load: Record<string, number | string>;
  /** Faults and restarts, seconds from the scenario's start. */
  faults: Array<{ atS: number; what: string }>;
  /** Durations and counts specific to the scenario. */
  figures: Record<string, number | string | null>;
  /** Statuses of every attempt (first tries and retries), `0` = no answer. */
  statuses: Record<string, Record<string, number>>;
  registrations: RegistrationFigures;
  actions: ActionFigures;
  /** Answers that should never happen (a 500, a 4xx to a valid request), and every lost or duplicated item. */
  problems: string[];
  /** Scenario 3: every probe as [sent (s from the start), kind, status, ms]. */
  probes?: Array<[number, string, number, number]>;
  ok: boolean;
  elapsedS: number;
}

/** Shared by the scenarios of one run: the stack, the ledger of every request, tokens. */
export interface ChaosContext {
  stack: Stack;
  ledger: Ledger;
  say: (line: string) => void;
  /** Where backups are written (scenario 4). */
  workDir: string;
  workflowBundle?: string;
}

export function createContext(
  stack: Stack,
  say: (line: string) => void,
  workflowBundle?: string,
): ChaosContext {
  return {
    stack,
    ledger: new Ledger(stack.http),
    say,
    workDir: mkdtempSync(path.join(tmpdir(), 'petition-chaos-work-')),
    ...(workflowBundle !== undefined && { workflowBundle }),
  };
}

const REGISTRAR_SUB = 'chaos-registrar';
const tokens = (stack: Stack, secret?: string) => ({
  registrar: stack.token('registrar', { sub: REGISTRAR_SUB, ...(secret && { secret }) }),
  supervisor: stack.token('supervisor', secret ? { secret } : {}),
});

/** Registers `count` petitions and waits until every one reads through the API (its first task is done). */
async function warmPetitions(
  ctx: ChaosContext,
  scenario: string,
  count: number,
): Promise<RegistrationIntent[]> {
  const { registrar } = tokens(ctx.stack);
  const intents = Array.from({ length: count }, () =>
    ctx.ledger.registration(`${scenario}:warm-up`, registrar, REGISTRAR_SUB),
  );
  await sendAll(ctx.ledger, intents, 16).done;
  const left = await ctx.ledger.settle(intents, 60_000);
  if (left.length > 0) throw new Error(`${left.length} warm-up registrations got no 2xx`);
  await mapLimit(intents, 12, async (i) => {
    const deadline = Date.now() + 60_000;
    while ((await readStatus(ctx.stack, i.ids[0]!, registrar)) !== 200) {
      if (Date.now() > deadline) throw new Error(`warm-up petition ${i.ids[0]} did not become readable`);
      await sleep(250);
    }
  });
  return intents;
}

async function readStatus(stack: Stack, id: string, token: string): Promise<number> {
  return (
    await stack.http.request('GET', `/v1/petitions/${id}`, undefined, { authorization: `Bearer ${token}` })
  ).status;
}

/** `forward` to {@link CHAOS_DEPARTMENT} for each petition: valid in the first step of the statutory definition. */
function forwardIntents(ctx: ChaosContext, scenario: string, petitions: readonly RegistrationIntent[]) {
  const { registrar } = tokens(ctx.stack);
  return petitions.map((p) =>
    ctx.ledger.action(
      scenario,
      p.ids[0]!,
      'forward',
      { department: CHAOS_DEPARTMENT },
      registrar,
      REGISTRAR_SUB,
    ),
  );
}

/** Registrations with an action every `registrations / actions` of them, so both are in flight together. */
function interleave(regs: Intent[], acts: Intent[]): Intent[] {
  const out: Intent[] = [];
  const every = acts.length > 0 ? Math.max(1, Math.floor(regs.length / acts.length)) : Infinity;
  let a = 0;
  regs.forEach((r, i) => {
    out.push(r);
    if (i % every === every - 1 && a < acts.length) out.push(acts[a++]!);
  });
  return out.concat(acts.slice(a));
}

const attemptsOf = (intents: readonly Intent[]) => intents.flatMap((i) => i.attempts);

/** Requests open at instant `t`, by kind. */
function inFlightAt(intents: readonly Intent[], t: number): { registrations: number; actions: number } {
  const open = (i: Intent) => i.attempts.some((a) => a.at <= t && a.at + a.ms > t);
  return {
    registrations: intents.filter((i) => i.kind === 'registration' && open(i)).length,
    actions: intents.filter((i) => i.kind === 'action' && open(i)).length,
  };
}

/** Waits until `check` holds, polling every 20 ms, at most `timeoutMs`. */
async function until(check: () => boolean, timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!check() && Date.now() < deadline) await sleep(20);
}

async function verifyAll(
  ctx: ChaosContext,
  regs: RegistrationIntent[],
  acts: ActionIntent[],
): Promise<{
  registrations: RegistrationFigures;
  actions: ActionFigures;
  problems: string[];
  facts: Map<string, PetitionFacts>;
}> {
  const { registrar, supervisor } = tokens(ctx.stack);
  const ids = [...new Set([...regs.flatMap((r) => r.ids), ...acts.map((a) => a.petitionId)])];
  const { facts } = await collectPetitions(ctx.stack, ids, ctx.ledger, {
    supervisorToken: supervisor,
    readerToken: registrar,
  });
  const r = checkRegistrations(regs, ctx.ledger, facts);
  const a = checkActions(acts, facts);
  const problems = [...r.problems, ...a.problems];
  const unclaimed = unclaimedPetitions(ctx.ledger, facts);
  if (unclaimed.length > 0)
    problems.push(
      `${unclaimed.length} petitions exist that no request claims: ${unclaimed.slice(0, 5).join(', ')}`,
    );
  return { registrations: r.figures, actions: a.figures, problems, facts };
}

function unexpectedAnswers(intents: readonly Intent[]): string[] {
  return intents.flatMap((i) =>
    i.attempts
      .filter(unexpected)
      .map(
        (a) =>
          `${i.kind === 'registration' ? 'POST /v1/petitions' : `POST …/actions/${i.action}`} (key ${i.key}) answered ${a.status}${a.error ? ` ${a.error}` : ''}`,
      ),
  );
}

function finish(
  base: Omit<ScenarioResult, 'ok' | 'elapsedS' | 'problems'> & { problems: string[] },
  t0: number,
): ScenarioResult {
  const r = base.registrations;
  const a = base.actions;
  const ok =
    base.problems.length === 0 &&
    r.unresolved === 0 &&
    r.lost === 0 &&
    r.duplicated === 0 &&
    r.notAtFirstStep === 0 &&
    a.unresolved === 0 &&
    a.lost === 0 &&
    a.duplicated === 0;
  const problems = [...base.problems];
  if (r.unresolved > 0) problems.push(`${r.unresolved} registrations got no 2xx even after retrying`);
  if (a.unresolved > 0) problems.push(`${a.unresolved} actions got no 2xx even after retrying`);
  return { ...base, problems, ok, elapsedS: round((Date.now() - t0) / 1000) };
}

const round = (x: number, digits = 1) => Number(x.toFixed(digits));
const relS = (t0: number, t: number) => round((t - t0) / 1000, 2);

export interface WorkerKillSettings {
  registrations: number;
  actions: number;
  /** Registration requests open at once (the burst): at least `registrations in flight` when the worker dies. */
  concurrency: number;
  /** Kill the worker once this many requests have been answered. */
  killAfter: number;
}

/**
 * 1. The worker is SIGKILLed while registrations and actions are in flight, and started again once every
 * registration has been answered (registration needs no worker: every one started meanwhile waits for its first
 * workflow task). Every registration answered 2xx must exist once and reach its first step; every action answered
 * 200 must be applied once.
 */
export async function workerKill(ctx: ChaosContext, s: WorkerKillSettings): Promise<ScenarioResult> {
  const name = 'worker-kill';
  const t0 = Date.now();
  const { stack, ledger } = ctx;
  ctx.say(`[${name}] warming up ${s.actions} petitions to act on`);
  const warm = await warmPetitions(ctx, name, s.actions);
  const { registrar } = tokens(stack);
  const regs = Array.from({ length: s.registrations }, () =>
    ledger.registration(name, registrar, REGISTRAR_SUB),
  );
  const acts = forwardIntents(ctx, name, warm);
  const mixed = interleave(regs, acts);
  const loadStart = Date.now();
  ctx.say(
    `[${name}] sending ${regs.length} registrations and ${acts.length} actions, ${s.concurrency} at once`,
  );
  const load = sendAll(ledger, mixed, s.concurrency);
  await until(() => load.answered() >= s.killAfter, 120_000);
  const openAtKill = load.inFlight();
  await stack.kill('worker');
  const killAt = Date.now();
  // Registrations go on without a worker; bring it back once every one of them has been answered.
  await until(() => regs.every((r) => r.attempts.length > 0), 180_000);
  const restartAt = Date.now();
  await stack.restart('worker');
  const workerReadyAt = Date.now();
  await load.done;
  ctx.say(`[${name}] load done; retrying what got no 2xx with the same Idempotency-Key`);
  await ledger.settle(mixed, 120_000);
  const settledAt = Date.now();
  const v = await verifyAll(ctx, regs, acts);
  const started = (id: string) => v.facts.get(id)?.startedAt;
  const firstTask = (id: string) => v.facts.get(id)?.firstTaskAt ?? Infinity;
  const regIds = regs.flatMap((r) => r.ids.slice(0, 1));
  const waitingAt = (t: number) =>
    regIds.filter((id) => (started(id) ?? Infinity) <= t && firstTask(id) > t).length;
  const httpAtKill = inFlightAt(mixed, killAt);
  return finish(
    {
      name,
      title: 'SIGKILL the worker with registrations in flight, restart it',
      load: {
        registrations: regs.length,
        actions: acts.length,
        concurrency: s.concurrency,
        'warm-up petitions': warm.length,
      },
      faults: [
        { atS: relS(t0, loadStart), what: 'load starts' },
        { atS: relS(t0, killAt), what: `worker SIGKILLed (${openAtKill} requests open)` },
        { atS: relS(t0, restartAt), what: 'worker restarted' },
        { atS: relS(t0, workerReadyAt), what: 'worker polling again' },
        { atS: relS(t0, settledAt), what: 'retries done' },
      ],
      figures: {
        'registration requests open when the worker died': httpAtKill.registrations,
        'action requests open when the worker died': httpAtKill.actions,
        'petitions awaiting their first workflow task when the worker died': waitingAt(killAt),
        'petitions awaiting their first workflow task when it came back': waitingAt(workerReadyAt),
        'worker down (s)': round((workerReadyAt - killAt) / 1000),
        'last first task done after restart (s)': round(
          (Math.max(...regIds.map((id) => (Number.isFinite(firstTask(id)) ? firstTask(id) : 0))) -
            workerReadyAt) /
            1000,
        ),
      },
      statuses: {
        registrations: statusCounts(attemptsOf(regs)),
        actions: statusCounts(attemptsOf(acts)),
      },
      registrations: v.registrations,
      actions: v.actions,
      problems: [...unexpectedAnswers(mixed), ...v.problems],
    },
    t0,
  );
}

export interface ApiKillSettings {
  registrations: number;
  actions: number;
  concurrency: number;
  killAfter: number;
}

/**
 * 2. The API is SIGKILLed with registrations and actions in flight; what got no answer is retried with the same
 * Idempotency-Key through the restarted API: one petition per registration, each action applied once.
 */
export async function apiKill(ctx: ChaosContext, s: ApiKillSettings): Promise<ScenarioResult> {
  const name = 'api-kill';
  const t0 = Date.now();
  const { stack, ledger } = ctx;
  ctx.say(`[${name}] warming up ${s.actions} petitions to act on`);
  const warm = await warmPetitions(ctx, name, s.actions);
  const { registrar } = tokens(stack);
  const regs = Array.from({ length: s.registrations }, () =>
    ledger.registration(name, registrar, REGISTRAR_SUB),
  );
  const acts = forwardIntents(ctx, name, warm);
  const mixed = interleave(regs, acts);
  const loadStart = Date.now();
  ctx.say(
    `[${name}] sending ${regs.length} registrations and ${acts.length} actions, ${s.concurrency} at once`,
  );
  const load = sendAll(ledger, mixed, s.concurrency);
  await until(() => load.answered() >= s.killAfter, 120_000);
  await stack.kill('api');
  const killAt = Date.now();
  await load.done;
  const restartAt = Date.now();
  await stack.restart('api');
  await stack.waitReady(60_000);
  const apiReadyAt = Date.now();
  ctx.say(`[${name}] API back; retrying what got no answer with the same Idempotency-Key`);
  await ledger.settle(mixed, 120_000);
  const v = await verifyAll(ctx, regs, acts);

  const cut = (i: Intent) => {
    const first = i.attempts[0];
    return first !== undefined && first.status === 0 && first.at <= killAt;
  };
  const cutRegs = regs.filter(cut);
  const cutActs = acts.filter(cut);
  // An interrupted action whose Update completed before its retry was sent had been applied; the answer was lost.
  const completedAt = (a: ActionIntent) => {
    const e = v.facts
      .get(a.petitionId)
      ?.events.find(
        (ev) => ev.workflowExecutionUpdateCompletedEventAttributes?.meta?.updateId === `${a.sub}:${a.key}`,
      );
    return e?.eventTime
      ? Number(e.eventTime.seconds) * 1000 + Math.floor((e.eventTime.nanos ?? 0) / 1e6)
      : Infinity;
  };
  return finish(
    {
      name,
      title: 'SIGKILL the API mid-request, retry through the restarted API',
      load: {
        registrations: regs.length,
        actions: acts.length,
        concurrency: s.concurrency,
        'warm-up petitions': warm.length,
      },
      faults: [
        { atS: relS(t0, loadStart), what: 'load starts' },
        { atS: relS(t0, killAt), what: 'API SIGKILLed' },
        { atS: relS(t0, restartAt), what: 'API restarted' },
        { atS: relS(t0, apiReadyAt), what: 'API ready' },
      ],
      figures: {
        'registrations cut off by the kill (no answer)': cutRegs.length,
        '… of which the petition had been started (retry answered 200 replayed)': cutRegs.filter(
          (r) => r.attempts.find((a) => a.status >= 200 && a.status < 300)?.status === 200,
        ).length,
        'actions cut off by the kill (no answer)': cutActs.length,
        '… of which had been applied before the retry': cutActs.filter(
          (a) => completedAt(a) < (a.attempts[1]?.at ?? Infinity),
        ).length,
        'requests refused while the API was down (connection refused)': mixed.filter((i) =>
          i.attempts.some((a) => a.status === 0 && a.at > killAt),
        ).length,
        'API down (s)': round((apiReadyAt - killAt) / 1000),
      },
      statuses: {
        registrations: statusCounts(attemptsOf(regs)),
        actions: statusCounts(attemptsOf(acts)),
      },
      registrations: v.registrations,
      actions: v.actions,
      problems: [...unexpectedAnswers(mixed), ...v.problems],
    },
    t0,
  );
}

export interface ServerKillSettings {
  /** Registrations and actions of the steady load (closed loop, `concurrency` at once). */
  registrations: number;
  actions: number;
  concurrency: number;
  killAfter: number;
  /** How long the server stays dead. */
  downMs: number;
  /** Probe interval (one probe each time: in turn a read, a registration, /readyz). */
  probeEveryMs: number;
}

interface Probe {
  kind: 'read' | 'write' | 'readyz';
  attempt: Attempt;
}

/**
 * 3. The Temporal dev server (SQLite with WAL under DATA_DIR) is SIGKILLed under load and started again on the same
 * data. While it is down the API must answer 503 (never 500); it must recover by itself, without a restart; nothing
 * accepted before, during or after may be lost.
 */
export async function serverKill(ctx: ChaosContext, s: ServerKillSettings): Promise<ScenarioResult> {
  const name = 'server-kill';
  const t0 = Date.now();
  const { stack, ledger } = ctx;
  ctx.say(`[${name}] warming up ${s.actions + 1} petitions (to act on, and one to probe)`);
  const warm = await warmPetitions(ctx, name, s.actions + 1);
  const probed = warm.pop()!;
  const { registrar } = tokens(stack);
  const regs = Array.from({ length: s.registrations }, () =>
    ledger.registration(name, registrar, REGISTRAR_SUB),
  );
  const acts = forwardIntents(ctx, name, warm);
  const mixed = interleave(regs, acts);

  const probes: Probe[] = [];
  const probeWrites: RegistrationIntent[] = [];
  const pending = new Set<Promise<unknown>>();
  const probe = (kind: Probe['kind'], run: () => Promise<Attempt>) => {
    const p = run().then((attempt) => probes.push({ kind, attempt }));
    pending.add(p);
    void p.finally(() => pending.delete(p));
  };
  const timedGet = async (url: string, token?: string): Promise<Attempt> => {
    const at = Date.now();
    try {
      const res = await stack.probeHttp.request<{ error?: string }>(
        'GET',
        url,
        undefined,
        token ? { authorization: `Bearer ${token}` } : {},
      );
      return {
        at,
        ms: Date.now() - at,
        status: res.status,
        ...(res.status >= 300 && res.body?.error && { error: res.body.error }),
      };
    } catch (err) {
      return { at, ms: Date.now() - at, status: 0, error: (err as Error).message };
    }
  };
  // One probe every interval, in turn a read of a petition, a registration and /readyz.
  let tick = 0;
  const ticker = setInterval(() => {
    const kind = (['read', 'write', 'readyz'] as const)[tick++ % 3]!;
    if (kind === 'read') probe(kind, () => timedGet(`/v1/petitions/${probed.ids[0]}`, registrar));
    else if (kind === 'readyz') probe(kind, () => timedGet('/readyz'));
    else {
      const w = ledger.registration(`${name}:probe`, registrar, REGISTRAR_SUB);
      probeWrites.push(w);
      probe(kind, () => ledger.send(w, stack.probeHttp));
    }
  }, s.probeEveryMs);

  const loadStart = Date.now();
  ctx.say(
    `[${name}] steady load of ${regs.length} registrations and ${acts.length} actions, ${s.concurrency} at once`,
  );
  const load = sendAll(ledger, mixed, s.concurrency);
  let killAt = 0;
  let restartAt = 0;
  let serverReadyAt = 0;
  let recoveredAt = Infinity;
  let readyAgainAt = Infinity;
  const ok = (a: Attempt) => a.status >= 200 && a.status < 300;
  // The first probe of a kind, sent after the server was ready, that answered 2xx: when it answered.
  const firstOkSentAfterReady = (kind: Probe['kind']) =>
    probes
      .filter((p) => p.kind === kind && p.attempt.at >= serverReadyAt && ok(p.attempt))
      .reduce((m, p) => Math.min(m, p.attempt.at + p.attempt.ms), Infinity);
  try {
    await until(() => load.answered() >= s.killAfter, 120_000);
    await stack.kill('server');
    killAt = Date.now();
    await sleep(s.downMs);
    restartAt = Date.now();
    await stack.restart('server');
    serverReadyAt = Date.now();
    // Recovered by itself: a read and a registration sent after the restart answered 2xx, and /readyz 200.
    const deadline = Date.now() + 120_000;
    const recovered = () =>
      [firstOkSentAfterReady('read'), firstOkSentAfterReady('write'), firstOkSentAfterReady('readyz')].every(
        Number.isFinite,
      );
    while (Date.now() < deadline && !recovered()) await sleep(100);
    recoveredAt = Math.max(firstOkSentAfterReady('read'), firstOkSentAfterReady('write'));
    readyAgainAt = firstOkSentAfterReady('readyz');
  } finally {
    clearInterval(ticker);
  }
  await Promise.all([...pending]);
  await load.done;
  ctx.say(`[${name}] load done; retrying what got no 2xx with the same Idempotency-Key`);
  const all = [...mixed, ...probeWrites];
  await ledger.settle(all, 120_000);
  const v = await verifyAll(ctx, [...regs, ...probeWrites], acts);

  const windowOf = (a: Attempt) => (a.at < killAt ? 'before' : a.at < serverReadyAt ? 'down' : 'after');
  const byWindow = (kind: Probe['kind']) => {
    const out: Record<string, Record<string, number>> = {};
    for (const w of ['before', 'down', 'after'])
      out[w] = statusCounts(
        probes.filter((p) => p.kind === kind && windowOf(p.attempt) === w).map((p) => p.attempt),
      );
    return out;
  };
  const problems = [...unexpectedAnswers(all), ...v.problems];
  for (const p of probes) {
    const answeredAt = p.attempt.at + p.attempt.ms;
    if (p.attempt.status === 0)
      problems.push(`probe ${p.kind} got no answer from the API: ${p.attempt.error}`);
    else if (p.attempt.status >= 500 && p.attempt.status !== 503)
      problems.push(`probe ${p.kind} answered ${p.attempt.status} ${p.attempt.error ?? ''}`);
    else if (
      p.kind !== 'readyz' &&
      answeredAt > killAt &&
      answeredAt < serverReadyAt &&
      p.attempt.status !== 503
    )
      problems.push(`probe ${p.kind} answered ${p.attempt.status} while the server was down (expected 503)`);
  }
  if (!Number.isFinite(recoveredAt))
    problems.push('requests sent after the server restart did not succeed within 120 s');
  if (!Number.isFinite(readyAgainAt))
    problems.push('GET /readyz did not answer 200 within 120 s of the restart');
  const downProbes = probes.filter((p) => p.kind !== 'readyz' && windowOf(p.attempt) === 'down');
  const firstOkAfterReady = probes
    .filter((p) => p.kind !== 'readyz' && ok(p.attempt) && p.attempt.at + p.attempt.ms >= serverReadyAt)
    .reduce((m, p) => Math.min(m, p.attempt.at + p.attempt.ms), Infinity);
  const secondsAfterReady = (t: number) => (Number.isFinite(t) ? round((t - serverReadyAt) / 1000, 2) : null);
  return finish(
    {
      name,
      title: 'SIGKILL the Temporal dev server under load, restart it on the same data',
      load: {
        registrations: regs.length,
        actions: acts.length,
        concurrency: s.concurrency,
        'probe registrations': probeWrites.length,
        'probe interval (ms)': s.probeEveryMs,
      },
      faults: [
        { atS: relS(t0, loadStart), what: 'load and probes start' },
        { atS: relS(t0, killAt), what: 'Temporal dev server SIGKILLed' },
        { atS: relS(t0, restartAt), what: 'server restarted on the same SQLite file' },
        { atS: relS(t0, serverReadyAt), what: 'server ready' },
      ],
      figures: {
        'server down (s)': round((serverReadyAt - killAt) / 1000),
        'reads and registrations sent while it was down': downProbes.length,
        '… answered 503 while it was down': downProbes.filter((p) => p.attempt.status === 503).length,
        '… answered 2xx once it was back (waited within the 10 s bound)': downProbes.filter((p) =>
          ok(p.attempt),
        ).length,
        '… answered anything else': downProbes.filter((p) => p.attempt.status !== 503 && !ok(p.attempt))
          .length,
        'longest wait for a 503 (ms)': Math.max(
          0,
          ...probes.filter((p) => p.attempt.status === 503).map((p) => p.attempt.ms),
        ),
        'first 2xx answer after the server was ready (s)': secondsAfterReady(firstOkAfterReady),
        'a read and a registration sent after the restart both answered 2xx after (s)':
          secondsAfterReady(recoveredAt),
        '/readyz 200 again after (s)': secondsAfterReady(readyAgainAt),
        'API restarted': 'no',
      },
      statuses: {
        registrations: statusCounts(attemptsOf(regs)),
        actions: statusCounts(attemptsOf(acts)),
        ...Object.fromEntries(
          (['read', 'write', 'readyz'] as const).flatMap((k) =>
            Object.entries(byWindow(k)).map(([w, c]) => [`probe ${k}, ${w}`, c]),
          ),
        ),
      },
      registrations: v.registrations,
      actions: v.actions,
      problems,
      probes: probes
        .sort((a, b) => a.attempt.at - b.attempt.at)
        .map((p) => [relS(t0, p.attempt.at), p.kind, p.attempt.status, p.attempt.ms]),
    },
    t0,
  );
}

export interface BackupSettings {
  /** Registrations and actions sent while the backup runs. */
  registrations: number;
  actions: number;
  concurrency: number;
  /** Start the backup once this many of them have been answered. */
  backupAfter: number;
}

/**
 * 4. A backup (what `npm run backup` runs) while registrations and actions go on, restored (what `npm run restore`
 * runs) into a fresh data folder; a second stack started on it must read back every petition registered before the
 * backup began (with its actions), accept tokens signed with the original secret, and take a new action.
 */
export async function backupRestore(ctx: ChaosContext, s: BackupSettings): Promise<ScenarioResult> {
  const name = 'backup-restore';
  const t0 = Date.now();
  const { stack, ledger } = ctx;
  ctx.say(`[${name}] warming up ${s.actions} petitions to act on during the backup`);
  const warm = await warmPetitions(ctx, name, s.actions);
  const { registrar } = tokens(stack);
  const regs = Array.from({ length: s.registrations }, () =>
    ledger.registration(name, registrar, REGISTRAR_SUB),
  );
  const acts = forwardIntents(ctx, name, warm);
  const mixed = interleave(regs, acts);
  const file = path.join(ctx.workDir, `backup-${Date.now()}.tar.gz`);
  const restoredDir = path.join(ctx.workDir, `restored-${Date.now()}`);

  const load = sendAll(ledger, mixed, s.concurrency);
  await until(() => load.answered() >= s.backupAfter, 120_000);
  const backupAt = Date.now();
  ctx.say(`[${name}] backup under load (what npm run backup runs)`);
  const { manifest } = await createBackup({ dataDir: stack.dataDir, file });
  const backupDoneAt = Date.now();
  await load.done;
  await ledger.settle(mixed, 120_000);
  const problems = unexpectedAnswers(mixed);

  ctx.say(`[${name}] restore into a fresh folder (what npm run restore runs), and a second stack on it`);
  await restoreBackup({ file, dataDir: restoredDir });
  const secretKept =
    readFileSync(path.join(restoredDir, 'jwt-secret'), 'utf8') ===
    readFileSync(path.join(stack.dataDir, 'jwt-secret'), 'utf8');
  const secretMode = statSync(path.join(restoredDir, 'jwt-secret')).mode & 0o777;
  if (!secretKept) problems.push('the restored jwt-secret differs from the original');
  if (secretMode !== 0o600)
    problems.push(`the restored jwt-secret has mode ${secretMode.toString(8)}, not 600`);

  const restoreStart = Date.now();
  const restored = await Stack.start({
    dataDir: restoredDir,
    label: 'petition-chaos-restored',
    say: ctx.say,
    ...(ctx.workflowBundle !== undefined && { workflowBundle: ctx.workflowBundle }),
  });
  const restoredReadyAt = Date.now();
  try {
    // Every registration and action of the whole run answered before the backup began must be in the copy.
    const answeredBefore = (i: Intent) =>
      i.attempts.some((a) => a.status >= 200 && a.status < 300 && a.at + a.ms <= backupAt);
    const regsBefore = ledger.registrations.filter(answeredBefore);
    const actsBefore = ledger.actions.filter(answeredBefore);
    const during = ledger.registrations.filter(
      (r) => isAccepted(r) && !answeredBefore(r) && r.attempts.some((a) => a.at < backupDoneAt),
    );
    // Tokens signed with the original stack's secret: the restored API must accept them.
    const secret = stack.secret();
    const t = tokens(restored, secret);
    const ids = [...new Set([...regsBefore.map((r) => r.ids[0]!), ...actsBefore.map((a) => a.petitionId)])];
    const { facts } = await collectPetitions(restored, ids, ledger, {
      supervisorToken: t.supervisor,
      readerToken: t.registrar,
    });
    const reg = checkRegistrations(regsBefore, ledger, facts);
    const act = checkActions(actsBefore, facts);
    problems.push(...reg.problems, ...act.problems);
    // Registrations answered while the backup ran may or may not be in it; count those that are.
    const duringFound = (
      await mapLimit(during, 12, async (r) => (await readStatus(restored, r.ids[0]!, t.registrar)) === 200)
    ).filter(Boolean).length;
    // The restored stack works, not only reads: a petition registered before the backup takes an action.
    const next = regsBefore.find((r) => facts.get(r.ids[0]!)?.detail?.step === 'forward');
    let actionOnRestored: number | null = null;
    if (next) {
      const res = await restored.http.request(
        'POST',
        `/v1/petitions/${next.ids[0]}/actions/forward`,
        { department: CHAOS_DEPARTMENT },
        {
          authorization: `Bearer ${t.registrar}`,
          'idempotency-key': `${next.key}-after-restore`,
        },
      );
      actionOnRestored = res.status;
      if (res.status !== 200) problems.push(`forward on the restored stack answered ${res.status}`);
    }
    return finish(
      {
        name,
        title: 'backup under load, restore into a fresh folder, read everything back on a second stack',
        load: {
          'registrations during the backup': regs.length,
          'actions during the backup': acts.length,
          concurrency: s.concurrency,
          'petitions in the source before the backup': regsBefore.length,
        },
        faults: [
          { atS: relS(t0, backupAt), what: 'backup starts (load running)' },
          { atS: relS(t0, backupDoneAt), what: 'backup written' },
          { atS: relS(t0, restoreStart), what: 'restored; second stack starting on the copy' },
          { atS: relS(t0, restoredReadyAt), what: 'second stack ready' },
        ],
        figures: {
          'backup took (s)': round((backupDoneAt - backupAt) / 1000, 2),
          'SQLite snapshot (VACUUM INTO, ms)': manifest.database.snapshotMs,
          'database copied (MB)': round(manifest.database.bytes / 1024 / 1024),
          'files besides the database': manifest.files.map((f) => f.path).join(', '),
          'backup file (MB)': round(statSync(file).size / 1024 / 1024, 2),
          'petitions registered before the backup, read back': reg.figures.checked - reg.figures.lost,
          'actions answered before the backup, found once':
            act.figures.checked - act.figures.lost - act.figures.duplicated,
          'registrations answered while the backup ran': during.length,
          '… of which in the copy': duringFound,
          'new action on the restored stack (status)': actionOnRestored,
        },
        statuses: {
          registrations: statusCounts(attemptsOf(regs)),
          actions: statusCounts(attemptsOf(acts)),
        },
        registrations: reg.figures,
        actions: act.figures,
        problems,
      },
      t0,
    );
  } finally {
    await restored.stop();
    rmSync(restoredDir, { recursive: true, force: true });
    if (existsSync(file)) rmSync(file, { force: true });
  }
}
