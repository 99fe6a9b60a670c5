import { z } from 'zod';
import { dayOrInstant } from './common';

const count = z.coerce.number().int().min(1).max(3650);

export const deadlineQuery = z
  .strictObject({
    from: dayOrInstant.describe(
      'The day of receipt or service (not counted), YYYY-MM-DD or an instant with offset.',
    ),
    days: count.optional().describe('A period in calendar days.'),
    workingDays: count.optional().describe('A period in working days.'),
    article: z
      .string()
      .min(1)
      .max(200)
      .optional()
      .describe('The article setting the period, quoted in the explanation.'),
  })
  .refine((q) => (q.days === undefined) !== (q.workingDays === undefined), {
    message: 'give exactly one of days or workingDays',
    path: ['days'],
  });

export const deadlineResponse = z
  .object({
    from: z.string(),
    receivedOn: z.string(),
    startDate: z.string(),
    duration: z.number().int(),
    counting: z.enum(['calendar-days', 'working-days']),
    nominalLastDay: z.string(),
    lastDay: z.string().describe('The last day of the period, never a rest day.'),
    dueAt: z.string().describe('24:00 of lastDay in Asia/Shanghai, as a UTC instant.'),
    provisional: z.boolean().describe('True when a year without official holiday data decided the result.'),
    unofficialYears: z.array(z.number().int()),
    skippedRestDays: z.array(
      z.object({ date: z.string(), reason: z.enum(['weekend', 'holiday']), name: z.string().optional() }),
    ),
    rule: z.string(),
    ruleEn: z.string(),
    article: z.string().optional(),
    citation: z.string(),
    explanation: z.string(),
    explanationEn: z.string(),
  })
  .meta({ id: 'DeadlineCalculation' });
