import type { PetitionFacts } from './types';

/**
 * Masking of the petitioner's identity, for callers who are not shown it (Art. 30 for reports; the petitioner's own
 * access code alone should not reveal an ID number). Pure, so the API's read path and the workflow's action answers
 * mask alike.
 */

/** `李四` → `李*`: the family name stays, the rest is starred. */
export function maskName(name: string): string {
  const chars = [...name.trim()];
  if (chars.length === 0) return '';
  return chars[0] + '*'.repeat(Math.max(1, chars.length - 1));
}

/** `13800001234` → `138****1234`. */
export function maskPhone(phone: string): string {
  const chars = [...phone];
  if (chars.length <= 7) return '*'.repeat(chars.length);
  return chars.slice(0, 3).join('') + '*'.repeat(chars.length - 7) + chars.slice(-4).join('');
}

/** `110101199001011234` → `11**************34`. */
export function maskIdNumber(id: string): string {
  const chars = [...id];
  if (chars.length <= 4) return '*'.repeat(chars.length);
  return chars.slice(0, 2).join('') + '*'.repeat(chars.length - 4) + chars.slice(-2).join('');
}

/** `北京市海淀区某路2号` → `北京市海淀区****`: the district stays, the street and number go. */
export function maskAddress(address: string): string {
  const chars = [...address];
  return chars.slice(0, Math.min(6, Math.ceil(chars.length / 2))).join('') + '****';
}

/** `zhang.san@example.cn` → `z*******@example.cn`. */
export function maskEmail(email: string): string {
  const at = email.lastIndexOf('@');
  if (at <= 0) return '*'.repeat([...email].length);
  return email[0] + '*'.repeat(Math.max(1, at - 1)) + email.slice(at);
}

/** A petitioner or representative, as the facts record them. */
export type Person = { name: string; address?: string; phone?: string; idNumber?: string; email?: string };

/** Every identity field of a person, masked. */
export function maskPerson(p: Person): Person {
  return {
    name: maskName(p.name),
    ...(p.address !== undefined && { address: maskAddress(p.address) }),
    ...(p.phone !== undefined && { phone: maskPhone(p.phone) }),
    ...(p.idNumber !== undefined && { idNumber: maskIdNumber(p.idNumber) }),
    ...(p.email !== undefined && { email: maskEmail(p.email) }),
  };
}

/** Every identity string of a petition with its masked form, longest first (so a name inside an address is not masked twice). */
export function identityReplacements(facts: PetitionFacts): Array<[string, string]> {
  const pairs = new Map<string, string>();
  for (const p of [facts.petitioner as Person, ...((facts.representatives ?? []) as Person[])]) {
    const masked = maskPerson(p);
    for (const key of ['address', 'idNumber', 'phone', 'email', 'name'] as const) {
      const value = p[key]?.trim();
      if (value && [...value].length >= 2) pairs.set(value, masked[key]!);
    }
  }
  return [...pairs.entries()].sort((a, b) => b[0].length - a[0].length);
}

/** Replaces identity strings in every string of a JSON value (document texts, timeline messages, subject, content). */
export function redactDeep<T>(value: T, replacements: Array<[string, string]>): T {
  if (replacements.length === 0) return value;
  const redact = (s: string) => replacements.reduce((acc, [from, to]) => acc.split(from).join(to), s);
  const walk = (v: unknown): unknown => {
    if (typeof v === 'string') return redact(v);
    if (Array.isArray(v)) return v.map(walk);
    if (v !== null && typeof v === 'object')
      return Object.fromEntries(Object.entries(v).map(([k, x]) => [k, walk(x)]));
    return v;
  };
  return walk(value) as T;
}
