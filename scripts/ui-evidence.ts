/**
 * `npm run ui-evidence -- [--out docs/images]`, next to a running `npm start` (same environment): registers a petition
 * with fictional data, then drives Debian's chromium through playwright-core to the embedded Web UI's history page of
 * that petition twice — once as anybody (no sign-in: the UI shows ciphertext) and once as a supervisor who signed in
 * at the codec server and set the UI's Codec Server to it with "Include cross-origin credentials" (the UI shows the
 * petition) — and saves a screenshot of each. Fails when either page shows what it must not.
 */
import { mkdirSync } from 'node:fs';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { chromium, type Page } from 'playwright-core';
import { mintToken, resolveAuthOptions } from '../api/auth/secret';
import { loadConfigOrExit } from '../config';

const { values } = parseArgs({
  options: {
    out: { type: 'string', default: 'docs/images' },
    chromium: { type: 'string', default: '/usr/bin/chromium' },
  },
});
const config = loadConfigOrExit();
if (!config.temporal.embedded)
  throw new Error('ui-evidence drives the embedded dev server’s Web UI (unset TEMPORAL_ADDRESS)');
const auth = resolveAuthOptions(config);
if (!auth.secret)
  throw new Error('ui-evidence mints its own tokens: it needs JWT_SECRET or the embedded default’s secret');
const token = (role: 'registrar' | 'department' | 'supervisor', dept?: string) =>
  mintToken(auth.secret!, { role, sub: `evidence-${role}`, ...(dept && { dept }), ttlSeconds: 3600 });
const api = `http://127.0.0.1:${config.api.port}`;
const ui = `http://127.0.0.1:${config.devServer.uiPort}`;
const NAME = '张示例';

async function call(
  method: string,
  url: string,
  bearer: string,
  body?: unknown,
): Promise<Record<string, unknown>> {
  const res = await fetch(`${api}${url}`, {
    method,
    headers: {
      authorization: `Bearer ${bearer}`,
      ...(body !== undefined && { 'content-type': 'application/json' }),
    },
    ...(body !== undefined && { body: JSON.stringify(body) }),
  });
  const json = (await res.json()) as Record<string, unknown>;
  if (!res.ok) throw new Error(`${method} ${url}: ${res.status} ${JSON.stringify(json)}`);
  return json;
}

const registered = await call('POST', '/v1/petitions', token('registrar'), {
  channel: 'letter',
  category: 'complaint',
  petitioner: { name: NAME, address: '示例市示例区示例路1号', phone: '13800000000' },
  subject: '小区冬季供暖温度不达标（示例数据）',
  content: '入冬以来室温长期低于16度，多次向物业反映未果，请求有关部门督促整改。（示例数据，非真实信访）',
});
const id = registered['id'] as string;
await call('POST', `/v1/petitions/${id}/actions/forward`, token('registrar'), {
  department: 'district-housing',
});
// The hand-over to the department runs after `forward` has answered: accept once the department has received it.
for (let i = 0; i < 120; i++) {
  const seen = await call('GET', `/v1/petitions/${id}`, token('supervisor'));
  if (seen['step'] !== 'deliver-to-department') break;
  await new Promise((r) => setTimeout(r, 250));
}
await call('POST', `/v1/petitions/${id}/actions/accept`, token('department', 'district-housing'), {});
const workflowId = `petition-${id}`;
process.stdout.write(`petition ${id}\n`);

const out = path.resolve(values.out!);
mkdirSync(out, { recursive: true });
const browser = await chromium.launch({ executablePath: values.chromium, args: ['--no-sandbox'] });

/** The history page of the petition, once the UI has rendered the start event's input. */
async function openHistory(page: Page): Promise<string> {
  await page.goto(`${ui}/namespaces/default/workflows/${workflowId}`, { waitUntil: 'networkidle' });
  await page.getByText('Workflow Type').first().waitFor({ timeout: 30_000 });
  // The UI decodes payloads after rendering the page; give the codec round trips time to land.
  await page.waitForTimeout(4_000);
  return await page.locator('body').innerText();
}

try {
  const anonymous = await browser.newContext({ viewport: { width: 1440, height: 1100 }, locale: 'zh-CN' });
  const page = await anonymous.newPage();
  const clearText = await openHistory(page);
  if (clearText.includes(NAME)) throw new Error('the Web UI shows the petitioner’s name without a sign-in');
  await page.screenshot({ path: path.join(out, 'web-ui-ciphertext.png'), fullPage: false });
  await anonymous.close();

  const staff = await browser.newContext({ viewport: { width: 1440, height: 1100 }, locale: 'zh-CN' });
  const p = await staff.newPage();
  await p.goto(`${api}/codec/`);
  await p.locator('#token').fill(token('supervisor'));
  await p.getByRole('button', { name: 'Sign in' }).click();
  await p.getByText('Signed in as').waitFor();
  await p.goto(`${ui}/namespaces/default/workflows/${workflowId}`, { waitUntil: 'networkidle' });
  // The UI's own Codec Server dialog, once per browser: this endpoint, with cross-origin credentials (the cookie).
  await p.locator('[data-testid^="data-encoder-status"]').first().click();
  await p.locator('[data-testid="use-local-endpoint-input"]').click();
  await p.locator('#data-encoder-endpoint-input').fill(`${api}/codec`);
  await p.locator('[data-testid="data-encoder-include-credentials"]').click({ force: true });
  await p.getByRole('button', { name: 'Apply' }).click();
  await openHistory(p);
  const shown = await p
    .getByText(NAME, { exact: false })
    .first()
    .waitFor({ state: 'attached', timeout: 30_000 })
    .then(() => true)
    .catch(() => false);
  if (!shown) {
    await p.screenshot({ path: path.join(out, 'web-ui-decrypted-failed.png') });
    throw new Error(
      `the Web UI does not show the decrypted petition after sign-in (see ${out}/web-ui-decrypted-failed.png)`,
    );
  }
  // Bring the petitioner into the input panel's view (an editor that scrolls inside the panel).
  await p.evaluate(`(() => {
    const walker = document.createTreeWalker(document.body, NodeFilter.SHOW_TEXT);
    for (let n = walker.nextNode(); n; n = walker.nextNode()) {
      if (!n.textContent.includes('"petitioner"')) continue;
      for (let el = n.parentElement; el; el = el.parentElement) {
        if (el.scrollHeight > el.clientHeight + 20 && getComputedStyle(el).overflowY !== 'visible') {
          el.scrollTop += n.parentElement.getBoundingClientRect().top - el.getBoundingClientRect().top - 40;
          return;
        }
      }
    }
  })()`);
  await p.waitForTimeout(500);
  await p.screenshot({ path: path.join(out, 'web-ui-decrypted.png'), fullPage: false });
  await staff.close();
  process.stdout.write(`screenshots in ${out}: web-ui-ciphertext.png, web-ui-decrypted.png\n`);
} finally {
  await browser.close();
}
