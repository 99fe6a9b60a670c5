/**
 * The window walk behind the overdue and at-risk lists (api/services/supervision.ts), against an in-memory
 * visibility store that behaves like Temporal's SQL visibility: rows in (start time desc, run id) order, a page token
 * that is the key of the last row (so it continues any query), a token whenever a page is full.
 */
import { describe, expect, it } from 'vitest';
import {
  atRiskWindows,
  OVERDUE_WINDOW_DAYS,
  overdueWindows,
  walkWindows,
  WALK_CALL_BUDGET,
  type DueRow,
  type ReadWindows,
  type ScanWindows,
  type WalkCursor,
  type Windows,
} from '../../api/services/supervision';

const DAY = 86_400_000;
const ASOF = Date.parse('2026-11-26T09:30:00.123Z');

interface Stored extends DueRow {
  startTime: number;
}

/** Visibility over `rows`: the rows whose dueAt lies in the windows' range, in visibility order, keyset paging. */
function fakeVisibility(windows: Windows, rows: Stored[]) {
  const order = [...rows].sort((a, b) => b.startTime - a.startTime || (a.id < b.id ? -1 : 1));
  const stats = { calls: 0 };
  const read: ReadWindows = async (from, to, pageSize, token) => {
    stats.calls += 1;
    const lo = windows.bounds(from).lo;
    const hi = windows.bounds(to - 1).hi;
    let start = 0;
    if (token) {
      const key = JSON.parse(Buffer.from(token).toString()) as { startTime: number; id: string };
      start = order.findIndex(
        (r) => r.startTime < key.startTime || (r.startTime === key.startTime && r.id > key.id),
      );
      if (start === -1) start = order.length;
    }
    const page = order
      .slice(start)
      .filter((r) => (lo === null || r.dueAt >= lo) && r.dueAt < hi)
      .slice(0, pageSize);
    const last = page[page.length - 1];
    const next =
      page.length === pageSize && last
        ? new Uint8Array(Buffer.from(JSON.stringify({ startTime: last.startTime, id: last.id })))
        : undefined;
    return { rows: page.map(({ startTime: _, ...row }) => row), ...(next && { next }) };
  };
  /** The same answers, given up (undefined) as `giveUp` decides: the ordered scan of the real store. */
  const scan =
    (giveUp: (matching: number) => boolean): ScanWindows =>
    async (from, to, pageSize, token) => {
      const lo = windows.bounds(from).lo;
      const hi = windows.bounds(to - 1).hi;
      const matching = rows.filter((r) => (lo === null || r.dueAt >= lo) && r.dueAt < hi).length;
      if (giveUp(matching)) {
        stats.calls += 1;
        return undefined;
      }
      return await read(from, to, pageSize, token);
    };
  return { read, scan, stats };
}

type ScanKind = 'none' | 'always' | 'dense' | 'flaky';
const scans: ScanKind[] = ['none', 'always', 'dense', 'flaky'];

/** Follows every page; checks each page against the budget and that the walk always moves on. */
async function walkAll(
  windows: Windows,
  rows: Stored[],
  pageSize: number,
  budget = WALK_CALL_BUDGET,
  scanKind: ScanKind = 'none',
) {
  const { read, scan, stats } = fakeVisibility(windows, rows);
  const flaky = rng(99);
  const scanner =
    scanKind === 'none'
      ? undefined
      : {
          scan: scan(
            scanKind === 'always'
              ? () => false
              : scanKind === 'dense'
                ? (matching) => matching < rows.length / 4
                : () => flaky() < 0.5,
          ),
          // The one-row range probe answers in time when the range is small.
          quick: scan(scanKind === 'flaky' ? () => flaky() < 0.5 : (matching) => matching > 40),
        };
  const pages: DueRow[][] = [];
  let cursor: WalkCursor | undefined;
  let maxCalls = 0;
  const perPage: number[] = [];
  for (let guard = 0; guard < 100_000; guard++) {
    const before = stats.calls;
    const page = await walkWindows(windows, read, pageSize, cursor, { budget, ...scanner });
    maxCalls = Math.max(maxCalls, stats.calls - before);
    perPage.push(stats.calls - before);
    expect(page.calls).toBe(stats.calls - before);
    expect(page.rows.length).toBeLessThanOrEqual(pageSize);
    pages.push(page.rows);
    if (!page.next) return { pages, maxCalls, perPage, calls: stats.calls };
    // Progress: the next page starts later, or at the same window further in (a token), or rows were returned.
    expect(
      page.rows.length > 0 ||
        page.next.window > (cursor?.window ?? 0) ||
        (page.next.token !== undefined && page.next.token !== cursor?.token),
    ).toBe(true);
    cursor = page.next;
  }
  throw new Error('the walk did not end');
}

function checkWalk(windows: Windows, rows: Stored[], pages: DueRow[][]) {
  const all = pages.flat();
  // Every row exactly once.
  expect(all.map((r) => r.id).sort()).toEqual(rows.map((r) => r.id).sort());
  // Windows in order across pages; dueAt then id within each page.
  const w = all.map((r) => windows.windowOf(r.dueAt));
  for (let i = 1; i < w.length; i++) expect(w[i]).toBeGreaterThanOrEqual(w[i - 1]!);
  for (const page of pages) {
    for (let i = 1; i < page.length; i++) {
      const a = page[i - 1]!;
      const b = page[i]!;
      expect(a.dueAt < b.dueAt || (a.dueAt === b.dueAt && a.id < b.id)).toBe(true);
    }
  }
}

/** A deterministic pseudo-random generator (tests must not flake). */
function rng(seed: number) {
  let s = seed >>> 0;
  return () => {
    s = (Math.imul(s, 1664525) + 1013904223) >>> 0;
    return s / 2 ** 32;
  };
}

const row = (i: number, dueAt: number, startTime = i): Stored => ({
  id: `XF${String(i).padStart(6, '0')}`,
  step: 'accept-notice',
  department: 'D1',
  deadline: 'acceptance',
  dueAt,
  startTime,
});

describe('overdue windows', () => {
  it('give each whole overdue day a window of its own, with exact bounds, and the rest to window 0', () => {
    const w = overdueWindows(ASOF);
    expect(w.count).toBe(OVERDUE_WINDOW_DAYS + 1);
    for (const [dueAt, days] of [
      [ASOF - 1, 0],
      [ASOF - DAY + 1, 0],
      [ASOF - DAY, 1],
      [ASOF - 25 * DAY, 25],
      [ASOF - 25 * DAY - 1, 25],
      [ASOF - 26 * DAY + 1, 25],
      [ASOF - (OVERDUE_WINDOW_DAYS - 1) * DAY, OVERDUE_WINDOW_DAYS - 1],
    ] as const) {
      const i = w.windowOf(dueAt);
      expect(i, `dueAt = asOf - ${ASOF - dueAt} ms`).toBe(OVERDUE_WINDOW_DAYS - days);
      expect(Math.floor((ASOF - dueAt) / DAY)).toBe(days);
      const { lo, hi } = w.bounds(i);
      expect(lo === null || lo <= dueAt).toBe(true);
      expect(dueAt).toBeLessThan(hi);
    }
    expect(w.windowOf(ASOF - OVERDUE_WINDOW_DAYS * DAY)).toBe(0);
    expect(w.windowOf(Date.parse('1990-01-01T00:00:00Z'))).toBe(0);
    expect(w.bounds(0).lo).toBeNull();
    // Consecutive windows meet; the last ends at asOf (overdue means dueAt < asOf).
    for (let i = 0; i < w.count - 1; i++) expect(w.bounds(i).hi).toBe(w.bounds(i + 1).lo);
    expect(w.bounds(w.count - 1).hi).toBe(ASOF);
  });

  it('at-risk windows are whole remaining hours from asOf, the last one ends at until', () => {
    const HOUR = 3_600_000;
    const until = ASOF + 3 * DAY - 5;
    const w = atRiskWindows(ASOF, until);
    expect(w.count).toBe(72);
    expect(w.bounds(0)).toEqual({ lo: ASOF, hi: ASOF + HOUR });
    expect(w.bounds(71)).toEqual({ lo: ASOF + 71 * HOUR, hi: until });
    expect(w.windowOf(ASOF)).toBe(0);
    expect(w.windowOf(ASOF + HOUR - 1)).toBe(0);
    expect(w.windowOf(ASOF + HOUR)).toBe(1);
    for (let i = 0; i < w.count - 1; i++) expect(w.bounds(i).hi).toBe(w.bounds(i + 1).lo);
    expect(atRiskWindows(ASOF, ASOF + 60_000).count).toBe(1);
  });
});

describe('the window walk', () => {
  it('reads nothing but probes when there is nothing, and ends', async () => {
    const w = overdueWindows(ASOF);
    const { pages, maxCalls } = await walkAll(w, [], 50);
    expect(pages).toEqual([[]]);
    expect(maxCalls).toBeLessThanOrEqual(8);
    expect((await walkAll(w, [], 50, WALK_CALL_BUDGET, 'always')).perPage).toEqual([1]);
  });

  it('pages through one crowded window (every petition due the same instant) with Temporal tokens', async () => {
    const w = overdueWindows(ASOF);
    const due = ASOF - 25 * DAY + 7 * 3_600_000;
    const rows = Array.from({ length: 1_000 }, (_, i) => row(i, due));
    const { pages, maxCalls } = await walkAll(w, rows, 50);
    checkWalk(w, rows, pages);
    expect(pages.length).toBe(21); // 20 full pages, and an empty one behind a token of a full page
    // The first page: probes of empty spans, one read, one check that nothing is older.
    expect(maxCalls).toBeLessThanOrEqual(10);
    // With an ordered scan that answers: the scan, and the check that nothing is older.
    const scanned = await walkAll(w, rows, 50, WALK_CALL_BUDGET, 'always');
    checkWalk(w, rows, scanned.pages);
    // The first page: the probe (no answer in time: a large range), the scan, the check that nothing is older.
    expect(scanned.perPage.slice(0, 20)).toEqual(Array(20).fill(3).fill(1, 1));
    for (const kind of ['dense', 'flaky'] as const)
      checkWalk(w, rows, (await walkAll(w, rows, 50, WALK_CALL_BUDGET, kind)).pages);
  });

  it('reads small windows whole and sorts them, most overdue first', async () => {
    const w = overdueWindows(ASOF);
    const rows = [
      row(1, ASOF - 3 * DAY, 50),
      row(2, ASOF - 400 * DAY, 40),
      row(3, ASOF - 3 * DAY - 5, 30),
      row(4, ASOF - 1, 20),
      row(5, ASOF - 9_000 * DAY, 10), // older than every window: window 0
      row(6, ASOF - 400 * DAY, 5),
    ];
    const { pages } = await walkAll(w, rows, 10);
    checkWalk(w, rows, pages);
    expect(pages[0]!.map((r) => r.id)).toEqual([
      'XF000005',
      'XF000002',
      'XF000006',
      'XF000003',
      'XF000001',
      'XF000004',
    ]);
  });

  it.each([
    ['spread over a year', 1],
    ['a few crowded days among sparse ones', 2],
    ['newer petitions registered first', 3],
    ['every day of two months', 4],
  ])('never skips or repeats a petition: %s', async (_name, kind) => {
    const rand = rng(kind * 7919);
    const w = overdueWindows(ASOF);
    const rows: Stored[] = [];
    for (let i = 0; i < 700; i++) {
      const days =
        kind === 1
          ? Math.floor(rand() * 365)
          : kind === 2
            ? rand() < 0.8
              ? [3, 25, 26][Math.floor(rand() * 3)]!
              : Math.floor(rand() * 900)
            : kind === 3
              ? Math.floor(i / 3)
              : i % 60;
      const due = ASOF - days * DAY - Math.floor(rand() * DAY);
      rows.push(row(i, due, kind === 3 ? -i : Math.floor(rand() * 1e6)));
    }
    for (const scanKind of scans) {
      for (const pageSize of [1, 7, 50, 500]) {
        const { pages, maxCalls } = await walkAll(w, rows, pageSize, WALK_CALL_BUDGET, scanKind);
        checkWalk(w, rows, pages);
        expect(maxCalls).toBeLessThanOrEqual(WALK_CALL_BUDGET);
      }
    }
  });

  it('returns fewer rows with a cursor that moves on when its budget of calls runs out', async () => {
    const rand = rng(42);
    const w = overdueWindows(ASOF);
    const rows = Array.from({ length: 300 }, (_, i) =>
      row(i, ASOF - Math.floor(rand() * 2_000) * DAY - Math.floor(rand() * DAY), Math.floor(rand() * 1e6)),
    );
    for (const scanKind of scans) {
      const { pages, maxCalls } = await walkAll(w, rows, 50, 4, scanKind);
      checkWalk(w, rows, pages);
      expect(maxCalls).toBeLessThanOrEqual(4);
      if (scanKind === 'none') expect(pages.some((p) => p.length < 50 && p.length > 0)).toBe(true);
      // Budget enough for the scan and the bisection it may need, not for much more.
      const tight = await walkAll(w, rows, 50, 16, scanKind);
      checkWalk(w, rows, tight.pages);
      expect(tight.maxCalls).toBeLessThanOrEqual(16);
    }
  });

  it('walks at-risk windows soonest first', async () => {
    const rand = rng(5);
    const w = atRiskWindows(ASOF, ASOF + 30 * DAY);
    const rows = Array.from({ length: 400 }, (_, i) =>
      row(i, ASOF + Math.floor(rand() * 30 * DAY), Math.floor(rand() * 1e6)),
    );
    for (const scanKind of scans) {
      for (const pageSize of [3, 100]) {
        const { pages } = await walkAll(w, rows, pageSize, WALK_CALL_BUDGET, scanKind);
        checkWalk(w, rows, pages);
      }
    }
  });
});
