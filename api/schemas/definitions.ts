import { z } from 'zod';

const definitionId = z
  .string()
  .regex(/^[a-z0-9][a-z0-9-]{0,63}$/, 'must be a definition id such as petition-2022');

export const definitionParams = z.object({ id: definitionId });
export const definitionQuery = z.strictObject({
  version: z.coerce
    .number()
    .int()
    .min(1)
    .max(999_999)
    .optional()
    .describe('A published version (default: the latest).'),
  format: z
    .enum(['json', 'bpmn'])
    .optional()
    .describe(
      '`bpmn`: the definition as BPMN 2.0 XML (also asked for by `Accept: application/bpmn+xml`); default JSON.',
    ),
});

/** The media type of BPMN 2.0 XML. */
export const BPMN_MEDIA_TYPE = 'application/bpmn+xml';

export const bpmnXmlSchema = z
  .string()
  .describe(
    'BPMN 2.0 XML with the pe: extensions (definitions/README.md, "BPMN 2.0 XML"), with its diagram.',
  );

/**
 * A definition source: `{ source, format }` as JSON, or the text itself with `Content-Type: application/yaml` or
 * `application/bpmn+xml` (the route turns that into `{ source, format }`).
 */
export const definitionSourceBody = z
  .union([
    z.strictObject({
      source: z.string().min(1).max(1_000_000).describe('The definition text.'),
      format: z
        .enum(['yaml', 'json', 'bpmn'])
        .default('yaml')
        .describe('`bpmn`: BPMN 2.0 XML with the pe: extensions.'),
    }),
    z
      .string()
      .min(1)
      .describe('The text itself: YAML as application/yaml, BPMN 2.0 XML as application/bpmn+xml.'),
  ])
  .meta({ id: 'DefinitionSource' });

export const issueSchema = z
  .object({
    rule: z.string(),
    elementId: z.string().optional(),
    path: z.string(),
    message: z.string(),
    line: z.number().int().optional(),
    column: z.number().int().optional(),
    severity: z
      .literal('warning')
      .optional()
      .describe(
        'Absent for a defect; `warning` for what is noted but harmless (another modeller’s extension).',
      ),
  })
  .meta({ id: 'DefinitionIssue' });

export const validationResponse = z
  .object({ valid: z.boolean(), issues: z.array(issueSchema) })
  .meta({ id: 'DefinitionValidation' });

const actor = z.object({ role: z.string(), id: z.string().optional(), department: z.string().optional() });

export const definitionSummarySchema = z
  .object({
    id: z.string(),
    version: z.number().int(),
    hash: z.string(),
    name: z.string(),
    publishedAt: z.string(),
    publishedBy: actor.optional(),
  })
  .meta({ id: 'DefinitionSummary' });

export const publishResponseSchema = definitionSummarySchema
  .extend({
    warnings: z
      .array(issueSchema)
      .optional()
      .describe('What a BPMN file held that the definition does not keep (other modellers’ extensions).'),
  })
  .meta({ id: 'PublishedDefinitionSummary' });

export const definitionListResponse = z.object({ items: z.array(definitionSummarySchema) });

export const publishedDefinitionSchema = definitionSummarySchema
  .extend({
    definition: z
      .record(z.string(), z.unknown())
      .describe('The definition as published (the language of definitions/).'),
  })
  .meta({ id: 'PublishedDefinition' });

export const publishErrorSchema = z.object({
  error: z.string(),
  message: z.string(),
  details: z.object({ issues: z.array(issueSchema) }).optional(),
});
