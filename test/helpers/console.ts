/**
 * The real stack for browser tests of the web console: the console built by scripts/build-console.ts, a namespace of
 * its own on the dev server (so the dashboard counts only this file's petitions), a real worker, and the real API
 * listening on 127.0.0.1 (same origin for the console and /v1), plus Debian's chromium through playwright-core.
 */
import { randomBytes, randomUUID } from 'node:crypto';
import { mkdirSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import AxeBuilder from '@axe-core/playwright';
import { Client, Connection } from '@temporalio/client';
import { msToTs } from '@temporalio/common/lib/time';
import { NativeConnection, Worker } from '@temporalio/worker';
import type { FastifyInstance } from 'fastify';
import { chromium, type Browser, type BrowserContext, type Page } from 'playwright-core';
import { inject } from 'vitest';
import { createActivities } from '../../activities';
import { buildApp, type AppDeps } from '../../api/app';
import type { AuthOptions } from '../../api/auth/plugin';
import type { StaffRole } from '../../api/auth/principal';
import { mintToken } from '../../api/auth/secret';
import { createDefinitionService } from '../../api/services/definitions';
import { createDepartmentService } from '../../api/services/departments';
import { createDraftService } from '../../api/services/drafts';
import { loadConfig } from '../../config';
import { ensureSearchAttributes } from '../../config/temporal';
import { ensureConsoleBuilt } from '../../scripts/build-console';
import type { PutDepartmentInput } from '../../workflows/department-registry';
import { searchAttributeRegistrations } from '../../workflows/search-attributes';
import { testDataConverter, testDataDir, testLogger, testPayloadCodec } from './temporal';

/** Where browser tests save their screenshots (git-ignored). */
export const screenshotDir = fileURLToPath(new URL('../../test-results/console/', import.meta.url));

/** Debian's chromium (apt-get install chromium fonts-noto-cjk; .ci/run installs it when missing). */
export const CHROMIUM = process.env['CHROMIUM_PATH'] ?? '/usr/bin/chromium';

export interface ConsoleStack {
  url: string;
  app: FastifyInstance;
  client: Client;
  namespace: string;
  taskQueue: string;
  /** A token for a role, signed with the stack's secret (API calls of the tests themselves). */
  token(role: StaffRole, dept?: string): string;
  /** `fetch` against the API with JSON in and out. */
  call(
    method: string,
    url: string,
    opts?: { token?: string; body?: unknown; accessCode?: string },
  ): Promise<{ status: number; json: any }>; // eslint-disable-line @typescript-eslint/no-explicit-any
  close(): Promise<void>;
}

/** A namespace of its own, with every search attribute, ready for list queries. */
async function createNamespace(connection: Connection, namespace: string): Promise<void> {
  await connection.workflowService.registerNamespace({
    namespace,
    workflowExecutionRetentionPeriod: msToTs('1 day'),
  });
  const until = Date.now() + 30_000;
  for (;;) {
    try {
      await connection.workflowService.describeNamespace({ namespace });
      await ensureSearchAttributes(connection, namespace, searchAttributeRegistrations);
      await connection.workflowService.countWorkflowExecutions({
        namespace,
        query: "PetitionStatus = 'open'",
      });
      return;
    } catch (err) {
      if (Date.now() > until) throw err;
      await new Promise((r) => setTimeout(r, 250));
    }
  }
}

/**
 * Starts the stack. `auth` defaults to an HS256 secret that is also offered to the console's role picker (the
 * embedded default); with `auth.jwksUrl` the picker is off.
 */
export async function startConsoleStack(
  opts: {
    departments: PutDepartmentInput[];
    auth?: AuthOptions;
    console?: Omit<NonNullable<AppDeps['console']>, 'devSignIn'>;
    devSignIn?: boolean;
  } = { departments: [] },
): Promise<ConsoleStack> {
  await ensureConsoleBuilt({ timeoutMs: 240_000 });
  const address = inject('devServerAddress');
  const namespace = `console-${randomUUID().slice(0, 8)}`;
  const taskQueue = `console-${randomUUID()}`;
  const connection = await Connection.connect({ address });
  await createNamespace(connection, namespace);
  const client = new Client({ connection, namespace, dataConverter: testDataConverter() });
  const native = await NativeConnection.connect({ address });
  const worker = await Worker.create({
    connection: native,
    namespace,
    taskQueue,
    workflowBundle: { codePath: inject('workflowBundlePath') },
    dataConverter: testDataConverter(),
    activities: createActivities({
      logger: testLogger,
      dataDir: testDataDir(),
      archiveCodec: testPayloadCodec(),
    }),
  });
  const running = worker.run();
  const secret = randomBytes(32).toString('base64url');
  const auth = opts.auth ?? { secret };
  const config = loadConfig({
    TEMPORAL_ADDRESS: address,
    TEMPORAL_NAMESPACE: namespace,
    TEMPORAL_TASK_QUEUE: taskQueue,
  });
  const app = buildApp({
    config,
    logger: testLogger,
    connection,
    client,
    auth,
    definitions: createDefinitionService(client, {
      taskQueue,
      registryId: `definition-registry-${taskQueue}`,
    }),
    drafts: createDraftService(client, {
      taskQueue,
      storeId: `definition-drafts-${taskQueue}`,
      connection,
      rpcTimeoutMs: 15_000,
    }),
    departments: createDepartmentService(client, {
      taskQueue,
      registryId: `department-registry-${taskQueue}`,
      seed: opts.departments,
      connection,
      rpcTimeoutMs: 15_000,
    }),
    limits: { rateLimitMax: 100_000 },
    rpcTimeoutMs: 15_000,
    console: {
      ...opts.console,
      ...(opts.devSignIn !== false && auth.secret && { devSignIn: { secret: auth.secret } }),
    },
  });
  const url = await app.listen({ host: '127.0.0.1', port: 0 });
  const token = (role: StaffRole, dept?: string) =>
    mintToken(secret, { role, sub: `test-${role}`, ...(dept !== undefined && { dept }), ttlSeconds: 3600 });
  return {
    url,
    app,
    client,
    namespace,
    taskQueue,
    token,
    async call(method, u, o = {}) {
      const res = await fetch(`${url}${u}`, {
        method,
        headers: {
          ...(o.token && { authorization: `Bearer ${o.token}` }),
          ...(o.accessCode && { 'x-access-code': o.accessCode }),
          ...(o.body !== undefined && { 'content-type': 'application/json' }),
        },
        ...(o.body !== undefined && { body: JSON.stringify(o.body) }),
      });
      const text = await res.text();
      return { status: res.status, json: text ? JSON.parse(text) : undefined };
    },
    async close() {
      await app.close();
      worker.shutdown();
      await running;
      await native.close();
      await connection.close();
    },
  };
}

/** Headless chromium (as root it needs --no-sandbox), one context per test so sessions never leak. */
export async function launchBrowser(): Promise<Browser> {
  return await chromium.launch({
    executablePath: CHROMIUM,
    headless: true,
    args: ['--no-sandbox', '--disable-dev-shm-usage', '--font-render-hinting=none'],
  });
}

/** Lets the pages reach this machine only (127.0.0.1): anything else (a provider's web fonts, …) is refused. */
export async function localOnly(context: BrowserContext): Promise<void> {
  await context.route(
    (url) => url.hostname !== '127.0.0.1' && url.hostname !== 'localhost',
    (route) => route.abort('blockedbyclient'),
  );
}

export async function screenshot(page: Page, name: string): Promise<string> {
  mkdirSync(screenshotDir, { recursive: true });
  const file = path.join(screenshotDir, `${name}.png`);
  await page.screenshot({ path: file, fullPage: true });
  return file;
}

/** The serious and critical accessibility violations axe finds on the page (rule id, impact, a few targets). */
export async function seriousViolations(
  page: Page,
): Promise<Array<{ id: string; impact: string; targets: string[] }>> {
  const result = await new AxeBuilder({ page })
    .withTags(['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa'])
    .analyze();
  return result.violations
    .filter((v) => v.impact === 'serious' || v.impact === 'critical')
    .map((v) => ({
      id: v.id,
      impact: v.impact!,
      targets: v.nodes
        .slice(0, 5)
        .map((n) => `${n.target.join(' ')} ${n.html.slice(0, 160)} — ${n.failureSummary ?? ''}`),
    }));
}

/** A form label: the text, then possibly the mark of an optional field ("（可选）"). */
export const labelled = (text: string): RegExp =>
  new RegExp(`^${text.replace(/[()（）]/g, '\\$&')}(\\s*（可选）)?$`);

/** Picks an option of an Ant Design select by its label text. */
export async function pickOption(page: Page, label: string, option: string): Promise<void> {
  await page.getByLabel(labelled(label)).click();
  await page
    .locator('.ant-select-dropdown:visible .ant-select-item-option', { hasText: option })
    .first()
    .click();
  // The closing dropdown keeps an unlabelled listbox in the page until its animation ends;
  // wait for it so an accessibility check right after a pick sees the form, not the animation.
  await page.locator('.ant-select-dropdown:visible').first().waitFor({ state: 'hidden' });
}

/** Signs in through the console's role picker (the embedded default). */
export async function signInAs(
  page: Page,
  url: string,
  roleLabel: string,
  department?: string,
): Promise<void> {
  await page.goto(`${url}/console/signin`);
  await pickOption(page, '角色', roleLabel);
  if (department) await pickOption(page, '所属机关', department);
  await page
    .getByRole('button', { name: '登 录' })
    .or(page.getByRole('button', { name: '登录' }))
    .click();
  await page.getByTestId('signed-in-as').waitFor();
}
