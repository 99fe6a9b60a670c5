export * from './types';
export { step, nextWakeAt, EngineError } from './interpreter';
export { checkAction, availableActions, activeDeadlines, normaliseInput } from './validate-action';
export { viewOf, deadlineView, searchValuesOf, isOverdue, isConfidential } from './view';
export type { PetitionView, DeadlineView, PetitionSearchValues } from './view';
export { actionAnswerOf } from './answer';
export type { ActionAnswer, AnswerDeadline, EntryRange } from './answer';
export {
  accessCodeHashMatches,
  accessFactsOf,
  accessFactsOfView,
  actorOfCaller,
  authorize,
  callerRole,
  notVisible,
  seesIdentity,
} from './authorize';
export type { AccessFacts, AccessPolicy, Caller, PetitionerCaller, StaffCaller } from './authorize';
export {
  identityReplacements,
  maskAddress,
  maskEmail,
  maskIdNumber,
  maskName,
  maskPerson,
  maskPhone,
  redactDeep,
} from './identity';
export type { Person } from './identity';
export { indexDefinition } from './definition-index';
export { settleRegistration, precomputedCalculation } from './registration';
export type { PrecomputedDeadline, SettledRegistration } from './registration';
export { simulate, SimulationInputError } from './simulate';
export type {
  SimulatedAction,
  SimulatedStep,
  SimulationDeps,
  SimulationInput,
  SimulationResult,
  AppliedAction,
} from './simulate';
export { migrateState, settleMigration, stateFromView, MigrationRefusalReasons } from './migration';
export type {
  DeadlineFate,
  MigratedDeadline,
  MigrationDecision,
  MigrationOptions,
  MigrationPlan,
  MigrationRefusalReason,
  StepMap,
} from './migration';
