/// <reference lib="dom" />
/**
 * The web console in a real browser (Debian's chromium through playwright-core) against the real stack: the built
 * console served by the API, a real worker, the dev server. Every test saves a screenshot under
 * test-results/console/ and checks the page with axe (no serious or critical violation).
 */
import { gzipSync } from 'node:zlib';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { petitionBody } from '../helpers/api';
import {
  labelled,
  launchBrowser,
  localOnly,
  pickOption,
  screenshot,
  seriousViolations,
  signInAs,
  startConsoleStack,
  type ConsoleStack,
} from '../helpers/console';

const DAY = 86_400_000;
const HOUSING = 'dh-housing';
const WATER = 'dh-water';
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
let context: BrowserContext;
let page: Page;
const ids = {} as { overdue: string; overdueWater: string; soon: string; fresh: string; freshCode: string };

async function register(body: Record<string, unknown>): Promise<{ id: string; accessCode: string }> {
  const res = await stack.call('POST', '/v1/petitions', {
    token: stack.token('registrar'),
    body: petitionBody(body),
  });
  expect(res.status, JSON.stringify(res.json)).toBe(201);
  return res.json;
}

/** Polls the API until visibility shows what the test registered (eventually consistent). */
async function until<T>(read: () => Promise<T>, ok: (v: T) => boolean, what: string): Promise<T> {
  const end = Date.now() + 15_000;
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
  ids.overdue = (
    await register({ department: HOUSING, receivedAt: new Date(Date.now() - 30 * DAY).toISOString() })
  ).id;
  ids.overdueWater = (
    await register({
      department: WATER,
      subject: '自来水水压不足',
      receivedAt: new Date(Date.now() - 20 * DAY).toISOString(),
    })
  ).id;
  ids.soon = (
    await register({ department: WATER, receivedAt: new Date(Date.now() - 13 * DAY).toISOString() })
  ).id;
  const fresh = await register({ department: HOUSING, subject: '楼道照明损坏' });
  ids.fresh = fresh.id;
  ids.freshCode = fresh.accessCode;
  await register({ channel: 'online', category: 'suggestion', subject: '建议增设公交站点' });
  await until(
    () => stack.call('GET', '/v1/petitions?status=open', { token: stack.token('supervisor') }),
    (r) => r.json.items.length === 5,
    'five open petitions in visibility',
  );
}, 300_000);

afterAll(async () => {
  await browser?.close();
  await stack?.close();
});

afterEach(async () => {
  await context?.close();
});

async function newPage(): Promise<Page> {
  context = await browser.newContext({
    viewport: { width: 1366, height: 900 },
    locale: 'zh-CN',
    timezoneId: 'Asia/Shanghai',
  });
  await localOnly(context);
  page = await context.newPage();
  return page;
}

describe('the web console in chromium', { timeout: 120_000 }, () => {
  it('serves the sign-in page at /console/ (GET / redirects there) and its first page loads at most 600 KB of gzipped JavaScript', async () => {
    const p = await newPage();
    const scripts = new Map<string, number>();
    p.on('response', async (res) => {
      if (res.request().resourceType() === 'script' && res.ok()) {
        scripts.set(res.url(), gzipSync(await res.body()).length);
      }
    });
    await p.goto(`${stack.url}/`);
    await p.getByRole('heading', { name: '登录' }).waitFor();
    await p.waitForLoadState('networkidle');
    expect(new URL(p.url()).pathname).toBe('/console/signin');
    const total = [...scripts.values()].reduce((a, b) => a + b, 0);
    console.log(
      `[console] first page: ${scripts.size} scripts, ${(total / 1024).toFixed(0)} KB gzipped: ` +
        [...scripts]
          .map(([u, n]) => `${new URL(u).pathname.split('/').pop()} ${(n / 1024).toFixed(0)} KB`)
          .join(', '),
    );
    expect(scripts.size).toBeGreaterThan(0);
    expect(total).toBeLessThanOrEqual(600 * 1024);
    await p.getByText('开发环境登录（内置签名密钥）').waitFor();
    expect(await seriousViolations(p)).toEqual([]);
    await screenshot(p, 'sign-in');
  });

  it('lets a supervisor find a petition received 30 days ago on the overdue list and issue a 督办 from its row (Art. 40)', async () => {
    const p = await newPage();
    await signInAs(p, stack.url, '督查人员');
    await p.getByRole('link', { name: '超期清单' }).click();
    const row = p.getByRole('row').filter({ hasText: ids.overdue });
    await row.waitFor();
    // Most overdue first: the housing petition (30 days) above the water one (20 days).
    const order = await p.getByTestId('overdue-table').locator('tbody tr').allInnerTexts();
    expect(order.findIndex((r) => r.includes(ids.overdue))).toBeLessThan(
      order.findIndex((r) => r.includes(ids.overdueWater)),
    );
    expect(await seriousViolations(p)).toEqual([]);
    await row
      .getByRole('button', { name: '督办' })
      .or(row.getByRole('button', { name: '督 办' }))
      .click();
    const form = p.getByTestId('action-form-supervise');
    await form.getByLabel('理由').fill('受理告知已超期，请即办理并书面说明原因。');
    await form.getByLabel('反馈期限（日）').fill('5');
    await screenshot(p, 'supervise-modal');
    await form
      .getByRole('button', { name: '督办' })
      .or(form.getByRole('button', { name: '督 办' }))
      .click();
    await p.getByText('已办理：督办').waitFor();
    const after = await stack.call('GET', `/v1/petitions/${ids.overdue}`, {
      token: stack.token('supervisor'),
    });
    expect(after.json.supervision).toEqual([
      expect.objectContaining({ reason: '受理告知已超期，请即办理并书面说明原因。', answerDays: 5 }),
    ]);
    await screenshot(p, 'overdue-list');
  });

  it('shows on the dashboard exactly what /v1/supervision/overdue, /v1/supervision/at-risk, /v1/petitions and /v1/stats answer', async () => {
    const p = await newPage();
    await signInAs(p, stack.url, '督查人员');
    await p.getByRole('heading', { name: '督查总览' }).waitFor();
    const supervisor = stack.token('supervisor');
    const year = new Date().getFullYear();
    const [overdue, atRisk, open, stats] = await Promise.all([
      stack.call('GET', '/v1/supervision/overdue?pageSize=500', { token: supervisor }),
      stack.call('GET', '/v1/supervision/at-risk?within=P3D&pageSize=500', { token: supervisor }),
      stack.call('GET', '/v1/petitions?status=open&pageSize=200', { token: supervisor }),
      stack.call('GET', `/v1/stats?from=${year}-01-01&to=${year + 1}-01-01`, { token: supervisor }),
    ]);
    const figure = async (id: string) =>
      (await p.getByTestId(id).locator('.ant-statistic-content-value').innerText()).trim();
    await expect.poll(() => figure('dash-open')).toBe(String(open.json.items.length));
    expect(open.json.items.length).toBe(5);
    expect(await figure('dash-overdue')).toBe(String(overdue.json.items.length));
    expect(overdue.json.items.length).toBe(2);
    expect(await figure('dash-at-risk')).toBe(String(atRisk.json.items.length));
    expect(atRisk.json.items.length).toBe(1);
    expect(await figure('dash-registered')).toBe(String(stats.json.registered));
    const rateText = (r: { numerator: number; denominator: number }) => `(${r.numerator}/${r.denominator})`;
    expect(await p.getByTestId('dash-rate-acceptance').innerText()).toContain(
      rateText(stats.json.timelyAcceptanceRate),
    );
    expect(await p.getByTestId('dash-rate-completion').innerText()).toContain(
      rateText(stats.json.onTimeCompletionRate),
    );
    expect(await p.getByTestId('dash-rate-satisfaction').innerText()).toContain(
      rateText(stats.json.satisfactionRate),
    );
    // By department and step: the housing body holds two open petitions at 受理告知, one of them overdue.
    const cells = async (testId: string) =>
      (await p.getByTestId(testId).locator('td').allInnerTexts()).map((s) => s.trim());
    const count = (items: Array<{ department: string | null; step: string | null }>, d: string, s: string) =>
      String(items.filter((i) => i.department === d && i.step === s).length);
    for (const [d, s] of [
      [HOUSING, 'accept-notice'],
      [WATER, 'accept-notice'],
    ] as const) {
      const row = await cells(`dash-row-${d}-${s}`);
      expect(row.slice(2)).toEqual([
        count(open.json.items, d, s),
        count(overdue.json.items, d, s),
        count(atRisk.json.items, d, s),
      ]);
    }
    await p.waitForTimeout(800); // the charts' entry animation
    expect(await seriousViolations(p)).toEqual([]);
    await screenshot(p, 'dashboard');
  });

  it("lets a registrar register a petition, shows the same petitioner's other petitions first and registers it as the same matter as one of them (Arts. 19, 36 ¶3), and shows its access code once, on a printable receipt", async () => {
    // An earlier petition of the same petitioner (same name and phone), listed by POST /v1/petitions/related.
    const earlier = await register({
      department: WATER,
      subject: '小区电梯停运（首次反映）',
      petitioner: { name: '王五', phone: '13900002222' },
    });
    await until(
      () =>
        stack.call('POST', '/v1/petitions/related', {
          token: stack.token('registrar'),
          body: { petitioner: { name: '王五', phone: '139 0000 2222' } },
        }),
      (r) => r.json.related?.length === 1,
      'the earlier petition found as related',
    );
    const p = await newPage();
    await signInAs(p, stack.url, '登记人员');
    await p.getByRole('heading', { name: '登记' }).waitFor();
    await p.getByLabel('事项', { exact: true }).fill('小区电梯长期停运');
    await p
      .getByLabel('诉求及事实理由', { exact: true })
      .fill('小区3号楼电梯停运两个月，物业不予维修，老人出行困难。');
    await p.getByLabel('姓名', { exact: true }).fill('王五');
    await p.getByLabel(labelled('电话')).fill('13900002222');
    await p.getByRole('button', { name: '添加代表人' }).click();
    await p.getByLabel('姓名', { exact: true }).nth(1).fill('赵六');
    await pickOption(p, '直接收到的机关', '区住房和城乡建设局');
    expect(await seriousViolations(p)).toEqual([]);
    const registerButton = p
      .getByRole('button', { name: '登 记' })
      .or(p.getByRole('button', { name: '登记', exact: true }));
    await registerButton.click();
    // The first click looks the petitioner up and stops at the related list; nothing is registered yet.
    const related = p.getByTestId('related');
    await related.waitFor();
    expect(await related.innerText()).toContain(earlier.id);
    await p.getByTestId(`same-matter-${earlier.id}`).click();
    expect(await p.getByTestId('same-matter-chosen').innerText()).toContain(earlier.id);
    expect(await seriousViolations(p)).toEqual([]);
    await screenshot(p, 'related');
    await p.getByRole('button', { name: '按同一事项登记' }).click();
    const receipt = p.getByTestId('receipt');
    await receipt.waitFor();
    const id = (await p.getByTestId('receipt-id').innerText()).trim();
    const code = (await p.getByTestId('receipt-code').innerText()).trim();
    expect(code).toMatch(/^[0-9A-Z]{4}(-[0-9A-Z]{4}){4}$/);
    await p.getByText('查询码只显示这一次').waitFor();
    expect(await seriousViolations(p)).toEqual([]);
    await screenshot(p, 'receipt');
    const read = await stack.call('GET', `/v1/petitions/${id}`, { accessCode: code });
    expect(read.status).toBe(200);
    expect(read.json).toMatchObject({
      subject: '小区电梯长期停运',
      department: HOUSING,
      identityMasked: true,
      sameMatter: { id: earlier.id, status: 'open', outcome: null, final: false },
    });
    expect(read.json.representatives).toEqual([expect.objectContaining({ name: '赵*' })]);
    await p.getByRole('button', { name: '登记下一件' }).click();
    await p.getByRole('heading', { name: '登记' }).waitFor();
    expect(await p.content()).not.toContain(code);
    // The code is nowhere the browser keeps it.
    const stored = await p.evaluate(
      () => JSON.stringify({ ...sessionStorage }) + JSON.stringify({ ...localStorage }),
    );
    expect(stored).not.toContain(code);
  });

  it('lets a department accept a petition from its work list and answer it with an opinion (Art. 23, 32)', async () => {
    const p = await newPage();
    await signInAs(p, stack.url, '承办机关', '区住房和城乡建设局');
    await p.getByRole('heading', { name: /待办事项/ }).waitFor();
    const table = p.getByTestId('worklist-table');
    const rows = table.locator('tbody tr');
    await rows.filter({ hasText: ids.fresh }).waitFor();
    // Due soonest first: the overdue housing petition before the fresh one.
    const texts = await rows.allInnerTexts();
    expect(texts.findIndex((r) => r.includes(ids.overdue))).toBeLessThan(
      texts.findIndex((r) => r.includes(ids.fresh)),
    );
    expect(await seriousViolations(p)).toEqual([]);
    await screenshot(p, 'worklist');
    await p.getByTestId(`act-${ids.fresh}`).click();
    const accept = p.getByTestId('action-form-accept');
    await accept.waitFor();
    await accept.getByRole('button').last().click();
    const opinion = p.getByTestId('action-form-opinion');
    await opinion.waitFor();
    await pickOption(p, '处理意见', '解释说明');
    await opinion.getByLabel('正文').fill('经现场核查，楼道照明已于本周修复，现予解释说明。');
    await opinion.getByLabel('法律依据').fill('《城市照明管理规定》第十条');
    await screenshot(p, 'opinion-form');
    await opinion.getByRole('button').last().click();
    await p.getByTestId('action-form-reply').waitFor();
    const after = await stack.call('GET', `/v1/petitions/${ids.fresh}`, {
      token: stack.token('department', HOUSING),
    });
    expect(after.json.step).toBe('reply');
    expect(after.json.documents.map((d: { kind: string }) => d.kind)).toContain('handling-opinion');
  });

  it('shows the petition page with every deadline on its time line, the audit timeline and printable documents', async () => {
    const p = await newPage();
    await signInAs(p, stack.url, '督查人员');
    await p.goto(`${stack.url}/console/petitions/${ids.fresh}`);
    await p.getByTestId('petition-step').waitFor();
    expect(await p.getByTestId('petition-step').innerText()).toBe('送达书面答复');
    await p.getByTestId('deadline-acceptance').waitFor();
    expect(await p.getByTestId('deadline-acceptance').innerText()).toContain('《信访工作条例》第二十三条');
    expect(await seriousViolations(p)).toEqual([]);
    await screenshot(p, 'petition');
    await p.getByRole('tab', { name: /办理记录/ }).click();
    await p.locator('.audit-timeline').waitFor();
    expect(await seriousViolations(p)).toEqual([]);
    await p.getByRole('tab', { name: /文书/ }).click();
    // By its title: the acceptance notice names the opinion to come in its text too.
    const paper = p.getByRole('article', { name: '信访处理意见书', exact: true });
    await paper.waitFor();
    await p.emulateMedia({ media: 'print' });
    expect(await p.locator('.app-header').isVisible()).toBe(false);
    await p.emulateMedia({ media: 'screen' });
    expect(await seriousViolations(p)).toEqual([]);
    await screenshot(p, 'documents');
  });

  it('lets the petitioner follow progress with the access code, identity masked, and evaluate (Art. 21)', async () => {
    const p = await newPage();
    await p.goto(`${stack.url}/console/track`);
    await p.getByLabel('信访事项编号').fill(ids.fresh);
    await p.getByLabel('查询码').fill(ids.freshCode.toLowerCase());
    await p
      .getByRole('button', { name: '查 询' })
      .or(p.getByRole('button', { name: '查询', exact: true }))
      .click();
    await p.getByTestId('petition-step').waitFor();
    expect(await p.getByTestId('petition-summary').innerText()).toContain('李*');
    expect(await p.getByTestId('petition-summary').innerText()).not.toContain('李四');
    expect(await seriousViolations(p)).toEqual([]);
    await screenshot(p, 'track');
    await p.getByRole('tab', { name: /办理/ }).first().click();
    const evaluate = p.getByTestId('action-form-evaluate');
    await evaluate.waitFor();
    expect(await p.getByTestId('action-form-withdraw').count()).toBe(0);
    await pickOption(p, '评价', '满意');
    await evaluate.getByRole('button').last().click();
    await p.getByText('已办理：评价').waitFor();
    const after = await stack.call('GET', `/v1/petitions/${ids.fresh}`, { accessCode: ids.freshCode });
    expect(after.json.metrics.satisfaction).toBe('satisfied');
    expect(await seriousViolations(p)).toEqual([]);
  });

  it('refuses a wrong access code on the petitioner page as if the petition did not exist', async () => {
    const p = await newPage();
    await p.goto(`${stack.url}/console/track`);
    await p.getByLabel('信访事项编号').fill(ids.fresh);
    await p.getByLabel('查询码').fill('AAAA-BBBB-CCCC-DDDD-EEEE');
    await p
      .getByRole('button', { name: '查 询' })
      .or(p.getByRole('button', { name: '查询', exact: true }))
      .click();
    await p.getByText(`No petition ${ids.fresh} that you may see`).waitFor();
  });

  it('switches to English and back, Ant Design included', async () => {
    const p = await newPage();
    await p.goto(`${stack.url}/console/signin`);
    await p.getByText('English').click();
    await p.getByRole('heading', { name: 'Sign in' }).waitFor();
    expect(await p.evaluate(() => document.documentElement.lang)).toBe('en');
    await p.getByText('中文').click();
    await p.getByRole('heading', { name: '登录' }).waitFor();
  });
});
