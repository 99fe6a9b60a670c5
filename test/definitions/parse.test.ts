import { describe, expect, it } from 'vitest';
import { parseDefinition } from '../../definitions/language/parse';
import { validateSource } from '../../definitions/language/validate';

const valid = `id: tiny
version: 1
name: Tiny
roles: [registrar]
elements:
  - id: start
    type: startEvent
  - id: decide
    type: userTask
    name: Decide
    assignee: bureau
    actions:
      - { id: close, name: Close, roles: [registrar], to: done }
    deadlines:
      - id: decision
        name: Decision
        article: 《信访工作条例》第二十二条
        duration: 15
        counting: calendar-days
        from: receipt
        onExpiry: { kind: overdue }
  - id: done
    type: endEvent
    outcome: done
flows:
  - { id: f1, from: start, to: decide }
`;

describe('parseDefinition', () => {
  it('parses a valid YAML definition and applies the defaults', () => {
    const result = parseDefinition(valid, 'yaml');
    if (!result.ok) throw new Error(JSON.stringify(result.issues));
    expect(result.definition.id).toBe('tiny');
    expect(result.definition.globalActions).toEqual([]);
    expect(result.hash).toMatch(/^[0-9a-f]{64}$/);
  });

  it('reports a YAML syntax error with its line and column', () => {
    const broken = valid.replace('    type: userTask', '    type: userTask\n   bad: [unclosed');
    const result = parseDefinition(broken, 'yaml');
    expect(result.ok).toBe(false);
    if (result.ok) return;
    expect(result.issues[0]).toMatchObject({ rule: 'yaml-syntax', path: '', line: 10, column: 1 });
    expect(result.issues[0]!.message).toMatch(/fix the YAML at line 10, column 1/);
  });

  it('reports a duplicate YAML key with its position', () => {
    const result = parseDefinition(valid.replace('name: Tiny\n', 'name: Tiny\nname: Again\n'), 'yaml');
    expect(result.ok).toBe(false);
    if (!result.ok) expect(result.issues[0]).toMatchObject({ rule: 'yaml-syntax', line: 4, column: 1 });
  });

  it('reports a schema error with the path, the element and the line and column of the offending value', () => {
    const result = parseDefinition(valid.replace('duration: 15', 'duration: -15'), 'yaml');
    expect(result.ok).toBe(false);
    if (result.ok) return;
    expect(result.issues).toEqual([
      {
        rule: 'schema',
        elementId: 'decide',
        path: 'elements[1].deadlines[0].duration',
        message: expect.stringMatching(/too small \(-15\)/),
        line: 18,
        column: 19,
      },
    ]);
  });

  it('reports an unknown key at the key, a wrong enum value with the allowed ones, and a missing field at its parent', () => {
    const text = valid
      .replace('counting: calendar-days', 'counting: days\n        extendable: true')
      .replace('    outcome: done\n', '');
    const result = parseDefinition(text, 'yaml');
    expect(result.ok).toBe(false);
    if (result.ok) return;
    expect(result.issues.map((i) => [i.path, i.line, i.column])).toEqual([
      ['elements[1].deadlines[0].counting', 19, 19],
      ['elements[1].deadlines[0].extendable', 20, 9],
      ['elements[2].outcome', 23, 5],
    ]);
    expect(result.issues[0]!.message).toMatch(/use one of "calendar-days", "working-days"/);
    expect(result.issues[1]!.message).toMatch(
      /is not part of the language: remove it or correct its spelling/,
    );
    expect(result.issues[2]!.message).toMatch(/is required \(string\): add it/);
  });

  it('reports an unknown element type with the types that exist', () => {
    const result = parseDefinition(valid.replace('type: endEvent', 'type: endevent'), 'yaml');
    expect(result.ok).toBe(false);
    if (!result.ok) {
      expect(result.issues[0]).toMatchObject({
        path: 'elements[2].type',
        elementId: 'done',
        line: 23,
        column: 11,
      });
      expect(result.issues[0]!.message).toMatch(/"endevent"; use one of .*"endEvent"/);
    }
  });

  it('parses the same definition written as JSON to the same hash', () => {
    const yaml = parseDefinition(valid, 'yaml');
    if (!yaml.ok) throw new Error('yaml');
    const json = parseDefinition(JSON.stringify(yaml.definition, null, 2), 'json');
    if (!json.ok) throw new Error(JSON.stringify(json.issues));
    expect(json.hash).toBe(yaml.hash);
  });

  it('reports a JSON syntax error with its line and column', () => {
    const result = parseDefinition('{\n  "id": "x",\n  "version": 1,,\n}', 'json');
    expect(result).toEqual({
      ok: false,
      issues: [
        {
          rule: 'json-syntax',
          path: '',
          message:
            'Invalid JSON: expected a property name in double quotes, found ","; fix it at line 3, column 16.',
          line: 3,
          column: 16,
        },
      ],
    });
  });

  it('reports a duplicate JSON property (JSON.parse would silently keep the last)', () => {
    const result = parseDefinition('{"id": "a",\n "id": "b"}', 'json');
    expect(result.ok).toBe(false);
    if (!result.ok) expect(result.issues[0]).toMatchObject({ rule: 'json-syntax', line: 2, column: 2 });
  });

  it('locates JSON schema errors too', () => {
    const result = parseDefinition('{\n  "id": "Not Kebab",\n  "version": 1\n}', 'json');
    expect(result.ok).toBe(false);
    if (!result.ok)
      expect(result.issues[0]).toMatchObject({ rule: 'schema', path: 'id', line: 2, column: 9 });
  });
});

describe('validateSource', () => {
  it('attaches the line and column of the source to rule issues', () => {
    const result = validateSource(valid.replace('to: done }', 'to: dne }'), 'yaml');
    expect(result.ok).toBe(false);
    expect(result.issues).toContainEqual(
      expect.objectContaining({
        rule: 'flows-reference-elements',
        elementId: 'decide',
        path: 'elements[1].actions[0].to',
        line: 13,
        column: 59,
      }),
    );
  });
});
