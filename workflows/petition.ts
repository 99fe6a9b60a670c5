import {
  allHandlersFinished,
  condition,
  patched,
  setHandler,
  upsertMemo,
  workflowInfo,
} from '@temporalio/workflow';
import { ACCESS_CODE_REISSUE_PATCH, checkReissue } from './access-code-reissue';
import { nextWakeAt } from './engine/interpreter';
import type { PetitionOutcome } from './engine/types';
import { isConfidential, viewOf } from './engine/view';
import {
  calendarUpdatedSignal,
  petitionActionAnswerQuery,
  petitionActionUpdate,
  petitionStateQuery,
  reissueAccessCodeUpdate,
  reportReadSignal,
  type PetitionWorkflowInput,
} from './messages';
import { now } from './petition/clock';
import { CommandRunner } from './petition/command-runner';
import { DeadlineTimer } from './petition/deadline-timer';
import { handleDefinitionMigrations } from './petition/definition-migration';
import { PetitionRun } from './petition/petition-run';
import { PinnedDefinition, pinnedDefinition } from './petition/pinned-definition';

/**
 * One petition: interprets the definition it was started with, keeps a durable timer for the earliest legal deadline
 * and applies actions sent as Updates. Decisions are made by the pure interpreter (workflows/engine); this function
 * only wires the handlers, the timer and the command runner to it (settled points 1–4).
 */
export async function petition(input: PetitionWorkflowInput): Promise<PetitionOutcome> {
  // Pinned for the whole run, unless a definition migration moves the petition to another version.
  const definition = new PinnedDefinition(pinnedDefinition(input));
  const run: PetitionRun = new PetitionRun(
    definition,
    input.registration?.searchValues,
    (command, snapshot, at) => commands.execute(command, snapshot, at),
  );
  const commands: CommandRunner = new CommandRunner(
    definition,
    input.registration?.deadlines,
    run.inBackground,
  );

  // Registration is decided before any handler is registered: an Update delivered with the first workflow task
  // (the API's first action may race it) is dispatched as soon as its handler is set, and must find a real state.
  const registered = run.decide({
    type: 'start',
    at: input.registeredAt ?? new Date(workflowInfo().startTime).toISOString(),
    petitionId: input.petitionId,
    definitionHash: input.definitionHash,
    petition: input.petition,
    actor: input.registeredBy,
    ...(input.bodies && { bodies: input.bodies }),
  });
  setHandler(petitionStateQuery, () => viewOf(definition.current, run.current()));
  setHandler(petitionActionAnswerQuery, (request) => run.answerTo(request));
  // An Update: the caller learns at once whether the action was taken; the validator keeps refusals out of history.
  setHandler(petitionActionUpdate, (request) => run.act(request, now()), {
    validator: (request) => run.validate(request, now()),
  });
  // A lost access code re-issued after an identity check (the API checks it): the memo's hash replaced, the old code
  // dead at once, the timeline naming who did it.
  setHandler(
    reissueAccessCodeUpdate,
    async (request) => {
      const at = now();
      await run.serialised(async () => {
        checkReissue(run.current(), request);
        patched(ACCESS_CODE_REISSUE_PATCH);
        upsertMemo({ accessCodeHash: request.accessCodeHash });
        await run.process({ type: 'access-code-reissued', at, actor: request.actor });
      });
      return { reissuedAt: at };
    },
    { validator: (request) => checkReissue(run.current(), request) },
  );
  // Signals: neither the calendar publisher nor a reader waits on the petition, and nothing is refused.
  let calendarUpdates = 0;
  setHandler(calendarUpdatedSignal, () => {
    calendarUpdates += 1;
  });
  setHandler(reportReadSignal, ({ actor }) => {
    if (!isConfidential(definition.current, run.current())) return;
    void run.serialised(() => run.process({ type: 'report-read', at: now(), actor }));
  });
  handleDefinitionMigrations(run, definition);

  await run.serialised(() => run.drain(registered));
  commands.registrationSettled();

  const timer = new DeadlineTimer();
  let seenCalendar = 0;
  while (run.current().status === 'open') {
    timer.wakeAt(nextWakeAt(definition.current, run.current()));
    const seen = run.version;
    await condition(
      () =>
        run.version !== seen ||
        run.current().status !== 'open' ||
        calendarUpdates !== seenCalendar ||
        timer.fired,
    );
    if (timer.takeFired()) await run.serialised(() => run.process({ type: 'timer-fired', at: now() }));
    if (calendarUpdates !== seenCalendar) {
      seenCalendar = calendarUpdates;
      await run.serialised(() => run.process({ type: 'calendar-updated', at: now() }));
    }
  }
  timer.cancel();
  await run.finishBackground();
  await condition(allHandlersFinished);
  return run.current().outcome!;
}
