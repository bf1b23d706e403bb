/**
 * Retriable vs permanent: what kafkajs throws, classified with kafkajs's own flag kept
 * (backend/kafka/produce-error.ts), built from kafkajs's real error classes and error table.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createRequire } from 'node:module';
import { isV2xError } from '../../../core/errors.js';
import { backoffDelay } from '../../../backend/kafka/backoff.js';
import { KafkaProduceError, kafkajsFailure, toProduceError } from '../../../backend/kafka/produce-error.js';

const require = createRequire(import.meta.url);
type ErrorClass = new (e: unknown, options?: Record<string, unknown>) => Error;
const errors = require('kafkajs/src/errors.js') as Record<string, ErrorClass>;
const { createErrorFromCode } = require('kafkajs/src/protocol/error.js') as { createErrorFromCode: (code: number) => Error };
const KafkaJSProtocolError = errors['KafkaJSProtocolError']!;
const KafkaJSNonRetriableError = errors['KafkaJSNonRetriableError']!;
const KafkaJSNumberOfRetriesExceeded = errors['KafkaJSNumberOfRetriesExceeded']!;
const KafkaJSConnectionError = errors['KafkaJSConnectionError']!;

test('a record above max.message.bytes (MESSAGE_TOO_LARGE, RECORD_LIST_TOO_LARGE) is refused for good', () => {
  for (const code of [10, 18]) {
    const raw = createErrorFromCode(code); // what the produce response parser throws, and sendMessages bails with
    const f = kafkajsFailure(raw);
    assert.equal(f.retriable, false);
    assert.equal(f.kafkaError, code === 10 ? 'MESSAGE_TOO_LARGE' : 'RECORD_LIST_TOO_LARGE');
    const err = toProduceError(raw);
    assert.ok(isV2xError(err, 'KAFKA_RECORD_REFUSED'));
    assert.equal(err.retryable, false);
    assert.equal(err.details['kafkaError'], f.kafkaError);
    assert.equal((err as KafkaProduceError).cause, raw, 'the client error is kept as the cause');
  }
});

test("kafkajs's wrappers: retries exhausted on a retriable error stays retryable; a non-retriable wrapper is looked through", () => {
  const down = new KafkaJSConnectionError('Connection error: connect ECONNREFUSED 127.0.0.1:9092');
  assert.equal(kafkajsFailure(down).retriable, true);
  const exhausted = new KafkaJSNumberOfRetriesExceeded(down, { retryCount: 5, retryTime: 2000 });
  assert.equal((exhausted as unknown as { retriable: boolean }).retriable, false, "kafkajs's own flag on the wrapper says false");
  assert.deepEqual(kafkajsFailure(exhausted), { retriable: true, kafkaError: 'KafkaJSConnectionError', message: down.message });
  assert.ok(isV2xError(toProduceError(exhausted), 'KAFKA_PRODUCE_FAILED'));

  const leader = new KafkaJSProtocolError(createErrorFromCode(6)); // NOT_LEADER_FOR_PARTITION
  assert.equal(kafkajsFailure(new KafkaJSNumberOfRetriesExceeded(leader, { retryCount: 5, retryTime: 1 })).retriable, true);

  const auth = new KafkaJSNonRetriableError(createErrorFromCode(29), { cause: createErrorFromCode(29) }); // TOPIC_AUTHORIZATION_FAILED
  assert.deepEqual(kafkajsFailure(auth).kafkaError, 'TOPIC_AUTHORIZATION_FAILED');
  assert.equal(kafkajsFailure(auth).retriable, false);
  const bare = new KafkaJSNonRetriableError('The producer is disconnecting');
  assert.equal(kafkajsFailure(bare).retriable, false);
});

test('errors without a flag: retryable, except the ones kafkajs never retries; V2xErrors keep their own', () => {
  assert.equal(kafkajsFailure(new Error('socket hang up')).retriable, true);
  assert.equal(kafkajsFailure(new TypeError('x is undefined')).retriable, false);
  assert.equal(kafkajsFailure('a string').retriable, true);
  const own = new KafkaProduceError({ retriable: true, kafkaError: 'X', message: 'm' });
  assert.equal(toProduceError(own), own);
});

test('backoff doubles from minMs and stops at maxMs', () => {
  const schedule = Array.from({ length: 8 }, (_, i) => backoffDelay(i, { minMs: 50, maxMs: 2000 }));
  assert.deepEqual(schedule, [50, 100, 200, 400, 800, 1600, 2000, 2000]);
  assert.equal(backoffDelay(10_000, { minMs: 50, maxMs: 2000 }), 2000);
  assert.equal(backoffDelay(-1, { minMs: 50, maxMs: 2000 }), 50);
});
