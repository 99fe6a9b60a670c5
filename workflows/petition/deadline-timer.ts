import { CancellationScope, sleep } from '@temporalio/workflow';

/**
 * The petition's one durable timer, for the earliest warning or due instant of its running deadlines: re-armable
 * and pausable, in the manner of the `UpdatableTimer` of temporalio/samples-typescript (timer-examples). Each
 * workflow task tells it the instant the interpreter wants to wake at (`nextWakeAt`): the same instant keeps the
 * armed timer (an action that leaves the deadlines alone costs no timer cancel and restart in history), another
 * instant cancels it and arms a new one, and none — every deadline met, or paused for a hearing — disarms it until a
 * deadline runs again.
 *
 * History: one StartTimer per instant armed, one CancelTimer per instant abandoned; recorded petitions replay only
 * while that stays so.
 */
export class DeadlineTimer {
  #armed: { at: string; scope: CancellationScope; fired: boolean } | undefined;

  /** Wakes at `at` (an ISO instant), or not at all when undefined. */
  wakeAt(at: string | undefined): void {
    if (this.#armed && this.#armed.at !== at) {
      this.#armed.scope.cancel();
      this.#armed = undefined;
    }
    if (at && !this.#armed) {
      const armed = { at, scope: new CancellationScope(), fired: false };
      armed.scope
        // The workflow clock: Temporal's sandbox replaces Date with the deterministic workflow time.
        // eslint-disable-next-line no-restricted-properties
        .run(() => sleep(Math.max(1, Date.parse(at) - Date.now())))
        .then(
          () => (armed.fired = true),
          () => undefined,
        );
      this.#armed = armed;
    }
  }

  /** The armed instant has come (and was not taken yet). */
  get fired(): boolean {
    return this.#armed?.fired === true;
  }

  /** Takes the firing: true once per fired timer; the next `wakeAt` arms a new one, even for the same instant. */
  takeFired(): boolean {
    if (!this.fired) return false;
    this.#armed = undefined;
    return true;
  }

  /** Cancels the armed timer (the petition closed). */
  cancel(): void {
    this.#armed?.scope.cancel();
  }
}
