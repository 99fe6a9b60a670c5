import { existsSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { rules } from '../../definitions/language/rules';
import { validateDefinition } from '../../definitions/language/validate';
import { ROOT } from '../../scripts/build-definitions';
import { fixture } from './fixtures';

const ruleFiles = readdirSync(join(ROOT, 'definitions/language/rules'))
  .filter((f) => f.endsWith('.ts') && f !== 'index.ts')
  .map((f) => f.replace(/\.ts$/, ''))
  .sort();

describe('the validator', () => {
  it('runs one rule per file in definitions/language/rules, named after its file', () => {
    expect(rules.map((r) => r.id).sort()).toEqual(ruleFiles);
  });

  it.each(ruleFiles)('has a fixture table for %s', (id) => {
    expect(existsSync(join(ROOT, 'test/definitions/rules', `${id}.test.ts`))).toBe(true);
  });

  it('describes every rule', () => {
    for (const rule of rules) expect(rule.description.length).toBeGreaterThan(30);
  });

  it('finds nothing wrong with the base fixture, and reports issues in rule order', () => {
    expect(validateDefinition(fixture())).toEqual([]);
    const issues = validateDefinition(
      fixture((d) => {
        d.flows!.push({ id: 'f-bad', from: 'route', to: 'nowhere', condition: 'undeclared = 1' });
      }),
    );
    expect(issues.map((i) => i.rule)).toEqual(['flows-reference-elements', 'feel-conditions']);
  });
});
