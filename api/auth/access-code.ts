import { createHash, randomBytes } from 'node:crypto';

/** Crockford's base32: no I, L, O, U, so a code read aloud or retyped survives. */
const ALPHABET = '0123456789ABCDEFGHJKMNPQRSTVWXYZ';

/** Encodes bytes as Crockford base32 (5 bits a character). */
export function base32(bytes: Uint8Array, length: number): string {
  let out = '';
  let buffer = 0;
  let bits = 0;
  for (const byte of bytes) {
    buffer = (buffer << 8) | byte;
    bits += 8;
    while (bits >= 5 && out.length < length) {
      out += ALPHABET[(buffer >>> (bits - 5)) & 31];
      bits -= 5;
    }
    buffer &= (1 << bits) - 1;
  }
  return out;
}

/**
 * A petitioner's access code: 100 random bits as 20 base32 characters, shown in groups of four
 * (`7K3M-…`). Only its SHA-256 is kept (workflow memo).
 */
export function generateAccessCode(): string {
  const code = base32(randomBytes(13), 20);
  return code.match(/.{4}/g)!.join('-');
}

/** The canonical form a code is hashed in: upper case, no separators, Crockford's look-alikes folded. */
export function normaliseAccessCode(code: string): string {
  return code.toUpperCase().replace(/[\s-]/g, '').replace(/O/g, '0').replace(/[IL]/g, '1');
}

/**
 * SHA-256 (hex) of the normalised code, as stored in the memo; what a petitioner's request carries to the petition,
 * which compares it with the memo in constant time (`accessCodeHashMatches`).
 */
export function hashAccessCode(code: string): string {
  return createHash('sha256').update(normaliseAccessCode(code)).digest('hex');
}
