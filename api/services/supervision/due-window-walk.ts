/**
 * The walk behind the overdue and at-risk lists: `PetitionDueAt` read window by window from the most urgent, so the
 * order across pages is exact at the granularity of the list's sort key. Pure: visibility is reached through the
 * `read`/`scan` functions it is given (api/services/supervision/service.ts; an in-memory store in the tests).
 */

/** A day and an hour in ms: the sort keys of the overdue (whole days) and at-risk (whole hours) lists. */
export const DAY_MS = 86_400_000;
export const HOUR_MS = 3_600_000;

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
