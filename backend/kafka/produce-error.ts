/**
 * The typed error of a failed produce, keeping the Kafka client's own verdict on whether trying
 * again may help: KAFKA_PRODUCE_FAILED (retryable: the broker is away, a leader moved, a request
 * timed out) or KAFKA_RECORD_REFUSED (not retryable: Kafka refused the records for good, e.g. a
 * record larger than the topic's max.message.bytes). The writer (writer.ts) retries the first and
 * dead-letters the records of the second; before this type every failure was KAFKA_PRODUCE_FAILED
 * and a refused batch was retried for ever.
 */
import { V2xError } from '../../core/errors.js';

export interface ProduceFailure {
  /** The Kafka client's own flag: may the same records succeed later? */
  readonly retriable: boolean;
  /** Kafka's error type when the broker answered one (MESSAGE_TOO_LARGE...), else the client's error name. */
  readonly kafkaError: string;
  readonly message: string;
}

export class KafkaProduceError extends V2xError {
  readonly kafkaError: string;

  constructor(failure: ProduceFailure, cause?: unknown) {
    super(failure.retriable ? 'KAFKA_PRODUCE_FAILED' : 'KAFKA_RECORD_REFUSED', `${failure.kafkaError}: ${failure.message}`, {
      cause,
      details: { kafkaError: failure.kafkaError, retriable: failure.retriable },
    });
    this.name = 'KafkaProduceError';
    this.kafkaError = failure.kafkaError;
  }
}

/** Errors kafkajs never retries whatever their flag says (its retry/index.js). */
const UNRECOVERABLE = new Set(['RangeError', 'ReferenceError', 'SyntaxError', 'TypeError']);

interface KafkajsLike {
  readonly name?: unknown;
  readonly message?: unknown;
  readonly retriable?: unknown;
  readonly type?: unknown;
  readonly cause?: unknown;
}

/**
 * What a kafkajs producer threw, as a ProduceFailure. kafkajs wraps what its retrier gives up on:
 * KafkaJSNumberOfRetriesExceeded (retriable=false on the wrapper) around an error that WAS retriable
 * and only ran out of attempts: a Kafka outage, retryable here; KafkaJSNonRetriableError around one
 * that is not. A protocol error (KafkaJSProtocolError) carries Kafka's error type and the flag from
 * kafkajs's table (MESSAGE_TOO_LARGE, RECORD_LIST_TOO_LARGE, TOPIC_AUTHORIZATION_FAILED: false).
 */
export function kafkajsFailure(err: unknown): ProduceFailure {
  let e = (typeof err === 'object' && err !== null ? err : { message: String(err) }) as KafkajsLike;
  let exhausted = false;
  for (let depth = 0; depth < 5; depth++) {
    const inner = e.cause;
    if (typeof inner !== 'object' || inner === null || inner === e) break;
    if (e.name === 'KafkaJSNumberOfRetriesExceeded') exhausted = true;
    else if (e.name !== 'KafkaJSNonRetriableError') break;
    e = inner as KafkajsLike;
  }
  const name = typeof e.name === 'string' ? e.name : 'Error';
  const kafkaError = typeof e.type === 'string' ? e.type : name;
  const message = typeof e.message === 'string' ? e.message : String(e.message);
  if (exhausted) return { retriable: true, kafkaError, message };
  return { retriable: e.retriable !== false && !UNRECOVERABLE.has(name), kafkaError, message };
}

/** The verdict on anything a Producer threw: its own flag when it is a V2xError, else kafkajs's rules. */
export function toProduceError(err: unknown): V2xError {
  if (err instanceof V2xError) return err;
  return new KafkaProduceError(kafkajsFailure(err), err);
}
