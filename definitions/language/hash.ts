import type { Definition } from './schema';
import { sha256Hex } from './sha256';

/**
 * Canonical JSON: object keys sorted by code unit, no whitespace, `undefined` members dropped — so two
 * definitions that mean the same (key order, YAML vs JSON, defaults written out or not) serialise the same.
 */
export function canonicalJson(value: unknown): string {
  if (value === null || typeof value !== 'object') {
    const json = JSON.stringify(value);
    return json === undefined ? 'null' : json;
  }
  if (Array.isArray(value)) return `[${value.map((v) => canonicalJson(v)).join(',')}]`;
  const entries = Object.entries(value as Record<string, unknown>)
    .filter(([, v]) => v !== undefined)
    .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
  return `{${entries.map(([k, v]) => `${JSON.stringify(k)}:${canonicalJson(v)}`).join(',')}}`;
}

/**
 * The content hash of a parsed definition (defaults applied): SHA-256 of its canonical JSON, in hex. `$schema` is
 * editor metadata and does not count. A published `id@version` must keep its hash; a different hash is a
 * different definition.
 */
export function hashDefinition(definition: Definition): string {
  const { $schema: _schema, ...content } = definition;
  return sha256Hex(canonicalJson(content));
}
