/**
 * Object-level access rules and the personal-data projection of a petition, in one place so every route applies
 * the same ones. Which petitions a caller sees is decided by the engine's `authorize` under the product's policy
 * (workflows/access-policy.ts), the very rules the petition's Update validator applies to an action (docs/api.md,
 * "Who sees what"):
 * - registrar, supervisor, admin: every petition;
 * - department staff: the petitions their body holds now (PetitionDepartment = their code);
 * - superiors (the department registry's `superior` relation, resolved here into the caller's `subordinates`): what
 *   their direct subordinate bodies handled (held or acted on), and what they must act on now (the review or
 *   re-review routed to them, Art. 35–36); nothing else. With no department registered: what awaits a superior's
 *   action, or what a superior acted on;
 * - nobody of the body a report concerns ever sees it (Art. 30): it answers 404 as if it did not exist;
 * - designers: no petitions.
 * Lists are scoped the same way: department staff see their own body's (see {@link departmentScope}).
 */
import { PETITION_ACCESS } from '../../workflows/access-policy';
import {
  accessFactsOfView,
  authorize,
  identityReplacements,
  maskPerson,
  notVisible,
  redactDeep,
  seesIdentity as roleSeesIdentity,
  type PetitionView,
} from '../../workflows/engine';
import { ApiError } from '../errors';
import type { PetitionDetail } from '../schemas/petitions';
import type { DepartmentRelations } from '../services/department-directory';
import { callerOf, roleOf, type Principal } from './principal';
import { requireRole } from './plugin';

/** What the API knows about a petition without asking its workflow (describe: search attributes and memo). */
export interface PetitionRecord {
  id: string;
  /** False once the workflow has finished (completed, terminated, …). */
  running: boolean;
  department: string | null;
  category: string | null;
  concerns: string | null;
  /** The definition it follows, `id@version`. */
  definition: string | null;
  memo: Record<string, unknown>;
}

/**
 * The answer to a petition the caller may not see, exactly as to one that does not exist: the answer never tells
 * which petition ids exist.
 */
export function petitionNotFound(id: string): ApiError {
  return new ApiError(404, 'not_found', notVisible(id).message);
}

/**
 * Whether the caller may see the petition, from its view: the rules of the petition's Update validator. A
 * petitioner's access code was checked against the petition's record (`accessCodeHash`, its memo) when it was read.
 */
export function maySee(
  principal: Principal,
  view: PetitionView,
  accessCodeHash: unknown,
  subordinates?: readonly string[],
): boolean {
  if (principal.kind === 'petitioner' && principal.petitionId !== view.id) return false;
  const caller = callerOf(principal, subordinates);
  return authorize(PETITION_ACCESS, caller, accessFactsOfView(view), accessCodeHash) === undefined;
}

/**
 * The bodies the caller's body is the direct superior of, by the department registry, for a role the access policy
 * scopes by it (superiors); undefined for other roles and while no department is registered (the unscoped rule).
 */
export async function subordinatesFor(
  principal: Principal,
  directory: { relations(): Promise<Pick<DepartmentRelations, 'empty' | 'subordinatesOf'>> },
): Promise<string[] | undefined> {
  if (principal.kind !== 'staff' || !PETITION_ACCESS.involved.includes(principal.role)) return undefined;
  const relations = await directory.relations();
  if (relations.empty) return undefined;
  return principal.dept === undefined ? [] : [...relations.subordinatesOf(principal.dept)];
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
const FULL_ACCESS: ReadonlySet<string> = new Set(PETITION_ACCESS.everyPetition);

/** Whether the caller is shown the petitioner's identity unmasked. */
export function seesIdentity(principal: Principal, confidential: boolean): boolean {
  return roleSeesIdentity(PETITION_ACCESS, roleOf(principal), confidential);
}

/** The petition as the caller may see it: the caller's actions only, identity masked unless the caller needs it. */
export function projectPetition(view: PetitionView, principal: Principal): PetitionDetail {
  const role = principal.kind === 'petitioner' ? 'petitioner' : principal.role;
  const facts = view.petition;
  const unmasked = seesIdentity(principal, view.confidential);
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
    sameMatter: facts.sameMatter ?? null,
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
