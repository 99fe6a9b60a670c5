/**
 * Checking that the person asking for a new access code is the petitioner: the name and, as registered, the ID
 * number or the phone. Compared here, never echoed back, never logged.
 */

/** What the registrar takes from the petitioner's documents. */
export interface IdentityProof {
  name: string;
  idNumber?: string;
  phone?: string;
}

/** The petitioner as registered. */
interface Registered {
  name: string;
  idNumber?: string;
  phone?: string;
}

const folded = (s: string) => s.normalize('NFKC').replace(/\s+/g, '');
const idNumber = (s: string) => folded(s).replace(/-/g, '').toUpperCase();
/** Digits only, without the country code 86 (`+86 138-0000-1234` and `13800001234` are the same phone). */
const phone = (s: string) => {
  const digits = s.normalize('NFKC').replace(/\D/g, '');
  return digits.length === 13 && digits.startsWith('86') ? digits.slice(2) : digits;
};

/**
 * `match` when the name matches and every ID number or phone given matches the registered one (at least one of them
 * registered and given); `unverifiable` when nothing given beside the name was registered; `mismatch` otherwise.
 */
export function identityMatches(
  registered: Registered,
  proof: IdentityProof,
): 'match' | 'mismatch' | 'unverifiable' {
  const checks: boolean[] = [];
  let mismatch = folded(registered.name) !== folded(proof.name);
  for (const [given, known, norm] of [
    [proof.idNumber, registered.idNumber, idNumber],
    [proof.phone, registered.phone, phone],
  ] as const) {
    if (given === undefined || known === undefined) continue;
    const same = norm(given) === norm(known) && norm(given) !== '';
    checks.push(same);
    if (!same) mismatch = true;
  }
  if (mismatch) return 'mismatch';
  return checks.length > 0 ? 'match' : 'unverifiable';
}
