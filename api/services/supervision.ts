/**
 * Supervision reads from Temporal's visibility store only (search attributes), never from workflows: the overdue
 * list is right even when no worker runs (design settled point 5), and list items carry no personal data.
 */
import { createHash } from 'node:crypto';
import type { Client, Connection } from '@temporalio/client';
import { decodeTypedSearchAttributes } from '@temporalio/common/lib/converter/payload-search-attributes';
import { PETITION_WORKFLOW_TYPE } from '../../workflows/messages';
import { PetitionSearchAttributes as SA } from '../../workflows/search-attributes';
import { ApiError } from '../errors';
import { boundedCall } from '../errors';
import type { PetitionListItem } from '../schemas/petitions';

const DAY_MS = 86_400_000;
const HOUR_MS = 3_600_000;

/**
 * A visibility query built from validated parts. Values are quoted here and refused if they could break out of a
 * literal, so no caller input is ever concatenated raw (values are also validated by the route schemas).
 */
export class VisibilityQuery {
  private readonly parts: string[] = [`WorkflowType = ${VisibilityQuery.quote(PETITION_WORKFLOW_TYPE)}`];

  static quote(value: string): string {
    if (!/^[\p{L}\p{N} _.:@+-]*$/u.test(value)) {
      throw new ApiError(
        400,
        'validation_failed',
        `The request is not valid: a filter value contains characters that are not allowed (${JSON.stringify(value)}).`,
      );
    }
    return `'${value}'`;
  }

  static instant(value: string | Date): string {
    const ms = typeof value === 'string' ? Date.parse(value) : value.getTime();
    if (Number.isNaN(ms))
      throw new ApiError(
        400,
        'validation_failed',
        `The request is not valid: ${String(value)} is not a date-time.`,
      );
    return `'${new Date(ms).toISOString()}'`;
  }

  eq(attribute: string, value: string | undefined): this {
    if (value !== undefined) this.parts.push(`${attribute} = ${VisibilityQuery.quote(value)}`);
    return this;
  }

  compare(attribute: string, op: '<' | '<=' | '>' | '>=', at: string | Date | undefined): this {
    if (at !== undefined) this.parts.push(`${attribute} ${op} ${VisibilityQuery.instant(at)}`);
    return this;
  }

  bool(attribute: string, value: boolean | undefined): this {
    if (value !== undefined) this.parts.push(`${attribute} = ${value ? 'true' : 'false'}`);
    return this;
  }

  in(attribute: string, values: readonly string[]): this {
    this.parts.push(`${attribute} IN (${values.map((v) => VisibilityQuery.quote(v)).join(', ')})`);
    return this;
  }

  /** A clause built from the static helpers above. */
  raw(clause: string): this {
    this.parts.push(`(${clause})`);
    return this;
  }

  toString(): string {
    return this.parts.join(' AND ');
  }
}

/** A day `YYYY-MM-DD` is read as the start of that day in Asia/Shanghai. */
export function toInstant(value: string): string {
  return /^\d{4}-\d{2}-\d{2}$/.test(value) ? `${value}T00:00:00+08:00` : value;
}

const checksum = (query: string, token: string) =>
  createHash('sha256').update(`${query}\n${token}`).digest('base64url').slice(0, 22);

/**
 * The API's page token: Temporal's, bound to the query it belongs to by a checksum. Temporal answers a damaged
 * token with a retryable UNKNOWN error (the client would retry it until the deadline), so tokens are checked here.
 */
export function encodePageToken(query: string, raw: Uint8Array): string {
  const token = Buffer.from(raw).toString('base64url');
  return `${token}.${checksum(query, token)}`;
}

/** Temporal's page token inside an API page token; 400 when it was damaged or belongs to another query. */
export function decodePageToken(query: string, pageToken: string): Uint8Array {
  const [token, sum, ...rest] = pageToken.split('.');
  if (!token || !sum || rest.length > 0 || checksum(query, token) !== sum) {
    throw new ApiError(
      400,
      'invalid_page_token',
      'The pageToken is damaged or belongs to other filters; repeat the first request (without pageToken) and follow its nextPageToken.',
      { field: 'querystring.pageToken' },
    );
  }
  return Buffer.from(token, 'base64url');
}

/** Department scope of the caller: staff of a body see their body only. */
export interface Scope {
  department?: string;
}

function scoped(query: VisibilityQuery, scope: Scope): VisibilityQuery {
  if (scope.department === undefined) return query;
  // A report is never listed to the body it concerns (Art. 30), even if it were ever held there.
  const dept = VisibilityQuery.quote(scope.department);
  return query
    .eq(SA.department.name, scope.department)
    .raw(`${SA.concerns.name} IS NULL OR ${SA.concerns.name} != ${dept}`);
}

export interface ListFilters {
  step?: string;
  department?: string;
  status?: 'open' | 'closed';
  category?: string;
  overdue?: boolean;
  dueBefore?: string;
  receivedFrom?: string;
  receivedTo?: string;
  pageSize: number;
  pageToken?: string;
}

export interface OverdueItem {
  id: string;
  step: string | null;
  department: string | null;
  deadline: string | null;
  dueAt: string;
  overdueDays: number;
}

export interface AtRiskItem {
  id: string;
  step: string | null;
  department: string | null;
  deadline: string | null;
  dueAt: string;
  remainingHours: number;
}

export interface Rate {
  rate: number | null;
  numerator: number;
  denominator: number;
}

export interface Stats {
  from: string | null;
  to: string | null;
  department: string | null;
  registered: number;
  timelyAcceptanceRate: Rate;
  onTimeCompletionRate: Rate;
  satisfactionRate: Rate;
}

/**
 * The overdue and at-risk lists walk `PetitionDueAt` in consecutive windows (SQL visibility refuses ORDER BY):
 * window by window from the most urgent, each window read in visibility order with Temporal's page token. A window
 * is one value of the list's sort key — a whole overdue day (`overdueDays`), a whole remaining hour
 * (`remainingHours`) — so the order across pages is exact at the granularity of that field.
 */
export interface Windows {
  /** Number of windows; 0 … count-1 from the most urgent. */
  count: number;
  /** The dueAt range of window `i` in ms, `[lo, hi)`; `lo` null is unbounded. */
  bounds(i: number): { lo: number | null; hi: number };
  /** The window a dueAt (ms) falls in. */
  windowOf(dueAt: number): number;
}

/** Whole overdue days with a window of their own; petitions overdue longer share window 0 (sorted per page). */
export const OVERDUE_WINDOW_DAYS = 3_660;

/**
 * Overdue windows for `asOf`: window `i ≥ 1` holds the petitions overdue by exactly `k = OVERDUE_WINDOW_DAYS - i`
 * whole days (`asOf - (k+1)·24h < dueAt ≤ asOf - k·24h`), window 0 those overdue by `OVERDUE_WINDOW_DAYS` days or
 * more. Bounds use only `>=` and `<` (as `[lo, hi)` with ms instants): visibility compares Datetime values as text,
 * where `<=` and `>` are unreliable at equality.
 */
export function overdueWindows(asOf: number, days = OVERDUE_WINDOW_DAYS): Windows {
  return {
    count: days + 1,
    bounds(i) {
      if (i === 0) return { lo: null, hi: asOf - days * DAY_MS + 1 };
      const k = days - i;
      return { lo: asOf - (k + 1) * DAY_MS + 1, hi: k === 0 ? asOf : asOf - k * DAY_MS + 1 };
    },
    windowOf(dueAt) {
      const k = Math.floor((asOf - dueAt) / DAY_MS);
      return k >= days ? 0 : Math.min(days, days - k);
    },
  };
}

/**
 * At-risk windows: window `j` holds the petitions due in `[asOf + j hours, asOf + (j+1) hours)`, up to `until`, so
 * "soonest first" holds exactly at the granularity of `remainingHours`.
 */
export function atRiskWindows(asOf: number, until: number): Windows {
  return {
    count: Math.max(1, Math.ceil((until - asOf) / HOUR_MS)),
    bounds(j) {
      return { lo: asOf + j * HOUR_MS, hi: Math.min(asOf + (j + 1) * HOUR_MS, until) };
    },
    windowOf(dueAt) {
      return Math.max(0, Math.floor((dueAt - asOf) / HOUR_MS));
    },
  };
}

/**
 * Where a page of a window walk starts: a window, Temporal's page token inside it (none: its start), and whether
 * that window is read with the ordered scan (see {@link walkWindows}).
 */
export interface WalkCursor {
  window: number;
  token?: Uint8Array;
  scan?: boolean;
}

/** The API's page token of the overdue and at-risk lists: the walk's cursor plus the `asOf` of the first page. */
interface ListCursor extends WalkCursor {
  asOf: number;
}

/** What a supervision page token is bound to: the list, its filters and the caller's scope. */
function cursorKey(
  kind: 'overdue' | 'at-risk',
  filters: { department?: string; step?: string; within?: number },
  scope: Scope,
): string {
  return JSON.stringify([
    kind,
    1, // version of the window layout
    filters.department ?? null,
    filters.step ?? null,
    filters.within ?? null,
    scope.department ?? null,
  ]);
}

const invalidPageToken = () =>
  new ApiError(
    400,
    'invalid_page_token',
    'The pageToken is damaged or belongs to other filters; repeat the first request (without pageToken) and follow its nextPageToken.',
    { field: 'querystring.pageToken' },
  );

function encodeCursor(key: string, cursor: ListCursor): string {
  const payload: Array<number | string> = [cursor.asOf, cursor.window, cursor.scan ? 1 : 0];
  if (cursor.token) payload.push(Buffer.from(cursor.token).toString('base64url'));
  const token = Buffer.from(JSON.stringify(payload)).toString('base64url');
  return `${token}.${checksum(key, token)}`;
}

function decodeCursor(key: string, pageToken: string): ListCursor {
  const [token, sum, ...rest] = pageToken.split('.');
  if (!token || !sum || rest.length > 0 || checksum(key, token) !== sum) throw invalidPageToken();
  let payload: unknown;
  try {
    payload = JSON.parse(Buffer.from(token, 'base64url').toString('utf8'));
  } catch {
    throw invalidPageToken();
  }
  if (
    !Array.isArray(payload) ||
    payload.length < 3 ||
    payload.length > 4 ||
    !Number.isSafeInteger(payload[0]) ||
    !Number.isSafeInteger(payload[1]) ||
    (payload[1] as number) < 0 ||
    (payload[2] !== 0 && payload[2] !== 1) ||
    (payload.length === 4 && (typeof payload[3] !== 'string' || !/^[A-Za-z0-9_-]{1,4096}$/.test(payload[3])))
  ) {
    throw invalidPageToken();
  }
  const [asOf, window, scan, visibilityToken] = payload as [number, number, 0 | 1, string | undefined];
  return {
    asOf,
    window,
    scan: scan === 1,
    ...(visibilityToken !== undefined && { token: Buffer.from(visibilityToken, 'base64url') }),
  };
}

/** Visibility calls one page of the overdue or at-risk list may make (probes for empty windows included). */
export const WALK_CALL_BUDGET = 32;
/** Empty windows: each probe spans this many times more windows than the one before. */
const GALLOP = 4;
/**
 * How long an ordered scan may take before it is given up for a range read of the same rows: about what the range
 * read of a crowded window costs (the store needs ~0.5 ms per row it returns on the embedded default).
 */
export const scanTimeMs = (pageSize: number) => 60 + 1.5 * pageSize;
/** The time limit of the one-row range probe that tells a small range (it answers) from a large one. */
export const QUICK_PROBE_MS = 25;

/** A row of the overdue or at-risk list, as read from search attributes. */
export interface DueRow {
  id: string;
  step: string | null;
  department: string | null;
  deadline: string | null;
  dueAt: number;
}

const byDue = (a: DueRow, b: DueRow) => a.dueAt - b.dueAt || (a.id < b.id ? -1 : a.id > b.id ? 1 : 0);

/** One visibility page of the rows whose dueAt lies in windows `[from, to)`, in visibility order. */
export type ReadWindows = (
  from: number,
  to: number,
  pageSize: number,
  token?: Uint8Array,
) => Promise<{ rows: DueRow[]; next?: Uint8Array }>;

/**
 * The same page as {@link ReadWindows} (same rows, same order, same token), asked so that the store answers it
 * cheaply when the rows are dense and slowly when they are sparse; `undefined` when it gave up (a time limit).
 */
export type ScanWindows = (
  from: number,
  to: number,
  pageSize: number,
  token?: Uint8Array,
) => Promise<{ rows: DueRow[]; next?: Uint8Array } | undefined>;

/**
 * One page of a window walk: the rows of the windows from `cursor` on, most urgent window first, at most
 * `pageSize`, and the cursor of the next page (null when every window has been read).
 *
 * - Inside a window rows come in visibility order, page by page with Temporal's token (a key of the last row, so it
 *   continues any query); each page is sorted by dueAt and id. A window read to its end (no token) has all its rows
 *   here, so several small windows read at once are sorted as a whole.
 * - `read` answers a dueAt range by reading every row in it (cheap when empty or small, slow for a crowded window);
 *   `scan`, when given, answers from the open petitions in visibility order (cheap when the range is dense among
 *   them, a full scan when it is sparse, so it gives up after a time limit). A page that starts a window first asks
 *   `quick` (a one-row `read` with a short time limit) about everything left: nothing, or an answer in time (a
 *   small range: go on with `read` from the earliest non-empty window), or no answer in time (a large range: ask
 *   `scan` for the page). A page inside a window keeps using `scan` while it answers in time.
 * - Empty windows are skipped with reads over spans that grow by {@link GALLOP} while they are empty; after a span
 *   read to its end, the next span is sized for what is left of the page. A full answer
 *   for a span (more may follow) is used only when all its rows lie in one window `m` and no earlier window of the
 *   span holds any row (a one-row probe): then they are the first rows of `m` in visibility order and Temporal's
 *   token continues `m`. Otherwise the earliest non-empty window is found by bisection with one-row probes.
 * - At most `budget` visibility calls: a page may then hold fewer rows, with a cursor that has moved past every
 *   window found empty.
 *
 * Nothing is skipped or repeated while the data does not change: windows partition the dueAt range, every window is
 * read from its start to its end, and the cursor only moves past windows that are read or found empty.
 */
export async function walkWindows(
  windows: Windows,
  read: ReadWindows,
  pageSize: number,
  cursor: WalkCursor | undefined,
  opts: { scan?: ScanWindows; quick?: ScanWindows; budget?: number } = {},
): Promise<{ rows: DueRow[]; next: WalkCursor | null; calls: number }> {
  const budget = opts.budget ?? WALK_CALL_BUDGET;
  const out: DueRow[] = [];
  let calls = 0;
  let i = Math.min(cursor?.window ?? 0, windows.count);
  let token = cursor?.token;
  let scanning = cursor?.scan === true && opts.scan !== undefined;
  let span = 1;
  // Defensive: a row outside the span (the query bounds it, so it cannot be) must not be emitted twice.
  const clip = <R extends { rows: DueRow[] }>(r: R, from: number, to: number): R => ({
    ...r,
    rows: r.rows.filter((row) => {
      const w = windows.windowOf(row.dueAt);
      return w >= from && w < to;
    }),
  });
  const readSpan = async (from: number, to: number, n: number, t?: Uint8Array) => {
    calls += 1;
    return clip(await read(from, to, n, t), from, to);
  };
  const scanSpan = async (from: number, to: number, n: number, t?: Uint8Array) => {
    calls += 1;
    const r = await opts.scan!(from, to, n, t);
    return r && clip(r, from, to);
  };
  /**
   * The earliest non-empty window in [from, to], knowing that `to` is not empty, with one-row probes "is there a row
   * before window c?": first before `to` itself, then before windows ever further back (1, 4, 16, … windows) until
   * there is none, then by bisection. A probe that answers lowers the bound to the window of the row it returned.
   * With `quick`, a probe that gives up counts as "yes" (a range that is slow to read is not empty): that can only
   * make the answer earlier than the truth, which costs a read of empty windows, never a row.
   */
  const earliest = async (from: number, to: number): Promise<number | undefined> => {
    let lo = from; // every window before lo is empty
    let hi = to; // some window in [lo, hi] is not
    let back = 0;
    let galloping = true;
    while (lo < hi) {
      if (calls >= budget) return undefined;
      let c = Math.floor((lo + hi + 1) / 2);
      if (galloping) {
        if (hi - back <= lo) galloping = false;
        else c = hi - back;
      }
      calls += 1;
      const answer = opts.quick ? await opts.quick(lo, c, 1) : await read(lo, c, 1);
      const p = answer && clip(answer, lo, c);
      if (p && p.rows.length === 0) {
        lo = c;
        galloping = false;
      } else {
        const sample = p?.rows[0];
        hi = sample ? Math.min(c - 1, windows.windowOf(sample.dueAt)) : c - 1;
        back = back === 0 ? 1 : back * GALLOP;
      }
    }
    return hi;
  };
  /**
   * A full answer `r` for a span from window `from` on: when its rows are the first of one window, takes them and
   * puts the walk inside that window (true); otherwise moves the walk to the earliest non-empty window of the span
   * (false); undefined when the budget ran out.
   */
  const settle = async (from: number, r: { rows: DueRow[]; next?: Uint8Array }) => {
    const inWindow = r.rows.map((row) => windows.windowOf(row.dueAt));
    const m = Math.min(...inWindow);
    const first = m === from ? from : await earliest(from, m);
    if (first === undefined) return undefined;
    if (first === m && inWindow.every((w) => w === m)) {
      out.push(...r.rows.sort(byDue));
      i = m;
      token = r.next;
      return true;
    }
    i = first;
    span = 1;
    return false;
  };

  // A page that starts a window: a one-row range probe of everything left, given up after a short time limit,
  // tells how to go on. Nothing: the walk is over. An answer: what is left is small (range reads are cheap), and
  // the sample bounds the earliest non-empty window. No answer in time: what is left is large, so ask the ordered
  // scan for the page. (The scan is used only when the budget also covers the bisection it may need, so a page
  // always moves on.)
  const bisection = 2 + Math.ceil(Math.log2(windows.count - i + 1));
  if (!token && opts.scan && opts.quick && i < windows.count && budget - calls > bisection + 1) {
    calls += 1;
    const probe = await opts.quick(i, windows.count, 1);
    const sample = probe?.rows[0];
    if (probe && !sample) {
      i = windows.count;
    } else if (sample) {
      const first = await earliest(
        i,
        Math.max(i, Math.min(windows.count - 1, windows.windowOf(sample.dueAt))),
      );
      if (first === undefined) return { rows: out, next: { window: i }, calls };
      i = first;
    } else {
      const r = await scanSpan(i, windows.count, pageSize);
      if (r && (r.rows.length === 0 || !r.next)) {
        out.push(...r.rows.sort(byDue));
        i = windows.count;
      } else if (r) {
        const inside = await settle(i, r);
        if (inside === undefined) return { rows: out, next: { window: i }, calls };
        scanning = inside;
      }
    }
  }

  while (out.length < pageSize && i < windows.count && calls < budget) {
    const need = pageSize - out.length;
    if (token) {
      let r = scanning ? await scanSpan(i, i + 1, need, token) : undefined;
      if (!r) {
        scanning = false;
        if (calls >= budget) break;
        r = await readSpan(i, i + 1, need, token);
      }
      out.push(...r.rows.sort(byDue));
      if (r.next && r.rows.length > 0) token = r.next;
      else {
        token = undefined;
        scanning = false;
        i += 1;
        span = 1;
      }
      continue;
    }
    const to = Math.min(windows.count, i + span);
    const r = await readSpan(i, to, need);
    if (r.rows.length === 0) {
      i = to;
      span *= GALLOP;
      continue;
    }
    if (!r.next) {
      // The whole span is here: sorted, it is in order. The next span is sized for what is left of the page at
      // the rows per window seen so far (growing at most by GALLOP).
      out.push(...r.rows.sort(byDue));
      const perWindow = r.rows.length / (to - i);
      span = Math.max(1, Math.min(span * GALLOP, Math.floor((pageSize - out.length) / perWindow)));
      i = to;
      continue;
    }
    if ((await settle(i, r)) === undefined) break;
    scanning = false;
  }
  const next =
    i < windows.count
      ? { window: i, ...(token && { token }), ...(token && scanning && { scan: true }) }
      : null;
  return { rows: out, next, calls };
}

export function createSupervisionService(deps: {
  client: Client;
  connection: Connection;
  namespace: string;
  rpcTimeoutMs: number;
  now: () => Date;
  /** Time limits of the window walk (tests): the one-row range probe, the ordered scan of a page. */
  walkTimeLimits?: { quickProbeMs?: number; scanMs?: (pageSize: number) => number };
}) {
  const { client, connection } = deps;
  const call = <T>(what: string, fn: () => Promise<T>) =>
    boundedCall(connection, deps.rpcTimeoutMs, what, fn);

  async function page(query: string, pageSize: number, token?: Uint8Array) {
    const res = await call('list petitions', () =>
      client.workflowService.listWorkflowExecutions({
        namespace: deps.namespace,
        query,
        pageSize,
        nextPageToken: token ?? new Uint8Array(),
      }),
    );
    const now = deps.now().getTime();
    const items = res.executions.map((raw): PetitionListItem => {
      const sa = decodeTypedSearchAttributes(raw.searchAttributes?.indexedFields);
      const status = sa.get(SA.status) ?? null;
      const dueAt = sa.get(SA.dueAt) ?? null;
      const overdue =
        status === 'open' && ((sa.get(SA.overdue) ?? false) || (dueAt !== null && dueAt.getTime() < now));
      return {
        id: (raw.execution?.workflowId ?? '').replace(/^petition-/, ''),
        status,
        step: sa.get(SA.step) ?? null,
        category: sa.get(SA.category) ?? null,
        channel: sa.get(SA.channel) ?? null,
        department: sa.get(SA.department) ?? null,
        receivedAt: sa.get(SA.receivedAt)?.toISOString() ?? null,
        dueAt: dueAt?.toISOString() ?? null,
        overdue,
      };
    });
    const deadlineIds = res.executions.map(
      (raw) => decodeTypedSearchAttributes(raw.searchAttributes?.indexedFields).get(SA.deadline) ?? null,
    );
    const next = res.nextPageToken && res.nextPageToken.length > 0 ? res.nextPageToken : undefined;
    return { items, deadlineIds, next };
  }

  /**
   * Reads the open petitions (matching the filters, in scope) whose dueAt lies in a span of windows. As a range on
   * `PetitionDueAt` (`read`), SQLite visibility answers from its dueAt index: every row of the range is read and
   * sorted, cheap when the range is small. The same condition as `NOT (dueAt < lo) AND NOT (dueAt >= hi)` (`scan`)
   * is not an index range, so it walks the open petitions in visibility order and stops at the page's last row:
   * cheap when the range is dense among them, a full scan when it is sparse, so `scan` gives up after a time limit
   * (the call is cancelled, which stops the store's query). Both ask the same rows in the same order.
   */
  const dueRows =
    (windows: Windows, filters: { department?: string; step?: string }, scope: Scope) =>
    (form: 'range' | 'scan') =>
    async (from: number, to: number, pageSize: number, token?: Uint8Array, signal?: AbortSignal) => {
      const lo = windows.bounds(from).lo;
      const hi = windows.bounds(to - 1).hi;
      const q = scoped(new VisibilityQuery(), scope).eq(SA.status.name, 'open');
      if (form === 'range') {
        q.compare(SA.dueAt.name, '>=', lo === null ? undefined : new Date(lo)).compare(
          SA.dueAt.name,
          '<',
          new Date(hi),
        );
      } else {
        if (lo !== null) q.raw(`NOT (${SA.dueAt.name} < ${VisibilityQuery.instant(new Date(lo))})`);
        q.raw(`NOT (${SA.dueAt.name} >= ${VisibilityQuery.instant(new Date(hi))})`);
      }
      const query = q.eq(SA.department.name, filters.department).eq(SA.step.name, filters.step).toString();
      const list = () =>
        client.workflowService.listWorkflowExecutions({
          namespace: deps.namespace,
          query,
          pageSize,
          nextPageToken: token ?? new Uint8Array(),
        });
      const res = await call('list petitions', () =>
        signal ? connection.withAbortSignal(signal, list) : list(),
      );
      const rows: DueRow[] = [];
      for (const raw of res.executions) {
        const sa = decodeTypedSearchAttributes(raw.searchAttributes?.indexedFields);
        const dueAt = sa.get(SA.dueAt);
        if (!dueAt) continue;
        rows.push({
          id: (raw.execution?.workflowId ?? '').replace(/^petition-/, ''),
          step: sa.get(SA.step) ?? null,
          department: sa.get(SA.department) ?? null,
          deadline: sa.get(SA.deadline) ?? null,
          dueAt: dueAt.getTime(),
        });
      }
      const next = res.nextPageToken && res.nextPageToken.length > 0 ? res.nextPageToken : undefined;
      return { rows, ...(next && { next }) };
    };

  /** The page of a window walk, with `read` and `scan` over the same rows. */
  function walk(
    windows: Windows,
    filters: { department?: string; step?: string; pageSize: number },
    scope: Scope,
    cursor: WalkCursor | undefined,
  ) {
    const rows = dueRows(windows, filters, scope);
    const read: ReadWindows = (from, to, pageSize, token) => rows('range')(from, to, pageSize, token);
    const scanRows = rows('scan');
    const limited =
      (ask: typeof scanRows, ms: (pageSize: number) => number): ScanWindows =>
      async (from, to, pageSize, token) => {
        const abort = new AbortController();
        const timer = setTimeout(() => abort.abort(), ms(pageSize));
        try {
          return await ask(from, to, pageSize, token, abort.signal);
        } catch {
          // Gave up (or the store refused the form): the walk reads the same rows as a range.
          return undefined;
        } finally {
          clearTimeout(timer);
        }
      };
    const quickMs = deps.walkTimeLimits?.quickProbeMs ?? QUICK_PROBE_MS;
    return walkWindows(windows, read, filters.pageSize, cursor, {
      scan: limited(scanRows, deps.walkTimeLimits?.scanMs ?? scanTimeMs),
      quick: limited(rows('range'), () => quickMs),
    });
  }

  async function count(query: string): Promise<number> {
    const res = await call('count petitions', () => client.workflow.count(query));
    return res.count;
  }

  const rate = (numerator: number, denominator: number): Rate => ({
    rate: denominator === 0 ? null : Math.round((numerator / denominator) * 10_000) / 10_000,
    numerator,
    denominator,
  });

  return {
    /** `GET /v1/petitions`: one page of petitions matching the filters. */
    async list(
      filters: ListFilters,
      scope: Scope,
    ): Promise<{ items: PetitionListItem[]; nextPageToken: string | null }> {
      const now = deps.now();
      const q = scoped(new VisibilityQuery(), scope)
        .eq(SA.step.name, filters.step)
        .eq(SA.department.name, filters.department)
        .eq(SA.status.name, filters.status)
        .eq(SA.category.name, filters.category)
        .compare(SA.dueAt.name, '<', filters.dueBefore && toInstant(filters.dueBefore))
        .compare(SA.receivedAt.name, '>=', filters.receivedFrom && toInstant(filters.receivedFrom))
        .compare(SA.receivedAt.name, '<', filters.receivedTo && toInstant(filters.receivedTo));
      if (filters.overdue === true) {
        q.eq(SA.status.name, 'open').compare(SA.dueAt.name, '<', now);
      } else if (filters.overdue === false) {
        q.raw(
          `${SA.status.name} != 'open' OR ${SA.dueAt.name} IS NULL OR ${SA.dueAt.name} >= ${VisibilityQuery.instant(now)}`,
        );
      }
      const query = q.toString();
      const token = filters.pageToken ? decodePageToken(query, filters.pageToken) : undefined;
      const p = await page(query, filters.pageSize, token);
      return { items: p.items, nextPageToken: p.next ? encodePageToken(query, p.next) : null };
    },

    /**
     * Open petitions past their earliest body deadline, most overdue first (whole overdue days; within a day by
     * dueAt and id on each page), one page at a time: see {@link walkWindows}.
     */
    async overdue(
      filters: { department?: string; step?: string; pageSize: number; pageToken?: string },
      scope: Scope,
    ) {
      const key = cursorKey('overdue', filters, scope);
      const cursor = filters.pageToken ? decodeCursor(key, filters.pageToken) : undefined;
      const asOf = cursor?.asOf ?? deps.now().getTime();
      const windows = overdueWindows(asOf);
      const page = await walk(windows, filters, scope, cursor);
      const items: OverdueItem[] = page.rows.map((r) => ({
        id: r.id,
        step: r.step,
        department: r.department,
        deadline: r.deadline,
        dueAt: new Date(r.dueAt).toISOString(),
        overdueDays: Math.floor((asOf - r.dueAt) / DAY_MS),
      }));
      const nextPageToken = page.next ? encodeCursor(key, { asOf, ...page.next }) : null;
      return { asOf: new Date(asOf).toISOString(), items, truncated: nextPageToken !== null, nextPageToken };
    },

    /**
     * Open petitions whose earliest body deadline falls between now and now + `withinMs`, soonest first (by whole
     * remaining hours; within an hour by dueAt and id on each page), one page at a time.
     */
    async atRisk(
      withinMs: number,
      filters: { department?: string; step?: string; pageSize: number; pageToken?: string },
      scope: Scope,
    ) {
      const key = cursorKey('at-risk', { ...filters, within: withinMs }, scope);
      const cursor = filters.pageToken ? decodeCursor(key, filters.pageToken) : undefined;
      const asOf = cursor?.asOf ?? deps.now().getTime();
      const until = asOf + withinMs;
      const windows = atRiskWindows(asOf, until);
      const page = await walk(windows, filters, scope, cursor);
      const items: AtRiskItem[] = page.rows.map((r) => ({
        id: r.id,
        step: r.step,
        department: r.department,
        deadline: r.deadline,
        dueAt: new Date(r.dueAt).toISOString(),
        remainingHours: Math.floor((r.dueAt - asOf) / HOUR_MS),
      }));
      const nextPageToken = page.next ? encodeCursor(key, { asOf, ...page.next }) : null;
      return {
        asOf: new Date(asOf).toISOString(),
        until: new Date(until).toISOString(),
        items,
        truncated: nextPageToken !== null,
        nextPageToken,
      };
    },

    /**
     * The three rates of the supervision report over petitions received in [from, to):
     * - 及时受理率 = AcceptedOnTime = true / (AcceptedOnTime = true + AcceptedOnTime = false);
     * - 按期办结率 = FinishedOnTime = true / (FinishedOnTime = true + FinishedOnTime = false);
     * - 群众满意率 = Satisfaction ∈ {satisfied, basically-satisfied} / Satisfaction ∈ {all three ratings}.
     * Petitions whose period still runs (flag unset) or that were not rated count in no denominator.
     */
    async stats(
      from: string | undefined,
      to: string | undefined,
      department: string | undefined,
    ): Promise<Stats> {
      const base = () =>
        new VisibilityQuery()
          .eq(SA.department.name, department)
          .compare(SA.receivedAt.name, '>=', from && toInstant(from))
          .compare(SA.receivedAt.name, '<', to && toInstant(to));
      const [registered, acceptedYes, acceptedNo, finishedYes, finishedNo, satisfied, rated] =
        await Promise.all([
          count(base().toString()),
          count(base().bool(SA.acceptedOnTime.name, true).toString()),
          count(base().bool(SA.acceptedOnTime.name, false).toString()),
          count(base().bool(SA.finishedOnTime.name, true).toString()),
          count(base().bool(SA.finishedOnTime.name, false).toString()),
          count(base().in(SA.satisfaction.name, ['satisfied', 'basically-satisfied']).toString()),
          count(
            base().in(SA.satisfaction.name, ['satisfied', 'basically-satisfied', 'unsatisfied']).toString(),
          ),
        ]);
      return {
        from: from ? new Date(toInstant(from)).toISOString() : null,
        to: to ? new Date(toInstant(to)).toISOString() : null,
        department: department ?? null,
        registered,
        timelyAcceptanceRate: rate(acceptedYes, acceptedYes + acceptedNo),
        onTimeCompletionRate: rate(finishedYes, finishedYes + finishedNo),
        satisfactionRate: rate(satisfied, rated),
      };
    },
  };
}

export type SupervisionService = ReturnType<typeof createSupervisionService>;
