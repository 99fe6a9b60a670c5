/**
 * Which roles may use which routes, named once. Routes declare one of these in `config.auth` (api/auth/route-auth.ts
 * checks it before the request is validated); object-level rules narrow further in api/auth/policy.ts.
 */
import { StaffRoles, type StaffRole } from './principal';

/** Every staff role (the legal calendar, the department registry's read side). */
export const ANY_STAFF: readonly StaffRole[] = StaffRoles;
/** Register petitions. */
export const REGISTRARS: readonly StaffRole[] = ['registrar', 'admin'];
/** Read and act on petitions; which petitions, api/auth/policy.ts decides. */
export const PETITION_ROLES: readonly StaffRole[] = [
  'registrar',
  'department',
  'superior',
  'supervisor',
  'admin',
];
/** List petitions, the overdue and at-risk lists and statistics; department staff see their own body's only. */
export const LIST_ROLES: readonly StaffRole[] = ['registrar', 'department', 'supervisor', 'admin'];
/** The annual report of Art. 41 (all bodies): the supervising bureau and admins. */
export const REPORT_ROLES: readonly StaffRole[] = ['supervisor', 'admin'];
/** A department's work list: staff of that body (policy.ts checks which), supervisors and admins. */
export const WORK_LIST_ROLES: readonly StaffRole[] = ['department', 'superior', 'supervisor', 'admin'];
/** Read, validate and publish definitions. */
export const DESIGNERS: readonly StaffRole[] = ['designer', 'admin'];
/** Change the department registry. */
export const ADMINS: readonly StaffRole[] = ['admin'];

/**
 * What a petitioner may do with the access code instead of a token (Art. 21, 35, 36, withdrawal, and asking for a
 * recusal, Art. 28 ¶3).
 */
export const PETITIONER_ACTIONS: readonly string[] = [
  'evaluate',
  'request-review',
  'request-re-review',
  'withdraw',
  'request-recusal',
];
