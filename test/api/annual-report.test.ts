/**
 * GET /v1/reports/annual (Art. 41): the annual report counted from visibility over the petitions received in a year
 * (Asia/Shanghai), as JSON, as an Excel workbook read back with exceljs and as CSV. The petitions are started
 * straight through the client with the search attributes and PetitionFlags a petition of petition-2022@2 has (no
 * worker runs them: the report reads visibility only), in a year of their own so every count is exact.
 */
import type { SearchAttributePair } from '@temporalio/common';
import ExcelJS from 'exceljs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { PetitionSearchAttributes as SA } from '../../workflows/search-attributes';
import { eventually, startApiTest, uniqueDept, type ApiTestContext } from '../helpers/api';
import { uniqueTaskQueue } from '../helpers/temporal';

/** A year no other test uses (the report counts every petition received in it). */
const YEAR = 3000 + Math.floor(Math.random() * 6000);
const A = uniqueDept('ARA');
const B = uniqueDept('ARB');
const run = Math.random().toString(36).slice(2, 8).toUpperCase();
const noWorkerQueue = uniqueTaskQueue('annual-report-no-worker');
let t: ApiTestContext;
let seq = 0;
const started: string[] = [];

interface Petition {
  receivedAt: string;
  category: 'suggestion' | 'report' | 'complaint';
  channel: string;
  flags: string[];
  concerns?: string;
  acceptedOnTime?: boolean;
  finishedOnTime?: boolean;
  satisfaction?: string;
}

async function petition(p: Petition): Promise<void> {
  const workflowId = `petition-XFAR${run}${String(seq++).padStart(4, '0')}`;
  const attributes: SearchAttributePair[] = [
    { key: SA.status, value: 'open' },
    { key: SA.receivedAt, value: new Date(p.receivedAt) },
    { key: SA.category, value: p.category },
    { key: SA.channel, value: p.channel },
    { key: SA.flags, value: p.flags },
    ...(p.concerns ? [{ key: SA.concerns, value: p.concerns }] : []),
    ...(p.acceptedOnTime !== undefined ? [{ key: SA.acceptedOnTime, value: p.acceptedOnTime }] : []),
    ...(p.finishedOnTime !== undefined ? [{ key: SA.finishedOnTime, value: p.finishedOnTime }] : []),
    ...(p.satisfaction ? [{ key: SA.satisfaction, value: p.satisfaction }] : []),
  ];
  await t.client.workflow.start('petition', {
    taskQueue: noWorkerQueue,
    workflowId,
    args: [],
    typedSearchAttributes: attributes,
  });
  started.push(workflowId);
}

const at = (y: number, rest: string) => `${String(y)}-${rest}+08:00`;

beforeAll(async () => {
  t = await startApiTest({ ownDepartmentRegistry: true });
  for (const [code, name] of [
    [A, '市住建局'],
    [B, '市人社局'],
  ] as const) {
    const res = await t.call(t.token('admin'), {
      method: 'PUT',
      url: `/v1/departments/${code}`,
      payload: {
        name,
        supervisor: { email: `${code.toLowerCase()}@example.gov.cn` },
        connector: { kind: 'manual' },
      },
    });
    expect(res.statusCode, res.body).toBe(201);
  }
  // In the year: the first instant of 1 January and the last second of 31 December, Beijing time.
  await petition({
    receivedAt: at(YEAR, '01-01T00:00:00'),
    category: 'suggestion',
    channel: 'online',
    flags: ['intake:bureau', 'forwarded', `handler:${A}`, 'opinion:support', 'evaluated'],
    acceptedOnTime: true,
    finishedOnTime: true,
    satisfaction: 'satisfied',
  });
  await petition({
    receivedAt: at(YEAR, '03-10T09:00:00'),
    category: 'complaint',
    channel: 'letter',
    flags: [
      'intake:bureau',
      'assigned',
      'supervised',
      'route:investigation',
      `handler:${A}`,
      'review:support',
      're-review:reject',
      'final',
    ],
    acceptedOnTime: false,
    finishedOnTime: false,
    satisfaction: 'unsatisfied',
  });
  await petition({
    receivedAt: at(YEAR, '06-01T10:00:00'),
    category: 'complaint',
    channel: 'visit',
    flags: ['intake:department', 'route:duty', `handler:${B}`, 'review:pending'],
    acceptedOnTime: true,
    satisfaction: 'basically-satisfied',
  });
  await petition({
    receivedAt: at(YEAR, '08-08T08:00:00'),
    category: 'report',
    channel: 'phone',
    concerns: A,
    flags: ['intake:bureau', 'forwarded', 'route:investigation', `handler:${B}`],
    acceptedOnTime: true,
    finishedOnTime: true,
  });
  await petition({
    receivedAt: at(YEAR, '12-31T23:59:59'),
    category: 'suggestion',
    channel: 'fax',
    flags: ['intake:bureau', `handler:${A}`, 'opinion:explain'],
  });
  // Outside the year: the last second before it and the first instant after it, Beijing time.
  await petition({
    receivedAt: at(YEAR - 1, '12-31T23:59:59'),
    category: 'complaint',
    channel: 'letter',
    flags: ['intake:bureau', 'forwarded', `handler:${A}`],
    acceptedOnTime: true,
  });
  await petition({
    receivedAt: at(YEAR + 1, '01-01T00:00:00'),
    category: 'report',
    channel: 'online',
    concerns: A,
    flags: ['intake:bureau', `handler:${B}`],
  });
}, 60_000);

afterAll(async () => {
  await Promise.all(
    started.map((workflowId) =>
      t.client.workflow
        .getHandle(workflowId)
        .terminate('test done')
        .catch(() => undefined),
    ),
  );
  await t?.close();
});

interface Report {
  year: number;
  department: string | null;
  from: string;
  to: string;
  registered: number;
  byCategory: Array<{ key: string; name: string; count: number }>;
  byChannel: Array<{ key: string; name: string; count: number }>;
  byRoute: Array<{ key: string; count: number }>;
  byIntake: Array<{ key: string; count: number }>;
  handling: { forwarded: number; assigned: number; supervised: number };
  bodies: Array<{
    code: string;
    name: string;
    handled: number;
    finishedLate: number;
    complaints: number;
    reports: number;
    complainedAbout: number;
  }>;
  mostComplainedAbout: Array<{ code: string; name: string; complainedAbout: number }>;
  timeliness: { acceptance: unknown; handling: unknown };
  satisfaction: { satisfied: number; basicallySatisfied: number; unsatisfied: number; rate: unknown };
  suggestions: { total: number; adopted: number };
  reviews: Record<string, number>;
  reReviews: Record<string, number>;
  final: number;
}

const byKey = (items: Array<{ key: string; count: number }>) =>
  Object.fromEntries(items.map((i) => [i.key, i.count]));

/** The report once visibility has seen every petition of the year (eventually consistent). */
async function report(query: string, expected: number): Promise<Report> {
  return await eventually(
    async () => {
      const res = await t.call(t.token('supervisor'), { method: 'GET', url: `/v1/reports/annual?${query}` });
      expect(res.statusCode, res.body).toBe(200);
      return res.json() as Report;
    },
    (r) => r.registered === expected,
    `the annual report of ${YEAR} to count ${String(expected)} petitions`,
    20_000,
  );
}

const bodyA = {
  code: A,
  name: '市住建局',
  handled: 3,
  finishedLate: 1,
  complaints: 1,
  reports: 1,
  complainedAbout: 2,
};
const bodyB = {
  code: B,
  name: '市人社局',
  handled: 2,
  finishedLate: 0,
  complaints: 1,
  reports: 0,
  complainedAbout: 1,
};

describe('GET /v1/reports/annual (Art. 41)', () => {
  it('counts the petitions received in the year (Asia/Shanghai) by category, channel, route, body, timeliness, satisfaction and review, as Art. 41 asks', async () => {
    const r = await report(`year=${String(YEAR)}`, 5);
    expect(r.year).toBe(YEAR);
    expect(r.department).toBeNull();
    expect(r.from).toBe(new Date(`${String(YEAR)}-01-01T00:00:00+08:00`).toISOString());
    expect(r.to).toBe(new Date(`${String(YEAR + 1)}-01-01T00:00:00+08:00`).toISOString());
    expect(byKey(r.byCategory)).toEqual({ suggestion: 2, report: 1, complaint: 2 });
    expect(r.byCategory.find((c) => c.key === 'complaint')?.name).toBe('申诉求决类');
    expect(byKey(r.byChannel)).toEqual({ online: 1, letter: 1, phone: 1, fax: 1, visit: 1 });
    expect(byKey(r.byRoute)).toEqual({ procedure: 0, duty: 1, investigation: 2 });
    expect(byKey(r.byIntake)).toEqual({ bureau: 4, department: 1 });
    expect(r.handling).toEqual({ forwarded: 2, assigned: 1, supervised: 1 });
    expect(r.bodies).toEqual([bodyA, bodyB]);
    expect(r.mostComplainedAbout).toEqual([
      { code: A, name: '市住建局', complainedAbout: 2 },
      { code: B, name: '市人社局', complainedAbout: 1 },
    ]);
    expect(r.timeliness).toEqual({
      acceptance: { rate: 0.75, numerator: 3, denominator: 4 },
      handling: { rate: 0.6667, numerator: 2, denominator: 3 },
    });
    expect(r.satisfaction).toEqual({
      satisfied: 1,
      basicallySatisfied: 1,
      unsatisfied: 1,
      rate: { rate: 0.6667, numerator: 2, denominator: 3 },
    });
    expect(r.suggestions).toEqual({ total: 2, adopted: 1 });
    expect(r.reviews).toEqual({ requested: 2, pending: 1, support: 1, explain: 0, reject: 0 });
    expect(r.reReviews).toEqual({ requested: 1, pending: 0, support: 0, explain: 0, reject: 1 });
    expect(r.final).toBe(1);
  });

  it('narrows to the petitions one body handles or handled with department=, and lists that body only', async () => {
    const r = await report(`year=${String(YEAR)}&department=${A}`, 3);
    expect(r.department).toBe(A);
    expect(byKey(r.byCategory)).toEqual({ suggestion: 2, report: 0, complaint: 1 });
    expect(r.handling).toEqual({ forwarded: 1, assigned: 1, supervised: 1 });
    expect(r.bodies).toEqual([bodyA]);
    expect(r.timeliness).toEqual({
      acceptance: { rate: 0.5, numerator: 1, denominator: 2 },
      handling: { rate: 0.5, numerator: 1, denominator: 2 },
    });
    expect(r.suggestions).toEqual({ total: 2, adopted: 1 });
  });

  it('answers an Excel workbook with format=xlsx whose sheets hold the same figures', async () => {
    await report(`year=${String(YEAR)}`, 5);
    const res = await t.call(t.token('admin'), {
      method: 'GET',
      url: `/v1/reports/annual?year=${String(YEAR)}&format=xlsx`,
    });
    expect(res.statusCode).toBe(200);
    expect(res.headers['content-type']).toBe(
      'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet',
    );
    expect(res.headers['content-disposition']).toBe(
      `attachment; filename="annual-report-${String(YEAR)}.xlsx"`,
    );
    const workbook = new ExcelJS.Workbook();
    await workbook.xlsx.load(res.rawPayload as unknown as ArrayBuffer);
    expect(workbook.worksheets.map((s) => s.name)).toEqual([
      '概况',
      '按类别',
      '按渠道',
      '按办理途径',
      '按登记方式',
      '按单位',
      '被投诉较多的单位',
      '复查复核',
    ]);
    const rows = (name: string) =>
      (workbook.getWorksheet(name)!.getSheetValues() as unknown[][])
        .filter(Boolean)
        .map((row) => row.slice(1));
    const summary = Object.fromEntries(rows('概况').map(([k, v]) => [k, v]));
    expect(summary).toMatchObject({
      年度: YEAR,
      登记件数: 5,
      转送件数: 2,
      交办件数: 1,
      督办件数: 1,
      '及时受理率（%）': 75,
      '按期办结率（%）': 66.67,
      '群众满意率（%）': 66.67,
      建议被采纳件数: 1,
      复核终结件数: 1,
    });
    expect(rows('按类别')).toEqual([
      ['类别', '代码', '件数'],
      ['建议意见类', 'suggestion', 2],
      ['检举控告类', 'report', 1],
      ['申诉求决类', 'complaint', 2],
    ]);
    expect(rows('按单位')).toEqual([
      ['单位代码', '单位名称', '办理件数', '超期办结件数', '申诉求决类件数', '被检举控告件数', '被投诉合计'],
      [A, '市住建局', 3, 1, 1, 1, 2],
      [B, '市人社局', 2, 0, 1, 0, 1],
    ]);
    expect(rows('复查复核')).toEqual([
      ['程序', '申请件数', '办理中', '支持', '解释说明', '不予支持'],
      ['复查（第三十五条）', 2, 1, 1, 0, 0],
      ['复核（第三十六条）', 1, 0, 0, 0, 1],
    ]);
  });

  it('answers CSV with format=csv: UTF-8 with a BOM, the tables one after another under their titles', async () => {
    await report(`year=${String(YEAR)}`, 5);
    const res = await t.call(t.token('supervisor'), {
      method: 'GET',
      url: `/v1/reports/annual?year=${String(YEAR)}&department=${B}&format=csv`,
    });
    expect(res.statusCode).toBe(200);
    expect(res.headers['content-type']).toBe('text/csv; charset=utf-8');
    expect(res.headers['content-disposition']).toBe(
      `attachment; filename="annual-report-${String(YEAR)}-${B}.csv"`,
    );
    const bytes = res.rawPayload;
    expect([...bytes.subarray(0, 3)]).toEqual([0xef, 0xbb, 0xbf]);
    const tables = bytes
      .subarray(3)
      .toString('utf8')
      .split('\r\n\r\n')
      .map((block) =>
        block
          .trim()
          .split('\r\n')
          .map((line) => line.split(',')),
      );
    const table = (title: string) => tables.find((rows) => rows[0]?.[0] === title)!.slice(1);
    expect(table('概况')).toContainEqual(['登记件数', '2']);
    expect(table('概况')).toContainEqual(['单位', B]);
    expect(table('按渠道')).toEqual([
      ['渠道', '代码', '件数'],
      ['网上信访', 'online', '0'],
      ['来信', 'letter', '0'],
      ['来电', 'phone', '1'],
      ['传真', 'fax', '0'],
      ['来访', 'visit', '1'],
    ]);
    expect(table('按单位')).toEqual([
      ['单位代码', '单位名称', '办理件数', '超期办结件数', '申诉求决类件数', '被检举控告件数', '被投诉合计'],
      [B, '市人社局', '2', '0', '1', '0', '1'],
    ]);
  });

  it.each([
    ['year=20', 'a year that is not YYYY'],
    ['year=abcd', 'a year that is not a number'],
    ['', 'no year'],
    [`year=${String(YEAR)}&department=not%20a%20code!`, 'a malformed department code'],
    [`year=${String(YEAR)}&format=pdf`, 'an unknown format'],
    [`year=${String(YEAR)}&extra=1`, 'an unknown parameter'],
  ])('refuses %s (%s) with 400 in the error shape', async (query) => {
    const res = await t.call(t.token('supervisor'), { method: 'GET', url: `/v1/reports/annual?${query}` });
    expect(res.statusCode).toBe(400);
    expect(res.json()).toMatchObject({ error: 'validation_failed', message: expect.any(String) });
  });

  it('is for supervisors and admins: department staff and registrars get 403, no token 401', async () => {
    const url = `/v1/reports/annual?year=${String(YEAR)}`;
    expect((await t.call(undefined, { method: 'GET', url })).statusCode).toBe(401);
    for (const token of [t.token('department', A), t.token('registrar')]) {
      const res = await t.call(token, { method: 'GET', url });
      expect(res.statusCode).toBe(403);
      expect(res.json()).toMatchObject({ error: 'forbidden' });
    }
  });
});
