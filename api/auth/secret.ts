import { createHmac, randomBytes } from 'node:crypto';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import type { StaffRole } from './principal';

/** Where the embedded default keeps its token signing secret. */
export function jwtSecretPath(dataDir: string): string {
  return path.join(dataDir, 'jwt-secret');
}

/**
 * The embedded default's HS256 secret: read from `DATA_DIR/jwt-secret`, or created there (256 random bits, mode
 * 0600) when absent. Created with `wx` so that the API and `npm run token` racing on a fresh data directory agree
 * on one secret.
 */
export function loadOrCreateJwtSecret(dataDir: string): string {
  return loadOrCreateSecret(dataDir, jwtSecretPath(dataDir));
}

/**
 * A secret kept in a file under the data directory: read, or created there (256 random bits, mode 0600) when absent,
 * with `wx` so that processes racing on a fresh data directory agree on one.
 */
export function loadOrCreateSecret(dataDir: string, file: string): string {
  try {
    return readSecret(file);
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code !== 'ENOENT') throw err;
  }
  mkdirSync(dataDir, { recursive: true, mode: 0o700 });
  try {
    writeFileSync(file, `${randomBytes(32).toString('base64url')}\n`, { mode: 0o600, flag: 'wx' });
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code !== 'EEXIST') throw err;
  }
  return readSecret(file);
}

/** Reads a secret from a file (trimmed); at least 32 characters. */
export function readSecret(file: string): string {
  const secret = readFileSync(file, 'utf8').trim();
  if (secret.length < 32)
    throw new Error(
      `${file} holds no usable secret (fewer than 32 characters); delete it to have a new one generated`,
    );
  return secret;
}

/** What a minted token says about its holder. */
export interface MintTokenInput {
  role: StaffRole;
  sub: string;
  dept?: string;
  /** The approver claim: the holder may approve for the body (e.g. an extension, Art. 34). */
  approver?: boolean;
  /** Lifetime in seconds. */
  ttlSeconds: number;
  issuer?: string;
  audience?: string;
  /** Seconds since the epoch (tests). */
  now?: number;
}

/** Signs an HS256 JWT with the given secret, as the embedded default's verifier expects (`npm run token`). */
export function mintToken(secret: string, input: MintTokenInput): string {
  const iat = input.now ?? Math.floor(Date.now() / 1000);
  const payload = {
    sub: input.sub,
    role: input.role,
    ...(input.dept !== undefined && { dept: input.dept }),
    ...(input.approver === true && { approver: true }),
    iat,
    exp: iat + input.ttlSeconds,
    ...(input.issuer !== undefined && { iss: input.issuer }),
    ...(input.audience !== undefined && { aud: input.audience }),
  };
  const encode = (value: unknown) => Buffer.from(JSON.stringify(value)).toString('base64url');
  const signingInput = `${encode({ alg: 'HS256', typ: 'JWT' })}.${encode(payload)}`;
  const signature = createHmac('sha256', secret).update(signingInput).digest('base64url');
  return `${signingInput}.${signature}`;
}

/** Parses a lifetime such as `8h`, `30m`, `2d` or `3600` (seconds). */
export function parseTtl(text: string): number | undefined {
  const match = /^(\d+)\s*([smhd]?)$/.exec(text.trim());
  if (!match) return undefined;
  const n = Number(match[1]);
  const unit = { '': 1, s: 1, m: 60, h: 3600, d: 86_400 }[match[2] as '' | 's' | 'm' | 'h' | 'd'];
  const seconds = n * unit;
  return seconds > 0 ? seconds : undefined;
}

/**
 * The verifier settings of a deployment: JWT_JWKS_URL, else JWT_SECRET, else the embedded default's secret file
 * under DATA_DIR (created on first use).
 */
export function resolveAuthOptions(config: {
  auth: { secret?: string; jwksUrl?: string; issuer?: string; audience?: string };
  dataDir: string;
}): {
  secret?: string;
  jwksUrl?: string;
  issuer?: string;
  audience?: string;
  source: 'jwks' | 'JWT_SECRET' | 'data-dir';
} {
  const { jwksUrl, secret, issuer, audience } = config.auth;
  const common = { ...(issuer !== undefined && { issuer }), ...(audience !== undefined && { audience }) };
  if (jwksUrl) return { jwksUrl, ...common, source: 'jwks' };
  if (secret) return { secret, ...common, source: 'JWT_SECRET' };
  return { secret: loadOrCreateJwtSecret(config.dataDir), ...common, source: 'data-dir' };
}
