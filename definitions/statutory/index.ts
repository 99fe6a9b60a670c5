import { hashDefinition } from '../language/hash';
import { DefinitionSchema, type Definition } from '../language/schema';
import { petition2022 } from './petition-2022.generated';

/**
 * The statutory default, `petition-2022@1` (《信访工作条例》2022). The source of truth is petition-2022.yaml; this
 * module loads its generated twin so it runs in Temporal's workflow sandbox (no file access). Sandbox-safe.
 */

export const STATUTORY_DEFINITION_ID = 'petition-2022';
export const STATUTORY_DEFINITION_VERSION = 1;

let loaded: { definition: Definition; hash: string } | undefined;

function load(): { definition: Definition; hash: string } {
  if (!loaded) {
    const definition = deepFreeze(DefinitionSchema.parse(petition2022));
    loaded = { definition, hash: hashDefinition(definition) };
  }
  return loaded;
}

/** The parsed statutory definition (defaults applied). The same frozen object on every call: a published version never changes. */
export function loadStatutoryDefinition(): Definition {
  return load().definition;
}

/** The content hash of the statutory definition (`hashDefinition`). */
export function statutoryDefinitionHash(): string {
  return load().hash;
}

function deepFreeze<T>(value: T): T {
  if (value !== null && typeof value === 'object' && !Object.isFrozen(value)) {
    Object.freeze(value);
    for (const child of Object.values(value)) deepFreeze(child);
  }
  return value;
}
