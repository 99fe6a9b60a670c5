import { listedBody } from './context';
import { indexDefinition } from './definition-index';
import type { Actor, Definition, PetitionState, Refusal } from './types';
import { handledByOf, holderBodyOf, isConfidential, stepActionsOf, type PetitionView } from './view';
import { FailureType } from '../failure-types';

/**
 * Object-level authorization: whether a caller may see (and so act on) one petition. Pure, so that the Update
 * validator (before an action reaches history) and the API's read path decide by the same rules. Which roles see
 * what is data ({@link AccessPolicy}): the engine names no role.
 */

/** Staff, as their verified token describes them. */
export interface StaffCaller {
  kind: 'staff';
  role: string;
  /** The token's subject: an opaque user id. */
  sub: string;
  /** The body they act for (department staff, superiors). */
  department?: string;
  /** The token's `approver` claim. */
  approver?: boolean;
  /**
   * The bodies whose direct superior the caller's body is, by the department registry (the API resolves them): a
   * role the policy scopes by it (superiors) then sees only what these bodies handled and what routing hands to its
   * own body. Absent (older callers, or no department registered): the policy's unscoped rule.
   */
  subordinates?: readonly string[];
}

/** The petitioner, who holds the petition's access code: only its SHA-256 (hex) travels. */
export interface PetitionerCaller {
  kind: 'petitioner';
  accessCodeHash: string;
}

/** Who asks to act on (or read) a petition. */
export type Caller = StaffCaller | PetitionerCaller;

/** Which staff roles see which petitions, and the petitioner's identity. */
export interface AccessPolicy {
  /** The role the petitioner acts in (the definition's name for it). */
  petitionerRole: string;
  /** Roles that see every petition. */
  everyPetition: readonly string[];
  /** Roles that see a petition while their body is its handling body. */
  handlingBody: readonly string[];
  /**
   * Roles that see a petition their role may act on now (an action of the current step itself: one a role may take
   * in any step, a recusal say, opens no petition), or one someone of their role acted on before. A caller that
   * names its `subordinates` sees instead what its body must act on now and what its subordinate bodies handled.
   */
  involved: readonly string[];
  /** Roles shown the petitioner's identity: always, or unless the petition is confidential (a report). */
  identity: { always: readonly string[]; unlessConfidential: readonly string[] };
}

/** What the rules read of a petition; built from its state (the workflow) or from its view (the API). */
export interface AccessFacts {
  petitionId: string;
  /** The body whose list the petition is on (PetitionDepartment), if one is: its department staff see it. */
  handlingBody: string | null;
  /** Its category is confidential: it is never shown to the body it concerns. */
  confidential: boolean;
  concerns: string | null;
  /** The body routing recorded for the current step's assignee (its holder variable), if it names one. */
  holderBody: string | null;
  /** Every body that handled the petition: the bodies its assignees' variables name, and the bodies of its actors. */
  handledBy: readonly string[];
  mayActNow(role: string): boolean;
  actedBefore(role: string): boolean;
}

/** The facts of a petition's state. */
export function accessFactsOf(definition: Definition, state: PetitionState): AccessFacts {
  return {
    petitionId: state.petitionId,
    handlingBody: listedBody(indexDefinition(definition), state) ?? null,
    confidential: isConfidential(definition, state),
    concerns: state.petition.concerns ?? null,
    holderBody: holderBodyOf(definition, state),
    handledBy: handledByOf(definition, state),
    mayActNow: (role) => stepActionsOf(definition, state, role).length > 0,
    actedBefore: (role) => state.timeline.some((t) => t.actor?.role === role),
  };
}

/** The same facts, read from the view the petition query answers. */
export function accessFactsOfView(view: PetitionView): AccessFacts {
  return {
    petitionId: view.id,
    handlingBody: view.listedBody,
    confidential: view.confidential,
    concerns: view.concerns,
    holderBody: view.holder,
    handledBy: view.handledBy,
    mayActNow: (role) => (view.stepActions[role] ?? []).length > 0,
    actedBefore: (role) => view.timeline.some((t) => t.actor?.role === role),
  };
}

/**
 * The refusal of a petition the caller may not see: worded exactly as for one that does not exist, so that the
 * answer never tells which petition ids exist.
 */
export function notVisible(petitionId: string): Refusal {
  return {
    type: FailureType.NotFound,
    message: `No petition ${petitionId} that you may see (check the id, and the access code if you are the petitioner).`,
  };
}

/**
 * Whether `caller` may see the petition: undefined when it may, otherwise the refusal. `accessCodeHash` is the hash
 * the petition knows now (its memo), compared with the petitioner's.
 */
export function authorize(
  policy: AccessPolicy,
  caller: Caller,
  facts: AccessFacts,
  accessCodeHash: unknown,
): Refusal | undefined {
  const refused = notVisible(facts.petitionId);
  if (caller.kind === 'petitioner') {
    return accessCodeHashMatches(caller.accessCodeHash, accessCodeHash) ? undefined : refused;
  }
  const { role, department } = caller;
  // Art. 30 for reports: nobody of the body it concerns ever sees it.
  if (
    facts.confidential &&
    facts.concerns !== null &&
    department !== undefined &&
    department === facts.concerns
  )
    return refused;
  if (policy.everyPetition.includes(role)) return undefined;
  if (policy.handlingBody.includes(role))
    return facts.handlingBody !== null && facts.handlingBody === department ? undefined : refused;
  if (policy.involved.includes(role)) {
    const { subordinates } = caller;
    if (subordinates === undefined)
      return facts.mayActNow(role) || facts.actedBefore(role) ? undefined : refused;
    const actsNow = department !== undefined && facts.holderBody === department && facts.mayActNow(role);
    return actsNow || facts.handledBy.some((body) => subordinates.includes(body)) ? undefined : refused;
  }
  return refused;
}

const HEX64 = /^[0-9a-f]{64}$/;

/** Whether two SHA-256 hex digests are equal, compared in constant time (no crypto module in the sandbox). */
export function accessCodeHashMatches(given: string, known: unknown): boolean {
  if (typeof known !== 'string' || !HEX64.test(known) || !HEX64.test(given)) return false;
  let diff = 0;
  for (let i = 0; i < 64; i++) diff |= given.charCodeAt(i) ^ known.charCodeAt(i);
  return diff === 0;
}

/** The role a caller acts in. */
export function callerRole(policy: AccessPolicy, caller: Caller): string {
  return caller.kind === 'petitioner' ? policy.petitionerRole : caller.role;
}

/** The actor an action of the caller is recorded under (the shape histories have always recorded). */
export function actorOfCaller(policy: AccessPolicy, caller: Caller): Actor {
  if (caller.kind === 'petitioner') return { role: policy.petitionerRole };
  return {
    role: caller.role,
    id: caller.sub,
    ...(caller.department !== undefined && { department: caller.department }),
    ...(caller.approver === true && { approver: true }),
  };
}

/** Whether a role is shown the petitioner's identity unmasked. */
export function seesIdentity(policy: AccessPolicy, role: string, confidential: boolean): boolean {
  return (
    policy.identity.always.includes(role) ||
    (!confidential && policy.identity.unlessConfidential.includes(role))
  );
}
