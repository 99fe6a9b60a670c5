import { spawnSync } from 'node:child_process';
import { createSign, generateKeyPairSync, randomBytes } from 'node:crypto';
import { mkdtempSync, statSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import type { FastifyInstance } from 'fastify';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { buildApp, type AppDeps } from '../../api/app';
import { mintToken, resolveAuthOptions } from '../../api/auth/secret';
import { loadConfig } from '../../config';
import { createClient, createLazyConnection } from '../../config/temporal';
import { testDataConverter, testLogger } from '../helpers/temporal';

const root = fileURLToPath(new URL('../..', import.meta.url));
const calendarUrl = '/v1/calendar/deadline?from=2026-01-05&days=3';

function appWith(auth: AppDeps['auth']): FastifyInstance {
  const config = loadConfig({ TEMPORAL_ADDRESS: inject('devServerAddress') });
  const connection = createLazyConnection(config);
  const app = buildApp({
    config,
    logger: testLogger,
    connection,
    client: createClient(config, connection, testDataConverter()),
    auth,
  });
  app.addHook('onClose', async () => connection.close().catch(() => undefined));
  return app;
}

function runToken(dataDir: string, ...args: string[]) {
  return spawnSync(process.execPath, ['--import', 'tsx', 'scripts/token.ts', ...args], {
    cwd: root,
    env: { ...process.env, DATA_DIR: dataDir, JWT_SECRET: '', JWT_JWKS_URL: '' },
    encoding: 'utf8',
  });
}

describe('npm run token and the embedded default', () => {
  const dataDir = mkdtempSync(path.join(tmpdir(), 'petition-token-'));
  let app: FastifyInstance;
  afterAll(async () => {
    await app?.close();
  });

  it('prints a token the embedded default accepts, after creating DATA_DIR/jwt-secret with mode 0600', async () => {
    const run = runToken(dataDir, 'department', '--dept', 'D1', '--sub', 'u-42', '--ttl', '1h');
    expect(run.status, run.stderr).toBe(0);
    const token = run.stdout.trim();
    expect(token.split('.')).toHaveLength(3);
    expect(statSync(path.join(dataDir, 'jwt-secret')).mode & 0o777).toBe(0o600);
    const { source: _s, ...auth } = resolveAuthOptions(loadConfig({ DATA_DIR: dataDir }));
    app = appWith(auth);
    const res = await app.inject({
      method: 'GET',
      url: calendarUrl,
      headers: { authorization: `Bearer ${token}` },
    });
    expect(res.statusCode).toBe(200);
    const claims = JSON.parse(Buffer.from(token.split('.')[1]!, 'base64url').toString());
    expect(claims).toMatchObject({ sub: 'u-42', role: 'department', dept: 'D1' });
    expect(claims.exp - claims.iat).toBe(3600);
  });

  it('refuses an unknown role or a department token without --dept (exit 2, usage on stderr)', () => {
    for (const args of [['bogus'], ['department'], []]) {
      const run = runToken(dataDir, ...args);
      expect(run.status).toBe(2);
      expect(run.stderr).toContain('usage: npm run -s token');
    }
  });
});

describe('JWKS (production)', () => {
  const { publicKey, privateKey } = generateKeyPairSync('rsa', { modulusLength: 2048 });
  const jwk = { ...publicKey.export({ format: 'jwk' }), kid: 'k1', alg: 'RS256', use: 'sig' };
  let server: Server;
  let app: FastifyInstance;
  let fetched = 0;

  const sign = (claims: Record<string, unknown>, kid = 'k1') => {
    const now = Math.floor(Date.now() / 1000);
    const enc = (v: unknown) => Buffer.from(JSON.stringify(v)).toString('base64url');
    const input = `${enc({ alg: 'RS256', typ: 'JWT', kid })}.${enc({ iat: now, exp: now + 600, iss: 'https://idp.test', aud: 'petitions', ...claims })}`;
    return `${input}.${createSign('RSA-SHA256').update(input).sign(privateKey).toString('base64url')}`;
  };

  beforeAll(async () => {
    server = createServer((req, res) => {
      if (req.url === '/keys/jwks.json') {
        fetched += 1;
        res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify({ keys: [jwk] }));
      } else res.writeHead(404).end();
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const { port } = server.address() as AddressInfo;
    app = appWith({
      jwksUrl: `http://127.0.0.1:${port}/keys/jwks.json`,
      issuer: 'https://idp.test',
      audience: 'petitions',
    });
  });
  afterAll(async () => {
    await app?.close();
    await new Promise((resolve) => server?.close(resolve));
  });

  it('accepts a token signed by a key of the configured JWKS', async () => {
    const res = await app.inject({
      method: 'GET',
      url: calendarUrl,
      headers: { authorization: `Bearer ${sign({ sub: 'u1', role: 'supervisor' })}` },
    });
    expect(res.statusCode, res.body).toBe(200);
    expect(fetched).toBeGreaterThan(0);
  });

  it.each([
    ['another audience', () => sign({ sub: 'u1', role: 'supervisor', aud: 'elsewhere' })],
    ['another issuer', () => sign({ sub: 'u1', role: 'supervisor', iss: 'https://evil.test' })],
    ['an unknown key id', () => sign({ sub: 'u1', role: 'supervisor' }, 'k2')],
    [
      'an HMAC token',
      () => mintToken(randomBytes(32).toString('hex'), { role: 'admin', sub: 'x', ttlSeconds: 60 }),
    ],
  ])('refuses a token with %s (401)', async (_what, token) => {
    const res = await app.inject({
      method: 'GET',
      url: calendarUrl,
      headers: { authorization: `Bearer ${token()}` },
    });
    expect(res.statusCode).toBe(401);
    expect(res.json().error).toBe('unauthorized');
  });
});
