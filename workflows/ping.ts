import { proxyActivities } from '@temporalio/workflow';
import type { HealthcheckActivities } from './activity-contracts';

const { healthcheck } = proxyActivities<HealthcheckActivities>({ startToCloseTimeout: '10 seconds' });

/**
 * Smallest real round trip through a worker: one workflow task and one activity task on the task queue.
 * Used by the foundation end-to-end test and as a manual smoke check (`temporal workflow execute --type ping`).
 */
export async function ping(): Promise<string> {
  await healthcheck();
  return 'pong';
}
