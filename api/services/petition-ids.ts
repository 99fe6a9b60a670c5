import { petitionWorkflowId } from '../../workflows/messages';

const PREFIX = petitionWorkflowId('');

/** The petition id of a petition workflow's id: the inverse of `petitionWorkflowId` (workflows/messages.ts). */
export function petitionIdOf(workflowId: string): string {
  return workflowId.startsWith(PREFIX) ? workflowId.slice(PREFIX.length) : workflowId;
}
