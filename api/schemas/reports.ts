import { z } from 'zod';
import { departmentCode } from '../auth/principal';
import { rate } from './supervision';

/** The formats of the annual report: JSON (default), an Excel workbook, CSV (UTF-8 with BOM). */
export const REPORT_FORMATS = ['json', 'xlsx', 'csv'] as const;

export const annualQuery = z.strictObject({
  year: z
    .string()
    .regex(/^(19|[2-9]\d)\d{2}$/, 'must be a year YYYY (1900-9999)')
    .transform(Number)
    .describe(
      'The year of receipt, read in Asia/Shanghai: [YYYY-01-01T00:00+08:00, (YYYY+1)-01-01T00:00+08:00).',
    ),
  department: departmentCode
    .optional()
    .describe(
      'Only the petitions this body handles or handled (flag `handler:<code>`), and this body in `bodies`.',
    ),
  format: z
    .enum(REPORT_FORMATS)
    .default('json')
    .describe('json (default), xlsx (an Excel workbook, one sheet per table) or csv (UTF-8 with BOM).'),
});

const count = z.number().int();
const counted = z.array(
  z.object({ key: z.string(), name: z.string(), count }).describe('One value and its petitions.'),
);
const outcomes = z.object({
  requested: count.describe('Requested (pending or decided).'),
  pending: count,
  support: count,
  explain: count,
  reject: count,
});

export const annualReport = z
  .object({
    year: z.number().int(),
    department: z.string().nullable(),
    from: z.string().describe('Start of the year in Asia/Shanghai (inclusive), as an instant.'),
    to: z.string().describe('Start of the next year (exclusive).'),
    generatedAt: z.string(),
    registered: count.describe('Petitions received in the year.'),
    byCategory: counted.describe('建议意见类 / 检举控告类 / 申诉求决类 (Arts. 22, 29-31).'),
    byChannel: counted.describe('Channels of Art. 17.'),
    byRoute: counted.describe('How the matter was handled (Art. 31): legal procedure, duty, investigation.'),
    byIntake: counted.describe(
      'Registered at the bureau (Art. 22) or received directly by a body (Art. 23 ¶2).',
    ),
    handling: z.object({
      forwarded: count.describe('转送 (Art. 22).'),
      assigned: count.describe('交办 (Art. 22).'),
      supervised: count.describe('督办 issued at least once (Art. 40).'),
    }),
    bodies: z
      .array(
        z.object({
          code: z.string(),
          name: z.string(),
          handled: count.describe('Petitions the body handles or handled (flag handler:<code>).'),
          finishedLate: count.describe('Of those, finished after the handling period.'),
          complaints: count.describe('申诉求决类 petitions the body handles or handled.'),
          reports: count.describe('检举控告类 petitions about the body (PetitionConcerns).'),
          complainedAbout: count.describe('complaints + reports.'),
        }),
      )
      .describe(
        'Every registered body (only the one asked for with `department`), by complainedAbout, then handled.',
      ),
    mostComplainedAbout: z
      .array(z.object({ code: z.string(), name: z.string(), complainedAbout: count }))
      .describe(
        'The bodies most complained about (Art. 41): at most 10 with complainedAbout > 0, most first.',
      ),
    timeliness: z.object({
      acceptance: rate.describe('及时受理率: accepted within the acceptance period / acceptance decided.'),
      handling: rate.describe('按期办结率: finished within the handling period / finished.'),
    }),
    satisfaction: z.object({
      satisfied: count,
      basicallySatisfied: count,
      unsatisfied: count,
      rate: rate.describe('群众满意率: satisfied + basically satisfied / rated (Art. 21).'),
    }),
    suggestions: z.object({
      total: count.describe('建议意见类 petitions (Art. 29).'),
      adopted: count.describe('Of those, adopted (opinion support).'),
    }),
    reviews: outcomes.describe('复查 (Art. 35) by the reviewing opinion.'),
    reReviews: outcomes.describe('复核 (Art. 36) by the re-reviewing opinion.'),
    final: count.describe('Closed by a final re-review (Art. 36 ¶3).'),
  })
  .meta({ id: 'AnnualReport' });

export type AnnualReport = z.infer<typeof annualReport>;
