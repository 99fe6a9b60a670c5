/// <reference lib="dom" />
/**
 * Production sign-in: the console signs in with an OpenID Connect provider (authorization code + PKCE, oidc-client-ts)
 * and the API verifies the provider's access tokens through its JWKS (JWT_JWKS_URL). The provider is a local
 * `oidc-provider` on 127.0.0.1 with its development login pages; the browser goes through them like a person.
 */
import { generateKeyPairSync } from 'node:crypto';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import Provider from 'oidc-provider';
import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  launchBrowser,
  localOnly,
  screenshot,
  seriousViolations,
  startConsoleStack,
  type ConsoleStack,
} from '../helpers/console';

let server: Server;
let issuer: string;
let stack: ConsoleStack;
let browser: Browser;
/** The API as a resource server (RFC 8707): the audience of the access tokens the console gets. */
const RESOURCE = 'urn:petition-engine:api';

beforeAll(async () => {
  // The provider's address is needed by the API's configuration and the API's by the provider's client: take the
  // port first, start the stack, then attach the provider.
  server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  issuer = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  stack = await startConsoleStack({
    departments: [],
    auth: { jwksUrl: `${issuer}/jwks`, issuer, audience: RESOURCE },
    console: {
      oidc: { issuer, clientId: 'console', scopes: 'openid profile', roleClaim: 'role', deptClaim: 'dept' },
    },
  });
  const key = generateKeyPairSync('rsa', { modulusLength: 2048 }).privateKey.export({ format: 'jwk' });
  const provider = new Provider(issuer, {
    clients: [
      {
        client_id: 'console',
        token_endpoint_auth_method: 'none',
        redirect_uris: [`${stack.url}/console/callback`],
        grant_types: ['authorization_code'],
        response_types: ['code'],
      },
    ],
    async findAccount(_ctx, sub) {
      return { accountId: sub, claims: async () => ({ sub, name: '督查员甲', role: 'supervisor' }) };
    },
    claims: { openid: ['sub'], profile: ['name', 'role', 'dept'] },
    conformIdTokenClaims: false,
    pkce: { required: () => true },
    features: {
      devInteractions: { enabled: true },
      resourceIndicators: {
        enabled: true,
        defaultResource: () => RESOURCE,
        useGrantedResource: () => true,
        getResourceServerInfo: () => ({
          scope: 'openid profile',
          audience: RESOURCE,
          accessTokenFormat: 'jwt',
          accessTokenTTL: 3600,
        }),
      },
    },
    // The API reads the role from the access token (api/auth/principal.ts).
    extraTokenClaims: async () => ({ role: 'supervisor' }),
    jwks: { keys: [{ ...key, kid: 'test-key', alg: 'RS256', use: 'sig' }] },
    cookies: { keys: ['a cookie key for this test only'] },
    ttl: { Interaction: 600, Session: 3600, Grant: 3600, AccessToken: 3600, IdToken: 3600 },
    clientBasedCORS: () => true,
  });
  server.on('request', provider.callback());
  browser = await launchBrowser();
}, 300_000);

afterAll(async () => {
  await browser?.close();
  await stack?.close();
  await new Promise((r) => server?.close(r));
});

describe('signing in to the console with OpenID Connect', { timeout: 120_000 }, () => {
  it('has no role picker when tokens come from an identity provider', async () => {
    const config = await stack.call('GET', '/console/config.json');
    expect(config.json).toMatchObject({ signIn: 'oidc', oidc: { issuer, clientId: 'console' } });
    const picker = await stack.call('POST', '/v1/console/dev-token', { body: { role: 'admin' } });
    expect(picker.status).toBe(403);
    expect(picker.json.error).toBe('dev_sign_in_disabled');
  });

  it('signs a supervisor in through the provider (code + PKCE) and the API accepts the provider’s token', async () => {
    const context = await browser.newContext({ locale: 'zh-CN', viewport: { width: 1366, height: 900 } });
    await localOnly(context);
    const page = await context.newPage();
    const authorize: string[] = [];
    page.on('request', (r) => {
      if (r.url().startsWith(`${issuer}/auth`)) authorize.push(r.url());
    });
    await page.goto(`${stack.url}/console/`);
    await page.getByRole('button', { name: '通过统一身份认证登录' }).click();
    await page.locator('input[name="login"]').fill('supervisor-1');
    await page.locator('input[name="password"]').fill('any');
    await page.getByRole('button', { name: 'Sign-in' }).click();
    await page.getByRole('button', { name: 'Continue' }).click();
    await page.getByTestId('signed-in-as').waitFor();
    expect(await page.getByTestId('signed-in-as').innerText()).toContain('督查人员');
    const url = new URL(authorize[0]!);
    expect(url.searchParams.get('code_challenge_method')).toBe('S256');
    expect(url.searchParams.get('response_type')).toBe('code');
    // The dashboard's figures came from the API with the provider's token.
    await page.getByTestId('dash-open').locator('.ant-statistic-content-value').waitFor();
    expect(await page.getByTestId('dash-open').innerText()).toContain('0');
    const token = await page.evaluate(
      () => JSON.parse(sessionStorage.getItem('console.session')!).token as string,
    );
    expect(JSON.parse(Buffer.from(token.split('.')[0]!, 'base64url').toString())).toMatchObject({
      kid: 'test-key',
    });
    expect((await stack.call('GET', '/v1/supervision/overdue', { token })).status).toBe(200);
    expect(await seriousViolations(page)).toEqual([]);
    await screenshot(page, 'oidc-signed-in');
    await context.close();
  });
});
