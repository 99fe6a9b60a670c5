import { hashDefinition } from '../language/hash';
import { DefinitionSchema, type Definition } from '../language/schema';
import { builtInDefinition, builtInVersions } from './built-in';

/**
 * The statutory default, `petition-2022` (《信访工作条例》2022), in every version this code ships: `@2` (the version new
 * petitions follow, petition-2022-v2.yaml) and the frozen `@1` (petition-2022.yaml) that earlier petitions keep. The
 * YAML files are the source of truth; this module loads their generated twins so they run in Temporal's workflow
 * sandbox (no file access). Sandbox-safe.
 */

export const STATUTORY_DEFINITION_ID = 'petition-2022';
/** The version new petitions follow. */
export const STATUTORY_DEFINITION_VERSION = 2;

const loaded = new Map<number, { definition: Definition; hash: string }>();

function load(version: number): { definition: Definition; hash: string } | undefined {
  let entry = loaded.get(version);
  if (!entry) {
    const shipped = builtInDefinition({ id: STATUTORY_DEFINITION_ID, version });
    if (!shipped) return undefined;
    const definition = deepFreeze(DefinitionSchema.parse(shipped.definition));
    entry = { definition, hash: hashDefinition(definition) };
    loaded.set(version, entry);
  }
  return entry;
}

function required(version: number): { definition: Definition; hash: string } {
  const entry = load(version);
  if (!entry) throw new Error(`${STATUTORY_DEFINITION_ID}@${version} is not shipped`);
  return entry;
}

/**
 * The parsed statutory definition (defaults applied), by default the current version. The same frozen object on
 * every call: a published version never changes.
 */
export function loadStatutoryDefinition(version = STATUTORY_DEFINITION_VERSION): Definition {
  return required(version).definition;
}

/** The content hash of the statutory definition (`hashDefinition`), by default of the current version. */
export function statutoryDefinitionHash(version = STATUTORY_DEFINITION_VERSION): string {
  return required(version).hash;
}

/** The statutory definition `petition-2022@version` and its hash, when this code ships that version. */
export function findStatutoryDefinition(
  version: number,
): { definition: Definition; hash: string } | undefined {
  return load(version);
}

/** Every shipped version of the statutory definition, oldest first (a new registry is seeded with them). */
export function statutoryDefinitions(): Definition[] {
  return builtInVersions(STATUTORY_DEFINITION_ID).map((v) => required(v).definition);
}

/** The categories of the current statutory definition (Art. 22, 29–31), for the HTTP contract. */
export const STATUTORY_CATEGORIES = registrationKeys('categories');
/** The channels of the current statutory definition (Art. 17), for the HTTP contract. */
export const STATUTORY_CHANNELS = registrationKeys('channels');

function registrationKeys(part: 'categories' | 'channels'): [string, ...string[]] {
  const keys = Object.keys(loadStatutoryDefinition().registration?.[part] ?? {});
  if (keys.length === 0) throw new Error(`${STATUTORY_DEFINITION_ID} declares no registration ${part}`);
  return keys as [string, ...string[]];
}

function deepFreeze<T>(value: T): T {
  if (value !== null && typeof value === 'object' && !Object.isFrozen(value)) {
    Object.freeze(value);
    for (const child of Object.values(value)) deepFreeze(child);
  }
  return value;
}
