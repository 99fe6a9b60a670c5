import type { Rule } from '../issue';
import { accountabilityDeclared } from './accountability-declared';
import { actionRolesExist } from './action-roles-exist';
import { assigneesDeclared } from './assignees-declared';
import { canReachEnd } from './can-reach-end';
import { cyclesWait } from './cycles-wait';
import { deadlineWellFormed } from './deadline-well-formed';
import { documentPlaceholders } from './document-placeholders';
import { effectTargets } from './effect-targets';
import { feelConditions } from './feel-conditions';
import { feelValues } from './feel-values';
import { fieldsWellFormed } from './fields-well-formed';
import { flagExpressions } from './flag-expressions';
import { flowsReferenceElements } from './flows-reference-elements';
import { gatewayConditions } from './gateway-conditions';
import { messagePlaceholders } from './message-placeholders';
import { periodsDeclared } from './periods-declared';
import { reachableFromStart } from './reachable-from-start';
import { registrationVocabulary } from './registration-vocabulary';
import { singleStartEvent } from './single-start-event';
import { uniqueIds } from './unique-ids';
import { userTaskActions } from './user-task-actions';

/** Every validation rule, in the order their issues are reported (structure first, then semantics). */
export const rules: readonly Rule[] = [
  uniqueIds,
  singleStartEvent,
  flowsReferenceElements,
  gatewayConditions,
  reachableFromStart,
  canReachEnd,
  cyclesWait,
  userTaskActions,
  actionRolesExist,
  assigneesDeclared,
  registrationVocabulary,
  fieldsWellFormed,
  deadlineWellFormed,
  periodsDeclared,
  effectTargets,
  accountabilityDeclared,
  feelConditions,
  feelValues,
  flagExpressions,
  documentPlaceholders,
  messagePlaceholders,
];

export {
  accountabilityDeclared,
  actionRolesExist,
  assigneesDeclared,
  canReachEnd,
  cyclesWait,
  deadlineWellFormed,
  documentPlaceholders,
  effectTargets,
  feelConditions,
  feelValues,
  fieldsWellFormed,
  flagExpressions,
  flowsReferenceElements,
  gatewayConditions,
  messagePlaceholders,
  periodsDeclared,
  reachableFromStart,
  registrationVocabulary,
  singleStartEvent,
  uniqueIds,
  userTaskActions,
};
