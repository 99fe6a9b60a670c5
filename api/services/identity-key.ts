/**
 * The same-matter key of a petitioner (Arts. 19, 36 ¶3): the identity made into an opaque keyword that visibility can
 * match without ever holding the identity. HMAC-SHA256 under a secret of the API, so that the key cannot be recomputed
 * from a guessed identity by anyone who reads the search attributes (they are never encrypted).
 */
import { createHmac } from 'node:crypto';
import path from 'node:path';
import { loadOrCreateSecret, readSecret } from '../auth/secret';

/** The identity fields registration takes (api/schemas/petitions.ts `petitioner`). */
export interface PetitionerIdentity {
  name: string;
  phone?: string;
  idNumber?: string;
}

/**
 * The normalised identity the key is computed from: the ID number when given (trimmed, inner blanks removed,
 * upper-cased: a final `x` of a resident ID is `X`), else the name (Unicode NFKC, blanks collapsed) with the phone
 * (digits only; a mainland number written with the country code 86 is the same number), else none — a name alone
 * is too common to say two petitions come from one person.
 */
export function normalisedIdentity(p: PetitionerIdentity): string | undefined {
  const id = p.idNumber?.normalize('NFKC').replace(/\s+/g, '').toUpperCase();
  if (id) return `id:${id}`;
  const name = p.name.normalize('NFKC').trim().replace(/\s+/g, ' ');
  let phone = (p.phone ?? '').normalize('NFKC').replace(/\D/g, '');
  if (phone.length === 13 && phone.startsWith('86')) phone = phone.slice(2);
  if (name && phone) return `name-phone:${name}\n${phone}`;
  return undefined;
}

/** Computes same-matter keys under one secret. */
export interface IdentityKeyer {
  /** The key (64 hex digits) of a petitioner, or undefined when the identity given is not enough to tell. */
  keyOf(petitioner: PetitionerIdentity): string | undefined;
}

export function createIdentityKeyer(secret: string): IdentityKeyer {
  return {
    keyOf(petitioner) {
      const identity = normalisedIdentity(petitioner);
      return identity === undefined
        ? undefined
        : createHmac('sha256', secret).update(`same-matter\n${identity}`).digest('hex');
    },
  };
}

/** Where the embedded default keeps the same-matter secret (beside the JWT secret). */
export function identityKeyPath(dataDir: string): string {
  return path.join(dataDir, 'identity-key');
}

/**
 * The same-matter secret of a deployment: IDENTITY_KEY_SECRET, else the file IDENTITY_KEY_FILE, else the embedded
 * default's `DATA_DIR/identity-key` (created on first use, mode 0600). Every API process of a deployment must use the
 * same secret, and keep it: a new secret makes the keys of earlier petitions unmatchable.
 */
export function resolveIdentityKeySecret(config: {
  identityKey: { secret?: string; file?: string };
  dataDir: string;
}): { secret: string; source: 'IDENTITY_KEY_SECRET' | 'IDENTITY_KEY_FILE' | 'data-dir' } {
  const { secret, file } = config.identityKey;
  if (secret) return { secret, source: 'IDENTITY_KEY_SECRET' };
  if (file) return { secret: readSecret(file), source: 'IDENTITY_KEY_FILE' };
  return {
    secret: loadOrCreateSecret(config.dataDir, identityKeyPath(config.dataDir)),
    source: 'data-dir',
  };
}
