/** The workflow clock as an ISO instant: Temporal's sandbox replaces `Date` with the deterministic workflow time. */
export function now(): string {
  return new Date().toISOString();
}
