/**
 * API errors as JSON {code, message, details} with the HTTP status of each catalogue code.
 * Fastify's own validation errors become VALIDATION_FAILED naming the field and the rule.
 */
import { Type } from '@sinclair/typebox';
import type { FastifyError, FastifyInstance } from 'fastify';
import { isV2xError, type ErrorCode } from '../../core/errors.js';

const STATUS: Partial<Record<ErrorCode, number>> = {
  VALIDATION_FAILED: 400,
  COMMAND_UNKNOWN: 400,
  COMMAND_PARAMS_INVALID: 400,
  UNAUTHORIZED: 401,
  FORBIDDEN: 403,
  COMMAND_NOT_FOUND: 404,
  VEHICLE_NOT_FOUND: 404,
  GEOFENCE_INVALID: 400,
  GEOFENCE_NOT_FOUND: 404,
  CONFLICT: 409,
  NOT_READY: 503,
  KAFKA_UNAVAILABLE: 503,
  KAFKA_PRODUCE_FAILED: 503,
  KAFKA_RECORD_REFUSED: 422,
  KAFKA_PRODUCER_CLOSED: 503,
};

export interface ApiErrorBody {
  readonly code: string;
  readonly message: string;
  readonly details: Record<string, unknown>;
}

/** ApiErrorBody as a schema, for the OpenAPI document. */
export const ApiErrorSchema = Type.Object({
  code: Type.String({ description: 'stable code from the catalogue (core/errors.ts)' }),
  message: Type.String(),
  details: Type.Record(Type.String(), Type.Unknown()),
});

export function installErrorHandler(app: FastifyInstance): void {
  app.setErrorHandler((err: FastifyError, _req, reply) => {
    if (isV2xError(err)) {
      const status = STATUS[err.code] ?? 500;
      if (status === 401) reply.header('www-authenticate', 'Bearer');
      return reply.status(status).send({ code: err.code, message: err.message, details: err.details } satisfies ApiErrorBody);
    }
    if (err.validation !== undefined) {
      const first = err.validation[0];
      const field = `${err.validationContext ?? 'body'}${first?.instancePath ? first.instancePath.replaceAll('/', '.') : ''}${first?.keyword === 'required' ? `.${String((first.params as { missingProperty?: string }).missingProperty)}` : ''}`;
      return reply.status(400).send({
        code: 'VALIDATION_FAILED',
        message: `invalid request: ${field} ${first?.message ?? 'is invalid'}`,
        details: {
          field,
          rule: first?.keyword ?? 'schema',
          problems: err.validation.map((v) => ({ path: v.instancePath, rule: v.keyword, message: v.message })),
        },
      } satisfies ApiErrorBody);
    }
    const status = typeof err.statusCode === 'number' && err.statusCode >= 400 && err.statusCode < 500 ? err.statusCode : 500;
    return reply
      .status(status)
      .send({ code: status === 500 ? 'INTERNAL' : 'VALIDATION_FAILED', message: err.message, details: {} } satisfies ApiErrorBody);
  });
}
