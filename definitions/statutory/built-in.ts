import type { Definition } from '../language/schema';
import { petition2022, petition2022Hash } from './petition-2022.generated';
import { petition2022V2, petition2022V2Hash } from './petition-2022-v2.generated';

/**
 * The definitions shipped with the code, by `id@version`, with their content hashes. Sandbox-safe and free of the
 * schema library: the petition workflow resolves a definition passed by reference here (preloaded once per worker
 * context, see config/workflow-bundle.ts), so a petition's history does not carry a 40 KB snapshot of a definition
 * every worker already has. A shipped `id@version` never changes; a new text is a new version, added beside it
 * (petitions pinned to the old one keep it).
 */
const BUILT_IN: ReadonlyArray<{ definition: Definition; hash: string }> = [
  // petition-2022@1: frozen; petitions registered before version 2 follow it.
  { definition: petition2022, hash: petition2022Hash },
  { definition: petition2022V2, hash: petition2022V2Hash },
];

export interface DefinitionRef {
  id: string;
  version: number;
}

/** The shipped definition `id@version` and its hash, or undefined when this code does not ship it. */
export function builtInDefinition(ref: DefinitionRef): { definition: Definition; hash: string } | undefined {
  return BUILT_IN.find((b) => b.definition.id === ref.id && b.definition.version === ref.version);
}

/** The versions of `id` this code ships, oldest first. */
export function builtInVersions(id: string): number[] {
  return BUILT_IN.filter((b) => b.definition.id === id)
    .map((b) => b.definition.version)
    .sort((a, b) => a - b);
}

/**
 * How a petition's input pins its definition: by reference when this code ships exactly that definition (same
 * `id@version` and hash), else as a snapshot.
 */
export function pinDefinition(
  definition: Definition,
  hash: string,
): { definitionRef: DefinitionRef } | { definition: Definition } {
  return builtInDefinition(definition)?.hash === hash
    ? { definitionRef: { id: definition.id, version: definition.version } }
    : { definition };
}
