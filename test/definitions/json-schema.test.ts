import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { definitionJsonSchema } from '../../definitions/language/json-schema';
import { renderJsonSchema, SCHEMA_FILE } from '../../scripts/build-definitions';

describe('definition.schema.json', () => {
  it('is up to date with the zod schema (run npm run schema after changing schema.ts)', async () => {
    expect(readFileSync(SCHEMA_FILE, 'utf8')).toBe(await renderJsonSchema());
  });

  it('describes the authored language: required members, element kinds, deadline countings', () => {
    const schema = definitionJsonSchema() as {
      required: string[];
      properties: Record<string, unknown>;
    };
    expect(schema.required).toEqual(['id', 'version', 'name', 'roles', 'elements']);
    const text = JSON.stringify(schema);
    for (const word of [
      'startEvent',
      'userTask',
      'serviceTask',
      'exclusiveGateway',
      'endEvent',
      'working-days',
      'refuseAfter',
    ]) {
      expect(text).toContain(word);
    }
  });
});
