/// <reference lib="dom" />
/**
 * The designer's editor in a real browser (Debian's chromium through playwright-core) against the real stack: the
 * statutory definition opened in the bpmn-js modeller, a deadline changed, a validation issue drawn on the diagram and
 * gone again, the diff, a dry run showing the new dates, a draft saved and found again, and the draft published as a
 * new version. Screenshots go to test-results/console/; axe finds no serious or critical violation.
 */
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import {
  launchBrowser,
  localOnly,
  pickOption,
  screenshot,
  seriousViolations,
  signInAs,
  startConsoleStack,
  type ConsoleStack,
} from '../helpers/console';

const ARTICLE = '《信访工作条例》第二十三条第二款、第三款';
const ACCEPTANCE = 'accept-notice__deadline__acceptance';

let stack: ConsoleStack;
let browser: Browser;
let context: BrowserContext;

beforeAll(async () => {
  stack = await startConsoleStack({ departments: [] });
  browser = await launchBrowser();
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
    viewport: { width: 1440, height: 1000 },
    locale: 'zh-CN',
    timezoneId: 'Asia/Shanghai',
  });
  await localOnly(context);
  return await context.newPage();
}

const issueTag = (p: Page) => p.getByTestId('editor-issue-count');
const badge = (p: Page, id: string) => p.locator(`.pe-issue-badge.error[data-element="${id}"]`);

async function openEditor(p: Page): Promise<void> {
  await signInAs(p, stack.url, '流程设计');
  await p.getByRole('link', { name: '流程编辑器' }).click();
  await p.getByRole('heading', { name: '流程编辑器' }).waitFor();
  await p.locator(`[data-element-id="${ACCEPTANCE}"]`).waitFor();
  await expect.poll(() => issueTag(p).innerText(), { timeout: 20_000 }).toMatch(/^错误 0/);
}

/** Clicks an element of the diagram by its id. */
async function select(p: Page, id: string): Promise<void> {
  await p.locator(`g.djs-element[data-element-id="${id}"]`).first().click({ force: true });
}

describe('the designer edits the statutory definition in the console', { timeout: 180_000 }, () => {
  it('changes the acceptance period 15 → 10, sees an issue drawn and cleared, the diff and the new dates, saves a draft and publishes version 3 (Art. 23)', async () => {
    const p = await newPage();
    await openEditor(p);
    expect(await seriousViolations(p)).toEqual([]);

    // The deadline's properties: 15 days from the body's receipt, Art. 23.
    await select(p, ACCEPTANCE);
    const props = p.getByTestId('editor-properties');
    await props.getByTestId('deadline-props').waitFor();
    await expect.poll(() => props.getByLabel('期限（日）').inputValue()).toBe('15');
    expect(await props.getByLabel('依据条款').inputValue()).toBe(ARTICLE);
    await props.getByLabel('期限（日）').fill('10');

    // An article removed is an issue on the deadline's timer, drawn as the designer types; put back, it is gone.
    await props.getByLabel('依据条款').fill('');
    await badge(p, ACCEPTANCE).waitFor({ timeout: 20_000 });
    await expect.poll(() => issueTag(p).innerText()).toMatch(/^错误 [1-9]/);
    await expect.poll(() => p.getByTestId('editor-issues').innerText()).toContain('article');
    await screenshot(p, 'editor-issue');
    await props.getByLabel('依据条款').fill(ARTICLE);
    await badge(p, ACCEPTANCE).waitFor({ state: 'detached', timeout: 20_000 });
    await expect.poll(() => issueTag(p).innerText()).toMatch(/^错误 0/);

    // The diff against the published version: that deadline's duration, 15 → 10, and nothing else.
    await p.getByRole('tab', { name: '与已发布版本比较' }).click();
    await p.getByRole('button', { name: /与 petition-2022@2 比较/ }).click();
    const diff = p.getByTestId('editor-diff');
    await diff.getByText('1 处变化').waitFor();
    expect(await diff.locator('tbody').innerText()).toMatch(
      /修改\s+期限\s+受理告知期限（accept-notice\/acceptance）\s+duration 15 → 10/,
    );

    // A dry run of the draft: received directly on 2026-09-20, the notice is now due on 2026-09-30 (before the holiday).
    await p.getByRole('tab', { name: '试运行' }).click();
    const dry = p.getByTestId('editor-dry-run');
    await dry.getByLabel('登记时间').fill('2026-09-20 09:00');
    await pickOption(p, '类别', '申诉求决类（complaint）');
    await dry.getByLabel('直接收到的机关').fill('D1');
    await dry.getByRole('button', { name: '增加动作' }).click();
    await dry.getByLabel('动作 1', { exact: true }).click();
    await p
      .locator('.ant-select-dropdown:visible .ant-select-item-option', { hasText: '受理（accept）' })
      .first()
      .click();
    await dry.getByLabel('动作 1 的时间').fill('2026-09-25 10:00');
    await dry.getByRole('button', { name: /试运行|试 运 行/ }).click();
    const result = p.getByTestId('dry-run-result');
    await result.waitFor();
    expect(await result.getByTestId('due-acceptance').innerText()).toContain('2026/09/30 24:00');
    expect(await result.getByTestId('dry-run-deadlines').innerText()).toContain(ARTICLE);
    expect(await result.getByTestId('due-handling').innerText()).toMatch(/^2026\/11\/2[0-9] 24:00/);
    expect(await seriousViolations(p)).toEqual([]);
    await screenshot(p, 'editor-dry-run');

    // Saved as a draft, it is there again after a reload.
    await p.getByRole('button', { name: /保存草稿|保 存 草 稿/ }).click();
    await expect.poll(() => p.getByTestId('editor-draft-state').innerText()).toContain('草稿第 1 版');
    const draft = await stack.call('GET', '/v1/definitions/petition-2022/draft', {
      token: stack.token('designer'),
    });
    expect(draft.status).toBe(200);
    expect(draft.json).toMatchObject({
      revision: 1,
      format: 'bpmn',
      basedOn: 2,
      savedBy: { role: 'designer' },
    });
    await p.reload();
    await p.locator(`[data-element-id="${ACCEPTANCE}"]`).waitFor();
    await expect.poll(() => p.getByTestId('editor-draft-state').innerText()).toContain('草稿第 1 版');
    await select(p, ACCEPTANCE);
    await expect
      .poll(() => p.getByTestId('editor-properties').getByLabel('期限（日）').inputValue())
      .toBe('10');
    await select(p, 'accept-notice');
    await screenshot(p, 'editor');

    // Published as version 3: new petitions follow it; the draft is gone.
    await p.getByRole('button', { name: /^发\s*布$/ }).click();
    await p
      .locator('.ant-popconfirm')
      .getByRole('button', { name: /^发\s*布$/ })
      .click();
    await p.getByText('已发布 petition-2022 第 3 版').waitFor({ timeout: 20_000 });
    const published = await stack.call('GET', '/v1/definitions/petition-2022', {
      token: stack.token('designer'),
    });
    expect(published.json).toMatchObject({
      id: 'petition-2022',
      version: 3,
      publishedBy: { role: 'designer' },
    });
    const task = published.json.definition.elements.find((e: { id: string }) => e.id === 'accept-notice');
    expect(task.deadlines.find((d: { id: string }) => d.id === 'acceptance')).toMatchObject({
      duration: 10,
      article: ARTICLE,
    });
    expect(
      (await stack.call('GET', '/v1/definitions/petition-2022/draft', { token: stack.token('designer') }))
        .status,
    ).toBe(404);
    await expect.poll(() => p.getByTestId('editor-toolbar').innerText()).toContain('基于已发布版本 3');
  });

  it('offers the editor to designers and administrators only: a registrar has no link to it and is sent back from its address, as the API refuses them the drafts', async () => {
    const p = await newPage();
    await signInAs(p, stack.url, '登记人员');
    await p.getByRole('link', { name: '登记' }).waitFor();
    expect(await p.getByRole('link', { name: '流程编辑器' }).count()).toBe(0);
    await p.goto(`${stack.url}/console/editor`);
    await p.waitForURL((u) => !u.pathname.endsWith('/editor'));
    expect(await p.getByRole('heading', { name: '流程编辑器' }).count()).toBe(0);
    const refused = await stack.call('GET', '/v1/definitions/petition-2022/draft', {
      token: stack.token('registrar'),
    });
    expect(refused.status).toBe(403);
  });
});
