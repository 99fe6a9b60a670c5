/**
 * The API's error contract: {@link ApiError}, what routes and services throw, and the one shape every error leaves
 * in ({@link ErrorBody}). {@link toApiError} turns what Temporal, Fastify and the auth plugin throw into ApiErrors
 * with a stable `error` code and a message a person can act on; the central handler in app.ts renders them.
 */
import {
  isGrpcServiceError,
  ServiceError,
  WorkflowUpdateFailedError,
  WorkflowUpdateRPCTimeoutOrCancelledError,
} from '@temporalio/client';
import {
  ApplicationFailure,
  WorkflowExecutionAlreadyStartedError,
  WorkflowNotFoundError,
} from '@temporalio/common';
import type { FastifyError } from 'fastify';
import { ZodError } from 'zod';
import { FailureType } from '../workflows/failure-types';

/** The JSON body of every error response. */
export interface ErrorBody {
  error: string;
  message: string;
  details?: unknown;
}

/**
 * An error a route throws to answer with a given status and a stable `error` code; the central handler turns it
 * into {@link ErrorBody}.
 */
export class ApiError extends Error {
  override name = 'ApiError';
  constructor(
    readonly statusCode: number,
    readonly code: string,
    message: string,
    readonly details?: unknown,
  ) {
    super(message);
  }
}

/** The status and JSON body the central handler answers with for anything thrown. */
export function toErrorBody(err: unknown): { status: number; body: ErrorBody } {
  if (err instanceof ApiError) {
    return {
      status: err.statusCode,
      body: {
        error: err.code,
        message: err.message,
        ...(err.details !== undefined && { details: err.details }),
      },
    };
  }
  if (err instanceof ZodError) {
    return {
      status: 400,
      body: {
        error: 'validation_failed',
        message:
          'The request is not valid: ' +
          err.issues.map((i) => `${i.path.join('.') || '(body)'}: ${i.message}`).join('; '),
        details: err.issues.map((i) => ({ path: i.path, message: i.message, code: i.code })),
      },
    };
  }
  const fe = err as Partial<FastifyError>;
  if (fe.validation) {
    return {
      status: 400,
      body: {
        error: 'validation_failed',
        message: fe.message ?? 'The request is not valid',
        details: fe.validation,
      },
    };
  }
  if (typeof fe.statusCode === 'number' && fe.statusCode >= 400 && fe.statusCode < 500) {
    const code = (fe.code ?? 'bad_request').replace(/^FST_ERR_/, '').toLowerCase();
    return { status: fe.statusCode, body: { error: code, message: fe.message ?? 'Bad request' } };
  }
  return {
    status: 500,
    body: { error: 'internal_error', message: 'An unexpected error occurred; it has been logged.' },
  };
}

/** gRPC status codes (a table rather than an import of @grpc/grpc-js, which is not our dependency). */
const GrpcStatus = {
  CANCELLED: 1,
  INVALID_ARGUMENT: 3,
  DEADLINE_EXCEEDED: 4,
  NOT_FOUND: 5,
  PERMISSION_DENIED: 7,
  RESOURCE_EXHAUSTED: 8,
  UNAVAILABLE: 14,
  UNAUTHENTICATED: 16,
} as const;

/** Stable `error` codes of refusals that come from the petition workflow (ApplicationFailure types). */
const ENGINE_STATUS: Record<string, { status: number; code: string }> = {
  [FailureType.PetitionClosed]: { status: 409, code: 'petition_closed' },
  [FailureType.ActionNotAllowed]: { status: 409, code: 'action_not_allowed' },
  [FailureType.Forbidden]: { status: 403, code: 'forbidden' },
  [FailureType.NotFound]: { status: 404, code: 'not_found' },
  [FailureType.InvalidInput]: { status: 400, code: 'invalid_input' },
  [FailureType.StatutoryRule]: { status: 422, code: 'statutory_rule' },
  [FailureType.NotStarted]: { status: 503, code: 'petition_starting' },
};

/** Thrown by `boundedCall` (api/services/temporal-calls.ts) when Temporal gave no answer in time. */
export class TemporalTimeoutError extends Error {
  override name = 'TemporalTimeoutError';
  constructor(
    readonly what: string,
    readonly ms: number,
  ) {
    super(`${what}: no answer within ${ms / 1000} s`);
  }
}

const UNAVAILABLE_MESSAGE =
  'Temporal is not reachable right now; nothing was changed. Retry later (with the same Idempotency-Key for writes).';

function grpcCode(err: unknown): number | undefined {
  for (let e: unknown = err, depth = 0; e && depth < 5; e = (e as { cause?: unknown }).cause, depth++) {
    if (isGrpcServiceError(e)) return e.code;
  }
  return undefined;
}

function isConnectionFailure(err: unknown): boolean {
  for (let e: unknown = err, depth = 0; e && depth < 5; e = (e as { cause?: unknown }).cause, depth++) {
    const message = e instanceof Error ? e.message : '';
    if (
      /ECONNREFUSED|ENOTFOUND|EHOSTUNREACH|Failed to connect|No connection established|connection (?:refused|closed)/i.test(
        message,
      )
    )
      return true;
  }
  return false;
}

/** Maps a refusal of the petition workflow (its ApplicationFailure) onto the HTTP contract. */
export function refusalToApiError(failure: ApplicationFailure): ApiError {
  const details = failure.details?.[0];
  return refusalAsApiError({
    type: failure.type ?? '',
    message: failure.message,
    details:
      details !== null && typeof details === 'object' ? (details as Record<string, unknown>) : undefined,
  });
}

/** The same mapping for a refusal the workflow answered as data (a query's result). */
export function refusalAsApiError(refusal: {
  type: string;
  message: string;
  details?: Record<string, unknown>;
}): ApiError {
  const mapped = ENGINE_STATUS[refusal.type] ?? { status: 422, code: 'action_refused' };
  return new ApiError(mapped.status, mapped.code, refusal.message, refusal.details);
}

/**
 * The JSON parser's complaint without the excerpt of the body it quotes (`Unexpected token 'x', "{"name":"张…" is not
 * valid JSON`): the body may be a petitioner’s personal data. What is left names the problem (and its position).
 */
export function jsonProblem(message: string | undefined): string {
  return (message ?? 'a syntax error').replace(/,\s*"[\s\S]*" is not valid JSON\s*$/, '');
}

/** Fastify's request validation errors, with the failing fields named (`body.petitioner.name: …`). */
function validationError(err: FastifyError): ApiError {
  const where = err.validationContext ?? 'request';
  const items = (err.validation ?? []).map((v) => {
    const field = [where, ...(v.instancePath ?? '').split('/').filter(Boolean)].join('.');
    return { in: where, field, message: v.message ?? 'is invalid' };
  });
  return new ApiError(
    400,
    'validation_failed',
    items.length > 0
      ? `The request is not valid: ${items.map((i) => `${i.field}: ${i.message}`).join('; ')}`
      : `The request is not valid: ${err.message}`,
    items,
  );
}

/**
 * The API error for anything thrown while handling a request, or the error itself when it is not one we know
 * (the central handler then answers 500 and logs it).
 */
export function toApiError(err: unknown): unknown {
  if (err instanceof ApiError) return err;

  if (err instanceof WorkflowUpdateFailedError) {
    if (err.cause instanceof ApplicationFailure) return refusalToApiError(err.cause);
    return new ApiError(422, 'action_refused', err.cause?.message ?? err.message);
  }
  if (err instanceof ApplicationFailure) return refusalToApiError(err);
  if (err instanceof WorkflowExecutionAlreadyStartedError) {
    return new ApiError(
      409,
      'petition_exists',
      `A petition with this id exists already (${err.workflowId}).`,
    );
  }
  if (err instanceof WorkflowNotFoundError) {
    return new ApiError(404, 'not_found', 'No such petition.');
  }
  if (err instanceof WorkflowUpdateRPCTimeoutOrCancelledError) {
    return new ApiError(
      503,
      'worker_unavailable',
      'No worker applied the action in time; it may still be applied. Retry with the same Idempotency-Key to learn the outcome.',
    );
  }
  if (err instanceof TemporalTimeoutError) {
    return new ApiError(503, 'temporal_unavailable', `${err.message}. ${UNAVAILABLE_MESSAGE}`);
  }

  const code = grpcCode(err);
  if (code !== undefined) {
    switch (code) {
      case GrpcStatus.UNAVAILABLE:
      case GrpcStatus.DEADLINE_EXCEEDED:
      case GrpcStatus.CANCELLED:
        return new ApiError(503, 'temporal_unavailable', UNAVAILABLE_MESSAGE);
      case GrpcStatus.RESOURCE_EXHAUSTED:
        return new ApiError(503, 'temporal_busy', 'Temporal is overloaded right now; retry in a moment.');
      case GrpcStatus.INVALID_ARGUMENT:
        return new ApiError(
          400,
          'invalid_request',
          `Temporal refused the request: ${(err as Error).message}`,
        );
      case GrpcStatus.NOT_FOUND:
        return new ApiError(404, 'not_found', 'Not found.');
      case GrpcStatus.UNAUTHENTICATED:
      case GrpcStatus.PERMISSION_DENIED:
        return new ApiError(
          503,
          'temporal_unavailable',
          'The API is not allowed to talk to Temporal; check its credentials.',
        );
    }
  }
  if ((err instanceof ServiceError || code !== undefined) && isConnectionFailure(err)) {
    return new ApiError(503, 'temporal_unavailable', UNAVAILABLE_MESSAGE);
  }
  if (isConnectionFailure(err)) return new ApiError(503, 'temporal_unavailable', UNAVAILABLE_MESSAGE);

  const fe = err as Partial<FastifyError> | undefined;
  if (fe && Array.isArray(fe.validation)) return validationError(fe as FastifyError);
  switch (fe?.code) {
    case 'FST_ERR_CTP_INVALID_JSON_BODY':
    case 'FST_ERR_CTP_EMPTY_JSON_BODY':
      return new ApiError(400, 'malformed_json', `The body is not valid JSON: ${jsonProblem(fe.message)}`);
    case 'FST_ERR_CTP_BODY_TOO_LARGE':
      return new ApiError(
        413,
        'payload_too_large',
        'The request body is larger than the API accepts (API_BODY_LIMIT).',
      );
    case 'FST_ERR_CTP_INVALID_MEDIA_TYPE':
      return new ApiError(
        415,
        'unsupported_media_type',
        'Unsupported Content-Type: send application/json (or application/yaml for definitions).',
      );
  }
  if (typeof fe?.code === 'string' && fe.code.startsWith('FST_JWT_')) {
    return new ApiError(401, 'unauthorized', `Authentication failed: ${fe.message}`);
  }
  return err;
}
