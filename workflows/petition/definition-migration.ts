import { ApplicationFailure, patched, setHandler } from '@temporalio/workflow';
import { hashDefinition } from '../../definitions/language/hash';
import type { Definition } from '../../definitions/language/schema';
import { migrateState, type MigrationPlan } from '../engine/migration';
import type { PetitionState } from '../engine/types';
import { deadlineView } from '../engine/view';
import { FailureType } from '../failure-types';
import {
  migrateDefinitionUpdate,
  type MigrateDefinitionInput,
  type MigrateDefinitionResult,
} from '../messages';
import { now } from './clock';
import { refusalFailure, type PetitionRun } from './petition-run';
import { resolveMigrationTarget, type PinnedDefinition } from './pinned-definition';

/**
 * Patch: a petition may be moved to another version of its definition. The handler is registered on every petition
 * (registering one emits no command, and an Update without a handler is rejected before it reaches history, so no
 * recorded history holds one); the commands a move emits — the marker, the deadline computations, the search
 * attributes — come after this patch, so a later change to what a move does can be versioned against it.
 */
export const DEFINITION_MIGRATION_PATCH = 'definition-migration';

/**
 * Lets a running petition be moved to another version of its definition (`migrateDefinitionUpdate`): the validator
 * refuses what {@link migrateState} refuses before anything reaches history; the handler re-decides under the
 * petition's lock, swaps the pinned definition, applies the moved state and runs its deadline computations on the
 * legal calendar like any other, and the search attributes (`PetitionDefinition` among them) are upserted with it.
 */
export function handleDefinitionMigrations(run: PetitionRun, pinned: PinnedDefinition): void {
  const decide = (request: MigrateDefinitionInput, at: string) => {
    const state = run.current();
    const current = pinned.current;
    const { from } = request;
    if (
      current.id !== from.id ||
      current.version !== from.version ||
      (from.hash !== undefined && from.hash !== state.definition.hash)
    ) {
      const follows = `${current.id}@${current.version}`;
      throw refusalFailure({
        type: FailureType.MigrationRefused,
        message: `Petition ${state.petitionId} follows ${follows} (hash ${state.definition.hash}), not ${from.id}@${from.version}${from.hash ? ` (hash ${from.hash})` : ''}; nothing was changed.`,
        details: { reason: 'wrong-version', petitionId: state.petitionId, follows },
      });
    }
    const to = target(request);
    const decided = migrateState(current, to, state, {
      toHash: request.to.hash,
      ...(request.stepMap && { stepMap: request.stepMap }),
      at,
      actor: request.actor,
      migrationId: request.migrationId,
    });
    if (!decided.ok) throw refusalFailure(decided.refusal);
    return { to, decided };
  };

  setHandler(
    migrateDefinitionUpdate,
    async (request): Promise<MigrateDefinitionResult> => {
      let result: MigrateDefinitionResult | undefined;
      await run.serialised(async () => {
        // Decided again inside the lock: an action may have moved the token since the validator ran.
        const at = now();
        const { to, decided } = decide(request, at);
        // New executions always take the patched path; a replay reaches here only with the marker recorded.
        if (!patched(DEFINITION_MIGRATION_PATCH)) {
          throw new Error(
            `a definition migration was replayed without its "${DEFINITION_MIGRATION_PATCH}" marker`,
          );
        }
        const from = `${pinned.current.id}@${pinned.current.version}`;
        pinned.swap(to);
        await run.drain(run.adopt(decided, at));
        result = resultOf(run.current(), to, from, decided.plan);
      });
      return result!;
    },
    { validator: (request) => void decide(request, now()) },
  );
}

function resultOf(
  state: PetitionState,
  to: Definition,
  from: string,
  plan: MigrationPlan,
): MigrateDefinitionResult {
  return {
    petitionId: state.petitionId,
    from,
    to: `${to.id}@${to.version}`,
    step: plan.step,
    deadlines: plan.deadlines.map(({ key, id, fate }) => {
      const d = state.deadlines.find((x) => x.key === key);
      const view = d ? deadlineView(to, d) : undefined;
      return {
        key,
        id,
        fate,
        status: d?.status ?? 'cancelled',
        dueAt: view?.dueAt ?? null,
        lastDay: view?.lastDay ?? null,
      };
    }),
  };
}

/** The new version the Update names, refused when this worker cannot resolve it or its content is not its hash. */
function target(request: MigrateDefinitionInput): Definition {
  const to = resolveMigrationTarget(request.to);
  const name = `${request.to.id}@${request.to.version}`;
  if (!to) {
    throw ApplicationFailure.create({
      type: FailureType.MigrationRefused,
      message: `This worker does not ship ${name} with hash ${request.to.hash}; send it as a snapshot or deploy a worker that ships it.`,
      details: [{ reason: 'unknown-target' }],
      nonRetryable: true,
    });
  }
  if (
    to.id !== request.to.id ||
    to.version !== request.to.version ||
    hashDefinition(to) !== request.to.hash
  ) {
    throw ApplicationFailure.create({
      type: FailureType.MigrationRefused,
      message: `The definition sent as ${name} is not the one with hash ${request.to.hash}; nothing was changed.`,
      details: [{ reason: 'unknown-target' }],
      nonRetryable: true,
    });
  }
  return to;
}
