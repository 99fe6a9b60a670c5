/**
 * The annual report of Art. 41, counted from visibility: every figure is one `count` over the petitions received in
 * the year (Asia/Shanghai), built with the supervision query builder from the search attributes and the keywords of
 * `PetitionFlags` that the definition declares (definitions/README.md, flags). Temporal's visibility groups counts by
 * `ExecutionStatus` only, so each value (category, channel, route, body, outcome) is a count of its own.
 */
import {
  loadStatutoryDefinition,
  STATUTORY_CATEGORIES,
  STATUTORY_CHANNELS,
} from '../../../definitions/statutory';
import { PetitionSearchAttributes as SA } from '../../../workflows/search-attributes';
import type { AnnualReport } from '../../schemas/reports';
import { rate } from './rate';
import { VisibilityQuery } from './visibility-query';

/** The routes of Art. 31 as the statutory definition flags them (`route:<id>`). */
export const REPORT_ROUTES: ReadonlyArray<{ key: string; name: string }> = [
  { key: 'procedure', name: '依法定途径处理（诉访分离）' },
  { key: 'duty', name: '依职责处理' },
  { key: 'investigation', name: '调查核实' },
];
const INTAKES: ReadonlyArray<{ key: string; name: string }> = [
  { key: 'bureau', name: '信访部门登记（第二十二条）' },
  { key: 'department', name: '机关单位直接收到（第二十三条第二款）' },
];
const OUTCOMES = ['pending', 'support', 'explain', 'reject'] as const;
/** At most this many counts are asked at once (the report asks 35, plus four per body). */
const CONCURRENCY = 8;
const MOST_COMPLAINED = 10;

export interface AnnualReportDeps {
  count(query: string): Promise<number>;
  bodies(): Promise<Array<{ code: string; name: string }>>;
  now(): Date;
}

/** [start of the year, start of the next) in Asia/Shanghai (UTC+8 all year, no daylight saving). */
export function yearBounds(year: number): { from: string; to: string } {
  const start = (y: number) => new Date(`${String(y).padStart(4, '0')}-01-01T00:00:00+08:00`).toISOString();
  return { from: start(year), to: start(year + 1) };
}

/** Runs the tasks with at most `limit` at once, answers in their order. */
async function limited<T>(tasks: Array<() => Promise<T>>, limit: number): Promise<T[]> {
  const results = new Array<T>(tasks.length);
  let next = 0;
  const lane = async () => {
    while (next < tasks.length) {
      const i = next++;
      results[i] = await tasks[i]!();
    }
  };
  await Promise.all(Array.from({ length: Math.min(limit, tasks.length) }, lane));
  return results;
}

export async function annualReport(
  deps: AnnualReportDeps,
  year: number,
  department: string | undefined,
): Promise<AnnualReport> {
  const { from, to } = yearBounds(year);
  const generatedAt = deps.now().toISOString();
  /** Received in the year (and handled by the body asked for). */
  const inYear = () =>
    new VisibilityQuery().compare(SA.receivedAt.name, '>=', from).compare(SA.receivedAt.name, '<', to);
  const base = () => {
    const q = inYear();
    return department === undefined ? q : q.eq(SA.flags.name, `handler:${department}`);
  };
  const flag = (keyword: string) => base().eq(SA.flags.name, keyword);

  const definition = loadStatutoryDefinition();
  const categories = STATUTORY_CATEGORIES.map((key) => ({
    key,
    name: definition.registration?.categories[key]?.name ?? key,
  }));
  const channels = STATUTORY_CHANNELS.map((key) => ({
    key,
    name: definition.registration?.channels?.[key]?.name ?? key,
  }));
  const registry = await deps.bodies();
  const bodies =
    department === undefined
      ? registry
      : [registry.find((b) => b.code === department) ?? { code: department, name: department }];

  // Every count is named, then asked with bounded concurrency.
  const queries = new Map<string, VisibilityQuery>();
  const ask = (name: string, query: VisibilityQuery) => queries.set(name, query);
  ask('registered', base());
  for (const c of categories) ask(`category:${c.key}`, base().eq(SA.category.name, c.key));
  for (const c of channels) ask(`channel:${c.key}`, base().eq(SA.channel.name, c.key));
  for (const r of REPORT_ROUTES) ask(`route:${r.key}`, flag(`route:${r.key}`));
  for (const i of INTAKES) ask(`intake:${i.key}`, flag(`intake:${i.key}`));
  for (const f of ['forwarded', 'assigned', 'supervised', 'final']) ask(f, flag(f));
  ask('accepted:true', base().bool(SA.acceptedOnTime.name, true));
  ask('accepted:false', base().bool(SA.acceptedOnTime.name, false));
  ask('finished:true', base().bool(SA.finishedOnTime.name, true));
  ask('finished:false', base().bool(SA.finishedOnTime.name, false));
  for (const s of ['satisfied', 'basically-satisfied', 'unsatisfied'])
    ask(`satisfaction:${s}`, base().eq(SA.satisfaction.name, s));
  ask('suggestions', base().eq(SA.category.name, 'suggestion'));
  ask('suggestions:adopted', flag('opinion:support').eq(SA.category.name, 'suggestion'));
  for (const o of OUTCOMES) {
    ask(`review:${o}`, flag(`review:${o}`));
    ask(`re-review:${o}`, flag(`re-review:${o}`));
  }
  for (const b of bodies) {
    const handled = () => inYear().eq(SA.flags.name, `handler:${b.code}`);
    ask(`body:${b.code}:handled`, handled());
    ask(`body:${b.code}:late`, handled().bool(SA.finishedOnTime.name, false));
    ask(`body:${b.code}:complaints`, handled().eq(SA.category.name, 'complaint'));
    ask(`body:${b.code}:reports`, inYear().eq(SA.category.name, 'report').eq(SA.concerns.name, b.code));
  }
  const names = [...queries.keys()];
  const values = await limited(
    names.map((name) => () => deps.count(queries.get(name)!.toString())),
    CONCURRENCY,
  );
  const n = new Map(names.map((name, i) => [name, values[i]!]));
  const get = (name: string) => n.get(name) ?? 0;

  const outcomes = (prefix: string) => {
    const [pending, support, explain, reject] = OUTCOMES.map((o) => get(`${prefix}:${o}`)) as [
      number,
      number,
      number,
      number,
    ];
    return { requested: pending + support + explain + reject, pending, support, explain, reject };
  };
  const bodyRows = bodies
    .map((b) => {
      const complaints = get(`body:${b.code}:complaints`);
      const reports = get(`body:${b.code}:reports`);
      return {
        code: b.code,
        name: b.name,
        handled: get(`body:${b.code}:handled`),
        finishedLate: get(`body:${b.code}:late`),
        complaints,
        reports,
        complainedAbout: complaints + reports,
      };
    })
    .sort(
      (a, b) =>
        b.complainedAbout - a.complainedAbout || b.handled - a.handled || a.code.localeCompare(b.code),
    );
  const [satisfied, basicallySatisfied, unsatisfied] = [
    'satisfied',
    'basically-satisfied',
    'unsatisfied',
  ].map((s) => get(`satisfaction:${s}`)) as [number, number, number];
  const acceptedYes = get('accepted:true');
  const finishedYes = get('finished:true');

  return {
    year,
    department: department ?? null,
    from,
    to,
    generatedAt,
    registered: get('registered'),
    byCategory: categories.map((c) => ({ ...c, count: get(`category:${c.key}`) })),
    byChannel: channels.map((c) => ({ ...c, count: get(`channel:${c.key}`) })),
    byRoute: REPORT_ROUTES.map((r) => ({ ...r, count: get(`route:${r.key}`) })),
    byIntake: INTAKES.map((i) => ({ ...i, count: get(`intake:${i.key}`) })),
    handling: {
      forwarded: get('forwarded'),
      assigned: get('assigned'),
      supervised: get('supervised'),
    },
    bodies: bodyRows,
    mostComplainedAbout: bodyRows
      .filter((b) => b.complainedAbout > 0)
      .slice(0, MOST_COMPLAINED)
      .map(({ code, name, complainedAbout }) => ({ code, name, complainedAbout })),
    timeliness: {
      acceptance: rate(acceptedYes, acceptedYes + get('accepted:false')),
      handling: rate(finishedYes, finishedYes + get('finished:false')),
    },
    satisfaction: {
      satisfied,
      basicallySatisfied,
      unsatisfied,
      rate: rate(satisfied + basicallySatisfied, satisfied + basicallySatisfied + unsatisfied),
    },
    suggestions: { total: get('suggestions'), adopted: get('suggestions:adopted') },
    reviews: outcomes('review'),
    reReviews: outcomes('re-review'),
    final: get('final'),
  };
}
