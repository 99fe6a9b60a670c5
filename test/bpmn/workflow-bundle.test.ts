import { readFileSync } from 'node:fs';
import { describe, expect, inject, it } from 'vitest';

describe('BPMN stays at the edge (design.md, settled point 12)', () => {
  it('leaves bpmn-moddle and the BPMN mapping out of the workflow bundle the workers run', () => {
    const bundle = readFileSync(inject('workflowBundlePath'), 'utf8');
    expect(bundle).toContain('definitions/language/schema.ts');
    for (const absent of ['bpmn-moddle', 'moddle-xml', 'bpmn-auto-layout', 'saxen', 'definitions/bpmn/'])
      expect(bundle, absent).not.toContain(absent);
  });
});
