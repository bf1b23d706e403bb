/**
 * API errors as JSON {code, message, details} with the HTTP status of each catalogue code.
 * Fastify's own validation errors become VALIDATION_FAILED naming the field and the rule; its
 * other client errors (body too large, bad content type, a malformed URL, a path parameter past
 * maxParamLength) get a catalogue code too, so every refusal has the same shape.
 */
import { Type } from '@sinclair/typebox';
import type { FastifyError, FastifyInstance, FastifyReply } from 'fastify';
import { isV2xError, V2xError, type ErrorCode } from '../../core/errors.js';
import { kafkaUnreachable } from '../kafka/unreachable.js';

const STATUS: Partial<Record<ErrorCode, number>> = {
  VALIDATION_FAILED: 400,
  COMMAND_UNKNOWN: 400,
  COMMAND_PARAMS_INVALID: 400,
  UNAUTHORIZED: 401,
  FORBIDDEN: 403,
  COMMAND_NOT_FOUND: 404,
  VEHICLE_NOT_FOUND: 404,
  ROUTE_NOT_FOUND: 404,
  METHOD_NOT_ALLOWED: 405,
  GEOFENCE_INVALID: 400,
  GEOFENCE_NOT_FOUND: 404,
  CONFLICT: 409,
  PAYLOAD_TOO_LARGE: 413,
  URI_TOO_LONG: 414,
  MEDIA_TYPE_UNSUPPORTED: 415,
  NOT_READY: 503,
  KAFKA_UNAVAILABLE: 503,
  KAFKA_PRODUCE_FAILED: 503,
  KAFKA_RECORD_REFUSED: 422,
  KAFKA_PRODUCER_CLOSED: 503,
};

/** Fastify's client errors, by the status it gives them. */
const FASTIFY_STATUS_CODE: Readonly<Record<number, ErrorCode>> = {
  413: 'PAYLOAD_TOO_LARGE',
  414: 'URI_TOO_LONG',
  415: 'MEDIA_TYPE_UNSUPPORTED',
};

export interface ApiErrorBody {
  readonly code: string;
  readonly message: string;
  readonly details: Record<string, unknown>;
}

/** ApiErrorBody as a schema, for the OpenAPI document. */
export const ApiErrorSchema = Type.Object(
  {
    code: Type.String({ description: 'stable code from the catalogue (core/errors.ts)' }),
    message: Type.String(),
    details: Type.Record(Type.String(), Type.Unknown()),
  },
  { additionalProperties: false },
);

/** The HTTP status of a catalogue error (500 for codes the API does not map). */
export function statusOf(err: V2xError): number {
  return STATUS[err.code] ?? 500;
}

/** Sends `err` as {code, message, details} with its status (and WWW-Authenticate, Allow where they belong). */
export function sendError(reply: FastifyReply, err: V2xError): FastifyReply {
  const status = statusOf(err);
  if (status === 401) reply.header('www-authenticate', 'Bearer');
  const allow = err.details.allow;
  if (status === 405 && Array.isArray(allow)) reply.header('allow', allow.join(', '));
  return reply
    .status(status)
    .type('application/json; charset=utf-8')
    .send({ code: err.code, message: err.message, details: err.details } satisfies ApiErrorBody);
}

/** A request path for a message: at most 200 characters (a refused URL can be megabytes long). */
export function shortPath(url: string): string {
  const path = url.split('?')[0] ?? '';
  return path.length <= 200 ? path : `${path.slice(0, 200)}... (${path.length} characters)`;
}

/**
 * Fastify's `frameworkErrors` option: the router's own refusals, before any hook runs (a path
 * parameter longer than maxParamLength, a URL that does not decode), in the API's error shape.
 */
export function frameworkError(maxParamLength: number) {
  return (err: FastifyError, req: { url: string }, reply: FastifyReply): void => {
    const path = shortPath(req.url);
    void sendError(
      reply,
      err.code === 'FST_ERR_MAX_PARAM_LENGTH'
        ? new V2xError('URI_TOO_LONG', `a path segment of ${path} is longer than ${maxParamLength} characters`, {
            details: { limit: maxParamLength, rule: 'maxParamLength' },
          })
        : new V2xError('VALIDATION_FAILED', `${path} is not a valid URL`, { details: { rule: 'url' } }),
    );
  };
}

export function installErrorHandler(app: FastifyInstance): void {
  app.setErrorHandler((err: FastifyError, _req, reply) => {
    if (isV2xError(err)) return sendError(reply, err);
    if (err.validation !== undefined) {
      const first = err.validation[0];
      const field = `${err.validationContext ?? 'body'}${first?.instancePath ? first.instancePath.replaceAll('/', '.') : ''}${first?.keyword === 'required' ? `.${String((first.params as { missingProperty?: string }).missingProperty)}` : ''}${first?.keyword === 'additionalProperties' ? `.${String((first.params as { additionalProperty?: string }).additionalProperty)}` : ''}`;
      const rule = first?.keyword === 'additionalProperties' ? 'is not allowed here' : (first?.message ?? 'is invalid');
      return sendError(
        reply,
        new V2xError('VALIDATION_FAILED', `${field} ${rule}`, {
          details: {
            field,
            rule: first?.keyword ?? 'schema',
            problems: err.validation.map((v) => ({ path: v.instancePath, rule: v.keyword, message: v.message })),
          },
        }),
      );
    }
    const unreachable = kafkaUnreachable(err);
    if (unreachable !== undefined) return sendError(reply, unreachable);
    const status = typeof err.statusCode === 'number' && err.statusCode >= 400 && err.statusCode < 500 ? err.statusCode : 500;
    const code: ErrorCode = status === 500 ? 'INTERNAL' : (FASTIFY_STATUS_CODE[status] ?? 'VALIDATION_FAILED');
    return sendError(reply, new V2xError(code, err.message, { details: err.code === undefined ? {} : { cause: err.code } }));
  });
}
