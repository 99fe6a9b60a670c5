/**
 * XML ids of the BPMN elements the mapping derives (a deadline's timer, an action's flow, a deadline's expiry flow);
 * the diagram keys their shapes and edges by these ids too. A language id is kebab case and never holds `__`, so a
 * derived id cannot clash with an element, a flow or another derived id.
 */
export const deadlineEventId = (taskId: string, deadlineId: string): string =>
  `${taskId}__deadline__${deadlineId}`;
export const expiryFlowId = (taskId: string, deadlineId: string): string =>
  `${taskId}__expiry__${deadlineId}`;
export const actionFlowId = (taskId: string, actionId: string): string => `${taskId}__action__${actionId}`;
/** The process's id when the definition id is also an element's. */
export const processIdFor = (definitionId: string, taken: ReadonlySet<string>): string =>
  taken.has(definitionId) ? `${definitionId}__process` : definitionId;
