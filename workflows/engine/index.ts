export * from './types';
export { step, nextWakeAt, EngineError } from './interpreter';
export { checkAction, availableActions, activeDeadlines, normaliseInput } from './validate-action';
export { viewOf, summaryOf, deadlineView, searchValuesOf, isOverdue, isConfidential } from './view';
export type { PetitionView, PetitionSummary, DeadlineView, PetitionSearchValues } from './view';
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
