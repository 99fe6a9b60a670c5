import type { FastifyInstance } from 'fastify';
import { jsonNestingDepth, MAX_NESTING_DEPTH } from '../../definitions/language/nesting-depth';
import { ApiError } from '../errors';

/** The 400 for a body nested deeper than the API accepts. */
export function tooDeep(field: string, what: string): ApiError {
  return new ApiError(
    400,
    'validation_failed',
    `The request is not valid: ${field}: ${what} nests deeper than ${MAX_NESTING_DEPTH} levels; flatten it.`,
    [{ in: 'body', field, code: 'too_deep', limit: MAX_NESTING_DEPTH }],
  );
}

/**
 * Replaces the JSON body parser with one that measures the nesting first (one pass over the text, no recursion) and
 * refuses more than {@link MAX_NESTING_DEPTH} levels with 400 `validation_failed` (`details[0].code: too_deep`), before
 * anything recursive (canonical JSON, schema validation, Temporal's payload converter) sees the body. Parsing itself
 * stays Fastify's (prototype poisoning refused).
 */
export function registerJsonBodyParser(app: FastifyInstance): void {
  const parse = app.getDefaultJsonParser('error', 'error');
  app.removeContentTypeParser('application/json');
  app.addContentTypeParser('application/json', { parseAs: 'string' }, (request, body, done) => {
    const text = body as string;
    if (jsonNestingDepth(text, MAX_NESTING_DEPTH) > MAX_NESTING_DEPTH) {
      done(tooDeep('body', 'the body'), undefined);
      return;
    }
    parse(request, text, done);
  });
}
