import type { AccessPolicy } from './engine/authorize';

/**
 * Who sees which petitions, in this product's roles (the token roles of api/auth/principal.ts, which the statutory
 * definitions declare): shared by the Update validator, which refuses an action on a petition its caller may not see
 * before it reaches history, and the API's read path (docs/api.md, "Who sees what").
 *
 * - registrar, supervisor, admin: every petition, the petitioner's identity shown;
 * - department staff: the petitions their body holds now;
 * - superiors: a petition they may act on now (review, re-review, Art. 35–36), or one a superior acted on before;
 * - nobody of the body a report concerns (Art. 30), whatever the role; the identity of a report's reporter is shown
 *   only to registrar, supervisor and admin;
 * - the petitioner: the one petition whose access code they hold, identity masked.
 */
export const PETITION_ACCESS: AccessPolicy = {
  petitionerRole: 'petitioner',
  everyPetition: ['registrar', 'supervisor', 'admin'],
  handlingBody: ['department'],
  involved: ['superior'],
  identity: { always: ['registrar', 'supervisor', 'admin'], unlessConfidential: ['department', 'superior'] },
};
