/**
 * Object-level access rules and the personal-data projection of a petition, in one place so every route applies
 * the same ones. Rules (docs/api.md, "Who sees what"):
 * - registrar, supervisor, admin: every petition;
 * - department staff: the petitions their body holds now (PetitionDepartment = their code);
 * - superiors: a petition once it has reached them: the superior may act on it now, or a superior acted on it
 *   before (review and re-review, Art. 35–36). Kept simple on purpose: the engine does not model which body is
 *   whose superior yet;
 * - nobody of the body a report concerns ever sees it (Art. 30): it answers 404 as if it did not exist;
 * - designers: no petitions.
 * Lists are scoped the same way: department staff see their own body's (see {@link departmentScope}).
 */
import type { PetitionFacts, PetitionView } from '../../workflows/engine';
import { ApiError } from '../errors';
import type { PetitionDetail } from '../schemas/petitions';
import { requireRole } from './plugin';
import type { Principal } from './principal';

/** What the API knows about a petition without asking its workflow (describe: search attributes and memo). */
export interface PetitionRecord {
  id: string;
  /** False once the workflow has finished (completed, terminated, …). */
  running: boolean;
  department: string | null;
  category: string | null;
  concerns: string | null;
  memo: Record<string, unknown>;
}

/**
 * The answer to a petition the caller may not see, exactly as to one that does not exist: the answer never tells
 * which petition ids exist.
 */
export function petitionNotFound(id: string): ApiError {
  return new ApiError(
    404,
    'not_found',
    `No petition ${id} that you may see (check the id, and the access code if you are the petitioner).`,
  );
}

/** Department staff are scoped to their body; asking for another body is refused rather than silently narrowed. */
export function departmentScope(
  principal: Extract<Principal, { kind: 'staff' }>,
  requested: string | undefined,
): { department?: string } {
  if (principal.role !== 'department') return {};
  if (requested !== undefined && requested !== principal.dept) {
    throw new ApiError(
      403,
      'forbidden',
      `Department staff see their own body's petitions only (${principal.dept}), not ${requested}.`,
    );
  }
  return { department: principal.dept! };
}

/** A department's work list is for the staff of that body; supervisors and admins read every body's. */
export function requireWorkListAccess(principal: Extract<Principal, { kind: 'staff' }>, code: string): void {
  const own = (principal.role === 'department' || principal.role === 'superior') && principal.dept === code;
  if (!own) requireRole(principal, ['supervisor', 'admin'], `read the work list of ${code}`);
}

/** Roles that see every petition and the petitioner's identity (they register, supervise or administer). */
const FULL_ACCESS = new Set(['registrar', 'supervisor', 'admin']);

/** A report is hidden from the body it concerns, whoever of that body asks (Art. 30). */
export function concernsCaller(
  principal: Principal,
  record: Pick<PetitionRecord, 'category' | 'concerns'>,
): boolean {
  return (
    principal.kind === 'staff' &&
    record.category === 'report' &&
    principal.dept !== undefined &&
    record.concerns !== null &&
    record.concerns === principal.dept
  );
}

/**
 * Whether the caller may see the petition, from what `describe` tells. `'view'` means: it depends on the
 * petition's state (superiors), decide with {@link superiorMaySee} once the view is read.
 */
export function maySee(principal: Principal, record: PetitionRecord): boolean | 'view' {
  if (principal.kind === 'petitioner') return principal.petitionId === record.id;
  if (concernsCaller(principal, record)) return false;
  if (FULL_ACCESS.has(principal.role)) return true;
  switch (principal.role) {
    case 'department':
      return record.department !== null && record.department === principal.dept;
    case 'superior':
      return 'view';
    default:
      return false;
  }
}

/**
 * A superior sees a petition the superior may act on now, or acted on before. "Act on now" is the current step's own
 * actions: the actions a superior may take in any step (recusal, an urgent flag) open no petition to every superior.
 */
export function superiorMaySee(view: PetitionView): boolean {
  return (
    ((view.stepActions ?? view.availableActions)['superior'] ?? []).length > 0 ||
    view.timeline.some((t) => t.actor?.role === 'superior')
  );
}

/** Whether the caller is shown the petitioner's identity unmasked. */
export function seesIdentity(principal: Principal, category: string): boolean {
  if (principal.kind === 'petitioner') return false;
  if (FULL_ACCESS.has(principal.role)) return true;
  if (category === 'report') return false;
  return principal.role === 'department' || principal.role === 'superior';
}

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

type Person = { name: string; address?: string; phone?: string; idNumber?: string; email?: string };

/** `zhang.san@example.cn` → `z*******@example.cn`. */
export function maskEmail(email: string): string {
  const at = email.lastIndexOf('@');
  if (at <= 0) return '*'.repeat([...email].length);
  return email[0] + '*'.repeat(Math.max(1, at - 1)) + email.slice(at);
}

function maskPerson(p: Person): Person {
  return {
    name: maskName(p.name),
    ...(p.address !== undefined && { address: maskAddress(p.address) }),
    ...(p.phone !== undefined && { phone: maskPhone(p.phone) }),
    ...(p.idNumber !== undefined && { idNumber: maskIdNumber(p.idNumber) }),
    ...(p.email !== undefined && { email: maskEmail(p.email) }),
  };
}

/** Every identity string of a petition with its masked form, longest first (so a name inside an address is not masked twice). */
function identityReplacements(facts: PetitionFacts): Array<[string, string]> {
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
function redactDeep<T>(value: T, replacements: Array<[string, string]>): T {
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

/** The petition as the caller may see it: the caller's actions only, identity masked unless the caller needs it. */
export function projectPetition(view: PetitionView, principal: Principal): PetitionDetail {
  const role = principal.kind === 'petitioner' ? 'petitioner' : principal.role;
  const facts = view.petition;
  const unmasked = seesIdentity(principal, view.category);
  const detail: PetitionDetail = {
    id: view.id,
    status: view.status,
    step: view.step,
    stepName: view.stepName,
    category: view.category,
    channel: view.channel,
    department: view.department,
    holder: view.holder,
    ...(principal.kind === 'staff' && FULL_ACCESS.has(principal.role) && { concerns: view.concerns }),
    receivedAt: view.receivedAt,
    registeredAt: view.registeredAt,
    // The definition's count of days registered late, where it declares one (the statutory default does).
    lateRegistrationDays:
      typeof view.variables['lateRegistrationDays'] === 'number'
        ? view.variables['lateRegistrationDays']
        : null,
    definition: view.definition,
    subject: facts.subject,
    content: facts.content,
    petitioner: facts.petitioner,
    identityMasked: false,
    representatives: facts.representatives ?? [],
    attachments: facts.attachments ?? [],
    deadlines: view.deadlines,
    availableActions: view.availableActions[role] ?? [],
    timeline: view.timeline,
    documents: view.documents.map(({ deliveries: _d, ...d }) => d),
    supervision: view.supervision.map(({ by: _by, deadlineKey: _k, answeredBy: _a, ...s }) => s),
    outcome: view.outcome,
    metrics: view.metrics,
  };
  if (unmasked) return detail;
  const { petitioner, representatives, ...rest } = detail;
  return {
    ...redactDeep(rest, identityReplacements(facts)),
    petitioner: maskPerson(petitioner),
    representatives: representatives.map(maskPerson),
    identityMasked: true,
  };
}
