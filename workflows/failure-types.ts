/**
 * Every failure type that crosses a Temporal boundary (`ApplicationFailure.type`), in one table shared by the
 * workflows, the activities, the registries and the API's error mapping. Wire names: they live in histories and in
 * clients' error handling, so a value is never renamed (a key may be, with care). No imports: the pure engine, the
 * workflow sandbox and Node code all load this module.
 */
export const FailureType = {
  /** The petition is closed: an action arrived after its end event (API 409). */
  PetitionClosed: 'PetitionClosed',
  /** The action is not offered in the current step, or its deadline is not running or already paused (API 409). */
  ActionNotAllowed: 'ActionNotAllowed',
  /** The actor's role may not take the action, or the actor acts for a body other than the one holding the step (API 403). */
  Forbidden: 'Forbidden',
  /** The action's input does not match its declared fields (API 400). */
  InvalidInput: 'InvalidInput',
  /** A rule of the definition (a guard, a closed period, an extension limit) refuses the action, citing its article (API 422). */
  StatutoryRule: 'StatutoryRule',
  /**
   * The caller may not see the petition (not the body holding it, a report about the caller's body, a wrong access
   * code): refused exactly as if there were no such petition (API 404).
   */
  NotFound: 'NotFound',
  /** An Update or Query reached a petition whose registration is still being decided (API 503, retry). */
  NotStarted: 'NotStarted',
  /** A definition has validation issues: publishing it is refused (`details[0]` is the issue list). */
  InvalidDefinition: 'InvalidDefinition',
  /** A definition `id@version` is already published with other content (published versions never change). */
  DefinitionVersionExists: 'DefinitionVersionExists',
  /** A definition draft was saved by someone else since the edit began, or the drafts store is full (API 409). */
  DraftConflict: 'DraftConflict',
  /** A department change does not match the schema or the registry (`details[0]` is `[{ path, message }]`). */
  InvalidDepartment: 'InvalidDepartment',
  /** A delivery would hand a confidential petition (a report) to the body it concerns. Not retried. */
  ConfidentialityViolation: 'ConfidentialityViolation',
  /** The receiver refused a delivery for good (4xx other than 408/429), or it cannot be routed. Not retried. */
  DeliveryRejected: 'DeliveryRejected',
  /** The receiver could not be reached or answered 408/429/5xx: retried with backoff. */
  DeliveryFailed: 'DeliveryFailed',
  /**
   * A petition cannot be moved to another definition version as asked (`details[0].reason` says why: another
   * version, closed, between steps, no counterpart of its step, a paused deadline the new version cannot resume).
   * Nothing was changed.
   */
  MigrationRefused: 'MigrationRefused',
} as const;

/** One of the wire names of {@link FailureType}. */
export type FailureType = (typeof FailureType)[keyof typeof FailureType];
