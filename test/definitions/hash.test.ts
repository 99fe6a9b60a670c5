import { createHash } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { canonicalJson, hashDefinition } from '../../definitions/language/hash';
import { sha256Hex } from '../../definitions/language/sha256';
import { fixture, task } from './fixtures';

describe('sha256Hex (pure, for the workflow sandbox)', () => {
  const samples = [
    '',
    'abc',
    '信访工作条例',
    '😀 emoji and \u{10FFFF}',
    'a'.repeat(55),
    'a'.repeat(56),
    'b'.repeat(64),
    'c'.repeat(1000),
  ];
  it.each(samples.map((s) => [s.slice(0, 12), s]))('agrees with node:crypto on %j', (_label, text) => {
    expect(sha256Hex(text)).toBe(createHash('sha256').update(text, 'utf8').digest('hex'));
  });
});

describe('hashDefinition', () => {
  it('is stable: the same content hashes the same, whatever the key order or written defaults', () => {
    const a = fixture();
    const reordered = JSON.parse(JSON.stringify(a, Object.keys(a).reverse())) as typeof a;
    expect(hashDefinition(fixture())).toBe(hashDefinition(a));
    expect(hashDefinition({ ...reordered, ...a })).toBe(hashDefinition(a));
    expect(canonicalJson({ b: 1, a: [2, { d: 3, c: undefined }] })).toBe('{"a":[2,{"d":3}],"b":1}');
  });

  it('ignores the editor-only $schema', () => {
    expect(hashDefinition(fixture((d) => void (d.$schema = '../language/definition.schema.json')))).toBe(
      hashDefinition(fixture()),
    );
  });

  it('changes when any content changes', () => {
    const base = hashDefinition(fixture());
    expect(hashDefinition(fixture((d) => void (task(d).deadlines![0]!.duration = 11)))).not.toBe(base);
    expect(hashDefinition(fixture((d) => void (d.version = 2)))).not.toBe(base);
    expect(hashDefinition(fixture((d) => void (d.documents!['notice']!.title = '通知书')))).not.toBe(base);
  });
});
