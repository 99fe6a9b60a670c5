/**
 * The migration-drill definition (test/fixtures/definitions/migration-drill-v1.yaml and -v2.yaml): version 1 and 2 of
 * a small process, with an id of the test's choosing so that files sharing the dev server never see each other's
 * petitions.
 */
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { hashDefinition } from '../../definitions/language/hash';
import type { Definition } from '../../definitions/language/schema';
import { validateSource } from '../../definitions/language/validate';

const file = (version: 1 | 2) =>
  fileURLToPath(new URL(`../fixtures/definitions/migration-drill-v${version}.yaml`, import.meta.url));

/** The YAML text of a version, its id replaced by `id`. */
export function drillSource(version: 1 | 2, id = 'migration-drill'): string {
  return readFileSync(file(version), 'utf8').replace(/^id: migration-drill$/m, `id: ${id}`);
}

/** A version parsed and validated, with its content hash. */
export function drillDefinition(
  version: 1 | 2,
  id = 'migration-drill',
): { definition: Definition; hash: string } {
  const result = validateSource(drillSource(version, id), 'yaml');
  if (!result.definition || result.issues.length > 0)
    throw new Error(`migration-drill v${version}: ${JSON.stringify(result.issues)}`);
  return { definition: result.definition, hash: hashDefinition(result.definition) };
}
