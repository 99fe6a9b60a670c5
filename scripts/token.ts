/**
 * Prints a bearer token the embedded default accepts
 * (`npm run -s token -- ROLE [--dept CODE] [--approver] [--sub ID] [--ttl 8h]`).
 * Signs with JWT_SECRET, or the secret in DATA_DIR/jwt-secret (created if absent). With JWT_JWKS_URL the API
 * trusts an identity provider's keys instead, and this script refuses.
 */
import { parseArgs } from 'node:util';
import { loadConfigOrExit } from '../config';
import { StaffRoles, type StaffRole } from '../api/auth/principal';
import { mintToken, parseTtl, resolveAuthOptions } from '../api/auth/secret';

const usage = `usage: npm run -s token -- ROLE [--dept CODE] [--approver] [--sub ID] [--ttl 8h]
  ROLE   one of ${StaffRoles.join(', ')}
  --dept the department code (required for department and superior)
  --approver  the holder may approve for the body (its head): an extension needs it (Art. 34)
  --sub  the user id to put in the token (default: dev-ROLE)
  --ttl  lifetime: 30m, 8h, 7d or seconds (default 8h)`;

function fail(message: string): never {
  process.stderr.write(`${message}\n${usage}\n`);
  process.exit(2);
}

let parsed;
try {
  parsed = parseArgs({
    allowPositionals: true,
    options: {
      dept: { type: 'string' },
      approver: { type: 'boolean' },
      sub: { type: 'string' },
      ttl: { type: 'string', default: '8h' },
      help: { type: 'boolean', short: 'h' },
    },
  });
} catch (err) {
  fail((err as Error).message);
}
if (parsed.values.help) {
  process.stdout.write(`${usage}\n`);
  process.exit(0);
}
const [role, ...extra] = parsed.positionals;
if (!role || extra.length > 0) fail('give exactly one ROLE');
if (!(StaffRoles as readonly string[]).includes(role)) fail(`unknown role "${role}"`);
const dept = parsed.values.dept;
if ((role === 'department' || role === 'superior') && !dept) fail(`a ${role} token needs --dept CODE`);
if (dept !== undefined && !/^[A-Za-z0-9][A-Za-z0-9_.-]{0,63}$/.test(dept))
  fail(`--dept "${dept}" is not a department code`);
const ttlSeconds = parseTtl(parsed.values.ttl ?? '8h');
if (ttlSeconds === undefined) fail(`--ttl "${parsed.values.ttl}" is not a lifetime such as 30m, 8h or 7d`);

const config = loadConfigOrExit();
const auth = resolveAuthOptions(config);
if (!auth.secret) fail('JWT_JWKS_URL is set: tokens come from your identity provider, not from this script');

process.stdout.write(
  `${mintToken(auth.secret, {
    role: role as StaffRole,
    sub: parsed.values.sub ?? `dev-${role}`,
    ...(dept !== undefined && { dept }),
    ...(parsed.values.approver === true && { approver: true }),
    ttlSeconds,
    ...(auth.issuer !== undefined && { issuer: auth.issuer }),
    ...(auth.audience !== undefined && { audience: auth.audience }),
  })}\n`,
);
