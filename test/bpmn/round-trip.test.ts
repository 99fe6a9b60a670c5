import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { fromBpmnXml, toBpmnXml } from '../../definitions/bpmn';
import { definitionNode } from '../../definitions/bpmn/schema-nodes';
import { hashDefinition } from '../../definitions/language/hash';
import { DefinitionSchema, type Definition } from '../../definitions/language/schema';
import { loadStatutoryDefinition, statutoryDefinitionHash } from '../../definitions/statutory';
import { fixture } from '../definitions/fixtures';
import { miniDefinition } from '../engine/fixtures/mini-definition';
import { fillEveryField } from './fill';
import { expectRoundTrip, firstDifference, mappingIssues } from './helpers';

describe('BPMN round trip', () => {
  it('gives back the statutory definition (Regulation on Petition Work 2022) field for field, with the same content hash', async () => {
    const statutory = loadStatutoryDefinition();
    const { back } = await expectRoundTrip(statutory);
    expect(back).toEqual(statutory);
    expect(hashDefinition(back)).toBe(statutoryDefinitionHash());
    expect(back.diagram).toBeUndefined();
  });

  it('imports the statutory export without a single issue, warnings included', async () => {
    const imported = await fromBpmnXml(await toBpmnXml(loadStatutoryDefinition()));
    expect(imported.issues).toEqual([]);
    expect(imported.hash).toBe(statutoryDefinitionHash());
  });

  it('gives back the engine tests’ mini definition and the rule tests’ fixture', async () => {
    await expectRoundTrip(miniDefinition);
    await expectRoundTrip(fixture());
  });

  it('exports the same XML again from what it imported (export → import → export is stable)', async () => {
    const xml = await toBpmnXml(loadStatutoryDefinition());
    const again = await toBpmnXml((await fromBpmnXml(xml)).definition!);
    expect(again).toBe(xml);
  });

  it('keeps a designer’s layout: import carries it in the definition, export writes it unchanged', async () => {
    const xml = await toBpmnXml(miniDefinition);
    const moved = xml.replace(
      /(<bpmndi:BPMNShape id="forward_di"[^>]*>\s*<dc:Bounds x=")([\d.]+)/,
      (_m, head: string, x: string) => `${head}${Number(x) + 37.5}`,
    );
    expect(moved).not.toBe(xml);
    const imported = await fromBpmnXml(moved);
    const diagram = imported.definition!.diagram!;
    expect(diagram).toBeDefined();
    expect(hashDefinition(imported.definition!)).not.toBe(hashDefinition(miniDefinition));
    const { back } = await expectRoundTrip(imported.definition!);
    expect(back.diagram).toEqual(diagram);
    const shapeOf = (text: string) =>
      /<bpmndi:BPMNShape id="forward_di"[^>]*>\s*<dc:Bounds ([^/]*)\/>/.exec(text)?.[1];
    expect(shapeOf(await toBpmnXml(imported.definition!))).toBe(shapeOf(moved));
  });

  it('imports an export whose diagram a tool removed: no layout, and nothing for the mapping to report', async () => {
    const xml = await toBpmnXml(miniDefinition);
    const bare = xml.replace(/\s*<bpmndi:BPMNDiagram[\s\S]*<\/bpmndi:BPMNDiagram>/, '');
    expect(bare).not.toContain('bpmndi:');
    const imported = await fromBpmnXml(bare);
    expect(mappingIssues(imported.issues)).toEqual([]);
    expect(imported.definition).toEqual(miniDefinition);
  });

  it('lays the diagram out again when a designer’s layout does not place every element', async () => {
    const imported = await fromBpmnXml(
      (await toBpmnXml(miniDefinition)).replace(
        /(<dc:Bounds x=")([\d.]+)/,
        (_m, head: string, x: string) => `${head}${Number(x) + 1}`,
      ),
    );
    const definition = imported.definition!;
    const { forward: _dropped, ...shapes } = definition.diagram!.shapes;
    const partial = { ...definition, diagram: { ...definition.diagram!, shapes } };
    const back = await fromBpmnXml(await toBpmnXml(partial));
    expect(back.definition!.diagram).toBeUndefined();
  });

  it('carries every field of the language, whatever its value (property: filled definitions round-trip)', async () => {
    const schema = definitionNode();
    await fc.assert(
      fc.asyncProperty(fc.integer({ min: 1, max: 2 ** 31 - 1 }), async (seed) => {
        const filled = fillEveryField(loadStatutoryDefinition(), schema, seed);
        const parsed = DefinitionSchema.safeParse(filled);
        expect(parsed.error, 'the generator made a definition outside the schema').toBeUndefined();
        const original: Definition = parsed.data!;
        const imported = await fromBpmnXml(await toBpmnXml(original));
        expect(mappingIssues(imported.issues)).toEqual([]);
        expect(imported.definition, JSON.stringify(imported.issues.slice(0, 5), null, 2)).toBeDefined();
        expect(firstDifference(imported.definition, original)).toBeUndefined();
      }),
      { numRuns: 12 },
    );
    // Twelve exports and imports of the whole statutory definition: about 20 s of CPU, more on a shared machine.
  }, 120_000);
});
