import { z } from 'zod';

/** The JSON body of every error response (see app.ts). */
export const errorSchema = z
  .object({
    error: z.string().describe('A stable, machine-readable code, e.g. `action_not_allowed`.'),
    message: z.string().describe('What went wrong and what to do about it.'),
    details: z
      .unknown()
      .optional()
      .describe('Structured detail: the failing fields, the step and allowed actions, the article, …'),
    requestId: z
      .string()
      .describe(
        'The request id (also the X-Request-Id response header), found in every log line about the request.',
      ),
  })
  .meta({ id: 'Error' });

/**
 * Response schemas for the error statuses a route can answer with. 431 (request headers over Node's 16 KiB) is added
 * to every route: any request can be refused so before it reaches one.
 */
export function errors(...statuses: Array<400 | 401 | 403 | 404 | 409 | 413 | 415 | 422 | 429 | 503>) {
  return Object.fromEntries([...statuses, 431].map((s) => [s, errorSchema])) as Record<
    number,
    typeof errorSchema
  >;
}

/** The errors every authenticated route may answer with. */
export const commonErrors = [400, 401, 403, 429, 503] as const;

const INSTANT = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2}(\.\d{1,9})?)?(Z|[+-]\d{2}:\d{2})$/;

/** An ISO 8601 instant with an explicit offset (`Z` or `+08:00`); a local time without offset is ambiguous. */
export const instant = z
  .string()
  .regex(INSTANT, 'must be an ISO 8601 date-time with an offset, e.g. 2026-03-01T09:30:00+08:00')
  .refine((s) => !Number.isNaN(Date.parse(s)), 'must be a real date-time');

/** A calendar day `YYYY-MM-DD` or an instant with offset. */
export const dayOrInstant = z
  .string()
  .refine(
    (s) => (/^\d{4}-\d{2}-\d{2}$/.test(s) || INSTANT.test(s)) && !Number.isNaN(Date.parse(s)),
    'must be a date YYYY-MM-DD or an ISO 8601 date-time with an offset',
  );

/** The instant a {@link dayOrInstant} stands for: a bare day is its start in Asia/Shanghai. */
export function instantOf(value: string): number {
  return Date.parse(/^\d{4}-\d{2}-\d{2}$/.test(value) ? `${value}T00:00:00+08:00` : value);
}

/** A `[from, to)` range whose end lies before its start is refused (400) rather than answered as empty. */
export function ordered(from: string | undefined, to: string | undefined): boolean {
  return from === undefined || to === undefined || instantOf(from) <= instantOf(to);
}

/** A query-string boolean. */
export const queryBool = z.enum(['true', 'false']).transform((v) => v === 'true');

/** Idempotency-Key: a client-chosen token for retrying a write safely. */
export const idempotencyHeaders = z.object({
  'idempotency-key': z
    .string()
    .regex(
      /^[A-Za-z0-9_.:-]{8,128}$/,
      'must be 8-128 characters of letters, digits, "_", ".", ":" or "-" (a UUID is ideal)',
    )
    .optional()
    .describe('Makes a retry of this request safe: the same key returns the same result.'),
});

/** Security requirement: a bearer token. */
export const bearer: Array<Record<string, string[]>> = [{ bearerAuth: [] }];
/** Security requirement: a bearer token, or the petitioner's access code. */
export const bearerOrAccessCode: Array<Record<string, string[]>> = [{ bearerAuth: [] }, { accessCode: [] }];
