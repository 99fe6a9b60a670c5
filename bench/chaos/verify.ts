/**
 * The checks after a fault: every registration answered 2xx names a petition that exists once (listed once through
 * the API, found by id, its subject carrying the request's tag) and whose first workflow task completed (its
 * history, and a read through the API that a worker answers); no petition exists that no request claims; every
 * action answered 200 is in its petition's timeline once (by the request id the API derives from the
 * Idempotency-Key) and in its history once (one accepted and one completed Update with that id).
 */
import { optionalTsToMs } from '@temporalio/common/lib/time';
import type { temporal } from '@temporalio/proto';
import { petitionWorkflowId } from '../../workflows/messages';
import type { JsonResponse } from '../lib/http';
import {
  isAccepted,
  mapLimit,
  sleep,
  type ActionIntent,
  type Ledger,
  type RegistrationIntent,
} from './ledger';
import type { Stack } from './stack';

type HistoryEvent = temporal.api.history.v1.IHistoryEvent;

interface TimelineEntry {
  type: string;
  action?: string;
  data?: Record<string, unknown>;
}
interface PetitionDetail {
  id: string;
  step: string | null;
  status: string;
  subject: string;
  timeline: TimelineEntry[];
}

/** What is known of one petition after the fault. */
export interface PetitionFacts {
  id: string;
  /** Status of `GET /v1/petitions/:id`. */
  readStatus: number;
  detail?: PetitionDetail;
  /** Times listed by `GET /v1/petitions`. */
  listed: number;
  startedAt?: number;
  /** When its first workflow task completed (undefined: never). */
  firstTaskAt?: number;
  events: HistoryEvent[];
}

export interface RegistrationFigures {
  /** Registration requests made (each with its own Idempotency-Key). */
  requests: number;
  /** Requests that ended with a 2xx, after retries. */
  accepted: number;
  /** Requests still without a 2xx when retrying gave up. */
  unresolved: number;
  /** Of the accepted, how many were answered 2xx only by a retry. */
  acceptedOnRetry: number;
  /** Of those, how many the retry found started already (200 replayed): the first try's answer was lost. */
  startedBeforeAnswerLost: number;
  /** Petitions checked (one per accepted request). */
  checked: number;
  /** Accepted, but not found, not readable through the API, or not carrying their request's tag. */
  lost: number;
  /** Found, but their first workflow task never completed. */
  notAtFirstStep: number;
  /** Petitions beyond one per request: a request answered with two ids, an id listed twice, or a stray petition. */
  duplicated: number;
  /** Petitions no request claims. */
  stray: number;
}

export interface ActionFigures {
  requests: number;
  accepted: number;
  unresolved: number;
  acceptedOnRetry: number;
  /** Accepted actions checked in timeline and history. */
  checked: number;
  /** Accepted, but not in the petition's timeline or history. */
  lost: number;
  /** In the timeline or history more than once. */
  duplicated: number;
}

const firstAcceptedIndex = (i: { attempts: { status: number }[] }) =>
  i.attempts.findIndex((a) => a.status >= 200 && a.status < 300);

/**
 * The registrar-visible view of each petition of `ids`, its history and how often the API lists it; and the same of
 * every listed petition no request of the ledger claims (a possible second petition for one request).
 */
export async function collectPetitions(
  stack: Stack,
  ids: readonly string[],
  ledger: Ledger,
  opts: { supervisorToken: string; readerToken: string; listTimeoutMs?: number },
): Promise<{ facts: Map<string, PetitionFacts>; listedIds: Map<string, number> }> {
  const listedIds = await listAll(stack, opts.supervisorToken, new Set(ids), opts.listTimeoutMs ?? 30_000);
  const claimed = new Set(ledger.registrations.flatMap((r) => r.ids));
  const unclaimed = [...listedIds.keys()].filter((id) => !claimed.has(id));
  const facts = new Map<string, PetitionFacts>();
  await mapLimit([...new Set([...ids, ...unclaimed])], 12, async (id) => {
    const res = await readWithRetry(stack, id, opts.readerToken);
    const events = await history(stack, id);
    const started = events.find((e) => e.workflowExecutionStartedEventAttributes);
    const firstTask = events.find((e) => e.workflowTaskCompletedEventAttributes);
    facts.set(id, {
      id,
      readStatus: res.status,
      ...(res.status === 200 && { detail: res.body as PetitionDetail }),
      listed: listedIds.get(id) ?? 0,
      startedAt: optionalTsToMs(started?.eventTime),
      firstTaskAt: optionalTsToMs(firstTask?.eventTime),
      events,
    });
  });
  return { facts, listedIds };
}

/** Every petition the API lists, with how often each id appears; waits (bounded) until `expected` are all listed. */
async function listAll(
  stack: Stack,
  token: string,
  expected: ReadonlySet<string>,
  timeoutMs: number,
): Promise<Map<string, number>> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const counts = new Map<string, number>();
    let pageToken: string | null = null;
    do {
      const res: JsonResponse<{ items: { id: string }[]; nextPageToken: string | null }> =
        await stack.http.request(
          'GET',
          `/v1/petitions?pageSize=200${pageToken ? `&pageToken=${encodeURIComponent(pageToken)}` : ''}`,
          undefined,
          { authorization: `Bearer ${token}` },
        );
      if (res.status !== 200) throw new Error(`GET /v1/petitions answered ${res.status}`);
      for (const item of res.body.items) counts.set(item.id, (counts.get(item.id) ?? 0) + 1);
      pageToken = res.body.nextPageToken;
    } while (pageToken);
    // Visibility is eventually consistent: a petition started a moment ago may not be listed yet.
    if ([...expected].every((id) => counts.has(id)) || Date.now() > deadline) return counts;
    await sleep(500);
  }
}

/** `GET /v1/petitions/:id`, retried while it answers 503 (a worker still replaying after a restart), bounded. */
async function readWithRetry(
  stack: Stack,
  id: string,
  token: string,
): Promise<{ status: number; body: unknown }> {
  const deadline = Date.now() + 60_000;
  for (;;) {
    const res = await stack.http.request('GET', `/v1/petitions/${id}`, undefined, {
      authorization: `Bearer ${token}`,
    });
    if (res.status !== 503 || Date.now() > deadline) return res;
    await sleep(500);
  }
}

async function history(stack: Stack, id: string): Promise<HistoryEvent[]> {
  try {
    return (await stack.client.workflow.getHandle(petitionWorkflowId(id)).fetchHistory()).events ?? [];
  } catch {
    return [];
  }
}

/** The figures of a set of registrations, given the facts of every petition the stack holds. */
export function checkRegistrations(
  intents: readonly RegistrationIntent[],
  ledger: Ledger,
  facts: ReadonlyMap<string, PetitionFacts>,
): { figures: RegistrationFigures; problems: string[] } {
  const problems: string[] = [];
  const acceptedIntents = intents.filter(isAccepted);
  const claimed = new Set(ledger.registrations.flatMap((r) => r.ids));
  let lost = 0;
  let notAtFirstStep = 0;
  let duplicated = 0;
  for (const intent of acceptedIntents) {
    const ids = [...new Set(intent.ids)];
    if (ids.length > 1) {
      duplicated += ids.length - 1;
      problems.push(`request ${intent.key} was answered with ${ids.length} petitions: ${ids.join(', ')}`);
    }
    const f = facts.get(ids[0]!);
    if (!f || f.readStatus !== 200 || !f.detail?.subject.includes(intent.tag)) {
      lost++;
      problems.push(
        `petition ${ids[0]} (request ${intent.key}, answered ${intent.attempts.find((a) => a.status >= 200 && a.status < 300)?.status}) ` +
          (f?.readStatus === 200 ? 'does not carry its tag' : `reads as ${f?.readStatus ?? 'absent'}`),
      );
      continue;
    }
    if (f.listed !== 1) {
      if (f.listed > 1) duplicated += f.listed - 1;
      problems.push(`petition ${f.id} is listed ${f.listed} times`);
    }
    if (f.firstTaskAt === undefined) {
      notAtFirstStep++;
      problems.push(`petition ${f.id} never completed its first workflow task`);
    }
  }
  // A petition that no request claims, but carries one of these requests' tags, is a second petition for it.
  const tags = new Map(intents.map((i) => [i.tag, i]));
  let stray = 0;
  for (const f of facts.values()) {
    if (claimed.has(f.id)) continue;
    const tag = /chaos-[0-9a-f]{8}-\d+/.exec(f.detail?.subject ?? '')?.[0];
    if (tag && tags.has(tag)) {
      stray++;
      duplicated++;
      problems.push(`petition ${f.id} was made for request ${tags.get(tag)!.key} but no answer named it`);
    }
  }
  const onRetry = acceptedIntents.filter((i) => firstAcceptedIndex(i) > 0);
  return {
    figures: {
      requests: intents.length,
      accepted: acceptedIntents.length,
      unresolved: intents.length - acceptedIntents.length,
      acceptedOnRetry: onRetry.length,
      startedBeforeAnswerLost: onRetry.filter((i) => i.attempts[firstAcceptedIndex(i)]!.status === 200)
        .length,
      checked: acceptedIntents.length,
      lost,
      notAtFirstStep,
      duplicated,
      stray,
    },
    problems,
  };
}

/** Petitions no request of the ledger claims at all (each petition a stack holds was registered through it). */
export function unclaimedPetitions(ledger: Ledger, facts: ReadonlyMap<string, PetitionFacts>): string[] {
  const claimed = new Set(ledger.registrations.flatMap((r) => r.ids));
  return [...facts.keys()].filter((id) => !claimed.has(id));
}

/** The request id prefix the API records for an action sent with this key (api/routes/petitions.ts). */
const updateIdOf = (a: ActionIntent) => `${a.sub}:${a.key}`;

export function checkActions(
  intents: readonly ActionIntent[],
  facts: ReadonlyMap<string, PetitionFacts>,
): { figures: ActionFigures; problems: string[] } {
  const problems: string[] = [];
  const acceptedIntents = intents.filter(isAccepted);
  let lost = 0;
  let duplicated = 0;
  for (const a of acceptedIntents) {
    const f = facts.get(a.petitionId);
    const updateId = updateIdOf(a);
    const inTimeline =
      f?.detail?.timeline.filter(
        (t) =>
          t.type === 'action' &&
          typeof t.data?.['requestId'] === 'string' &&
          (t.data['requestId'] as string).startsWith(`${updateId}#`),
      ).length ?? 0;
    const acceptedEvents =
      f?.events.filter(
        (e) => e.workflowExecutionUpdateAcceptedEventAttributes?.acceptedRequest?.meta?.updateId === updateId,
      ).length ?? 0;
    const completedEvents =
      f?.events.filter((e) => e.workflowExecutionUpdateCompletedEventAttributes?.meta?.updateId === updateId)
        .length ?? 0;
    if (inTimeline === 0 || acceptedEvents === 0 || completedEvents === 0) {
      lost++;
      problems.push(
        `action ${a.action} on ${a.petitionId} (key ${a.key}) answered 200 but is in the timeline ${inTimeline}×, ` +
          `history ${acceptedEvents}× accepted / ${completedEvents}× completed`,
      );
    } else if (inTimeline > 1 || acceptedEvents > 1 || completedEvents > 1) {
      duplicated++;
      problems.push(
        `action ${a.action} on ${a.petitionId} (key ${a.key}) is in the timeline ${inTimeline}×, ` +
          `history ${acceptedEvents}× accepted / ${completedEvents}× completed`,
      );
    }
  }
  return {
    figures: {
      requests: intents.length,
      accepted: acceptedIntents.length,
      unresolved: intents.length - acceptedIntents.length,
      acceptedOnRetry: acceptedIntents.filter((i) => firstAcceptedIndex(i) > 0).length,
      checked: acceptedIntents.length,
      lost,
      duplicated,
    },
    problems,
  };
}
