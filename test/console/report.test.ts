/// <reference lib="dom" />
/**
 * The annual report of Art. 41 in the console, in a real browser against the real stack (its own namespace, so the
 * figures are exactly this file's petitions): a supervisor opens the report page from the menu, sees what
 * `GET /v1/reports/annual` answers, and downloads the workbook, which opens as a workbook (exceljs).
 */
import { readFileSync } from 'node:fs';
import ExcelJS from 'exceljs';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { petitionBody } from '../helpers/api';
import {
  launchBrowser,
  localOnly,
  screenshot,
  seriousViolations,
  signInAs,
  startConsoleStack,
  type ConsoleStack,
} from '../helpers/console';

const HOUSING = 'ar-housing';
const WATER = 'ar-water';
const dept = (code: string, name: string) => ({
  code,
  department: {
    name,
    superior: null,
    supervisor: { email: 'supervision@example.gov.cn' },
    connector: { kind: 'manual' as const },
  },
  actor: { role: 'system' as const, id: 'test' },
});

let stack: ConsoleStack;
let browser: Browser;
let context: BrowserContext | undefined;

/** Polls until `ok` holds (visibility is eventually consistent). */
async function until<T>(read: () => Promise<T>, ok: (v: T) => boolean, what: string): Promise<T> {
  const end = Date.now() + 20_000;
  for (;;) {
    const v = await read();
    if (ok(v)) return v;
    if (Date.now() > end)
      throw new Error(`timed out waiting for ${what}: ${JSON.stringify(v).slice(0, 500)}`);
    await new Promise((r) => setTimeout(r, 200));
  }
}

beforeAll(async () => {
  stack = await startConsoleStack({
    departments: [dept(HOUSING, '区住房和城乡建设局'), dept(WATER, '区水务局')],
  });
  browser = await launchBrowser();
  for (const body of [
    { department: HOUSING, category: 'complaint', channel: 'letter' },
    { department: HOUSING, category: 'complaint', channel: 'visit' },
    { department: WATER, category: 'suggestion', channel: 'online' },
  ]) {
    const res = await stack.call('POST', '/v1/petitions', {
      token: stack.token('registrar'),
      body: petitionBody(body),
    });
    expect(res.status, JSON.stringify(res.json)).toBe(201);
  }
}, 300_000);

afterAll(async () => {
  await browser?.close();
  await stack?.close();
});

afterEach(async () => {
  await context?.close();
  context = undefined;
});

async function newPage(): Promise<Page> {
  context = await browser.newContext({
    viewport: { width: 1366, height: 900 },
    locale: 'zh-CN',
    timezoneId: 'Asia/Shanghai',
    acceptDownloads: true,
  });
  await localOnly(context);
  return await context.newPage();
}

describe('the annual report page (Art. 41)', { timeout: 120_000 }, () => {
  it('lets a supervisor open the annual report of Art. 41 from the menu, shows what the API answers, and downloads it as a workbook that opens', async () => {
    const year = Number(
      new Intl.DateTimeFormat('en', { year: 'numeric', timeZone: 'Asia/Shanghai' }).format(new Date()),
    );
    const report = await until(
      () =>
        stack.call('GET', `/v1/reports/annual?year=${String(year)}`, { token: stack.token('supervisor') }),
      (r) =>
        r.json.registered === 3 &&
        r.json.bodies.find((b: { code: string }) => b.code === HOUSING)?.handled === 2,
      'the three petitions in the annual report',
    );
    const p = await newPage();
    await signInAs(p, stack.url, '督查人员');
    await p.getByRole('link', { name: '年度报告' }).click();
    await p.getByRole('heading', { name: '年度报告' }).waitFor();
    const figure = async (id: string) =>
      (await p.getByTestId(id).locator('.ant-statistic-content-value').innerText()).trim();
    await expect.poll(() => figure('report-registered')).toBe('3');
    expect(await figure('report-supervised')).toBe(String(report.json.handling.supervised));
    const rateText = (r: { numerator: number; denominator: number }) => `(${r.numerator}/${r.denominator})`;
    expect(await p.getByTestId('report-rate-acceptance').innerText()).toContain(
      rateText(report.json.timeliness.acceptance),
    );
    const housing = (
      await p.getByTestId('report-bodies').locator('tr', { hasText: HOUSING }).locator('td').allInnerTexts()
    ).map((s) => s.trim());
    expect(housing).toEqual(['区住房和城乡建设局（ar-housing）', '2', '0', '2', '0', '2']);
    await p.waitForTimeout(800); // the charts' entry animation
    expect(await seriousViolations(p)).toEqual([]);
    await screenshot(p, 'annual-report');

    const [download] = await Promise.all([
      p.waitForEvent('download'),
      p.getByTestId('report-download-xlsx').click(),
    ]);
    expect(download.suggestedFilename()).toBe(`annual-report-${String(year)}.xlsx`);
    const file = await download.path();
    const workbook = new ExcelJS.Workbook();
    await workbook.xlsx.load(readFileSync(file) as unknown as ArrayBuffer);
    expect(workbook.worksheets.map((s) => s.name)).toContain('按单位');
    const summary = workbook.getWorksheet('概况')!;
    const registered = summary.getColumn(1).values.indexOf('登记件数');
    expect(summary.getRow(registered).getCell(2).value).toBe(3);
    const byBody = workbook.getWorksheet('按单位')!;
    expect(byBody.getRow(2).values).toEqual([undefined, HOUSING, '区住房和城乡建设局', 2, 0, 2, 0, 2]);
  });
});
