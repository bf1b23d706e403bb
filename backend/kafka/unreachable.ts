/**
 * Is this error the Kafka client saying it cannot reach Kafka (a broker down, a connection refused
 * or reset)? The REST API answers such an error with KAFKA_UNAVAILABLE (503, retryable) rather than
 * INTERNAL (500): the failover bench saw a command POST answered 500 "connect ECONNREFUSED" while
 * one Kafka node was down. Pure: looks at the error's name, code and cause only.
 */
import { V2xError } from '../../core/errors.js';

const CONNECTION_CODES = new Set(['ECONNREFUSED', 'ECONNRESET', 'ETIMEDOUT', 'EHOSTUNREACH', 'ENOTFOUND', 'EPIPE']);
/** kafkajs's error classes for a broker it cannot talk to (the other clients' arrive as V2xError). */
const CONNECTION_ERRORS = new Set(['KafkaJSConnectionError', 'KafkaJSConnectionClosedError', 'KafkaJSRequestTimeoutError']);

interface ErrorLike {
  readonly name?: unknown;
  readonly code?: unknown;
  readonly message?: unknown;
  readonly cause?: unknown;
  readonly originalError?: unknown;
}

function isUnreachable(err: unknown, depth: number): boolean {
  if (depth > 4 || typeof err !== 'object' || err === null) return false;
  const e = err as ErrorLike;
  if (typeof e.name === 'string' && CONNECTION_ERRORS.has(e.name)) return true;
  if (typeof e.code === 'string' && CONNECTION_CODES.has(e.code)) return true;
  // kafkajs wraps the last attempt's error when it gives up retrying
  return isUnreachable(e.cause, depth + 1) || isUnreachable(e.originalError, depth + 1);
}

/** KAFKA_UNAVAILABLE for an error that says Kafka is out of reach; undefined for any other. */
export function kafkaUnreachable(err: unknown): V2xError | undefined {
  if (!isUnreachable(err, 0)) return undefined;
  const message = err instanceof Error ? err.message : String(err);
  return new V2xError('KAFKA_UNAVAILABLE', message, { cause: err });
}
