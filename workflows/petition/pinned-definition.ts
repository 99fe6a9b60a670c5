import type { Definition } from '../../definitions/language/schema';
import { builtInDefinition } from '../../definitions/statutory/built-in';
import type { PetitionWorkflowInput } from '../messages';

/**
 * The pinned definition: the snapshot in the input, or the shipped definition it names. A reference this code does
 * not ship, or whose content differs from the hash the petition was registered with, fails the workflow task (not
 * the petition): it is retried until a worker that has the definition picks it up.
 */
export function pinnedDefinition(input: PetitionWorkflowInput): Definition {
  if (input.definition) return input.definition;
  const ref = input.definitionRef;
  const builtIn = ref && builtInDefinition(ref);
  if (!builtIn || builtIn.hash !== input.definitionHash) {
    throw new Error(
      `petition ${input.petitionId} follows ${ref ? `${ref.id}@${ref.version}` : 'no definition'} with hash ${input.definitionHash}, which this worker does not ship${builtIn ? ` (it ships hash ${builtIn.hash})` : ''}; deploy a worker that has it`,
    );
  }
  return builtIn.definition;
}

/**
 * The definition a running petition follows: the pinned one from its start, swapped only by a definition migration
 * (workflows/petition/definition-migration.ts). Every part of the workflow reads it here, so after a swap the
 * interpreter, the command runner, the timer and the query all follow the new version.
 */
export class PinnedDefinition {
  #current: Definition;

  constructor(initial: Definition) {
    this.#current = initial;
  }

  get current(): Definition {
    return this.#current;
  }

  swap(next: Definition): void {
    this.#current = next;
  }
}

/**
 * A definition a migration names, as an Update carries it: a snapshot, or the shipped `id@version` with its hash.
 * Undefined when this worker does not ship the reference or the hash does not match.
 */
export function resolveMigrationTarget(target: {
  definition?: Definition;
  definitionRef?: { id: string; version: number };
  hash: string;
}): Definition | undefined {
  if (target.definition) return target.definition;
  const builtIn = target.definitionRef && builtInDefinition(target.definitionRef);
  return builtIn && builtIn.hash === target.hash ? builtIn.definition : undefined;
}
