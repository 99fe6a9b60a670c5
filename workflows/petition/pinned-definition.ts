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
