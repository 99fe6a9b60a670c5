import { z } from 'zod';
import { actorOfCaller, type Actor, type Caller } from '../../workflows/engine';
import { PETITION_ACCESS } from '../../workflows/access-policy';

/** Roles a bearer token may carry; the petitioner has no token (petition id + access code instead). */
export const StaffRoles = ['registrar', 'department', 'superior', 'supervisor', 'designer', 'admin'] as const;
export type StaffRole = (typeof StaffRoles)[number];

/** A department (body) code: opaque, short, safe inside a visibility query and a URL. */
export const departmentCode = z
  .string()
  .regex(
    /^[A-Za-z0-9][A-Za-z0-9_.-]{0,63}$/,
    'must be a department code: letters, digits, "_", "." or "-", at most 64',
  );

/**
 * The claims the API reads from a verified token: `sub` (an opaque user id, never personal data), `role`, for
 * department staff and superiors `dept`, the body they act for, and `approver: true` for staff who may approve what a
 * definition reserves for approvers.
 */
export const tokenClaimsSchema = z
  .object({
    sub: z.string().min(1).max(128),
    role: z.enum(StaffRoles),
    dept: departmentCode.optional(),
    approver: z.boolean().optional(),
    exp: z.number().int(),
  })
  .refine((c) => (c.role !== 'department' && c.role !== 'superior') || c.dept !== undefined, {
    message: 'department and superior tokens must carry a "dept" claim',
    path: ['dept'],
  });
export type TokenClaims = z.infer<typeof tokenClaimsSchema>;

/**
 * Who is calling: a staff member (verified token) or a petitioner with an access code for one petition (its hash).
 * The code is checked against the petition's own record: by the API where it reads that record anyway, otherwise by
 * the petition's Update validator.
 */
export type Principal =
  | { kind: 'staff'; role: StaffRole; sub: string; dept?: string; approver?: true }
  | { kind: 'petitioner'; petitionId: string; accessCodeHash: string };

/** The caller an action is sent with (the petition's validator authorizes it). */
export function callerOf(principal: Principal): Caller {
  if (principal.kind === 'petitioner')
    return { kind: 'petitioner', accessCodeHash: principal.accessCodeHash };
  return {
    kind: 'staff',
    role: principal.role,
    sub: principal.sub,
    ...(principal.dept !== undefined && { department: principal.dept }),
    ...(principal.approver && { approver: true }),
  };
}

/** The engine's actor for a principal (admin acts as admin: the engine records it as such). */
export function actorOf(principal: Principal): Actor {
  return actorOfCaller(PETITION_ACCESS, callerOf(principal));
}

/** The role name used for role checks and `availableActions`. */
export function roleOf(principal: Principal): StaffRole | 'petitioner' {
  return principal.kind === 'petitioner' ? 'petitioner' : principal.role;
}
