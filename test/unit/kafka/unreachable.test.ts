import { test } from 'node:test';
import assert from 'node:assert/strict';
import Fastify from 'fastify';
import { kafkaUnreachable } from '../../../backend/kafka/unreachable.js';
import { installErrorHandler } from '../../../backend/api/errors.js';

const named = (name: string, message: string, extra: Record<string, unknown> = {}): Error =>
  Object.assign(new Error(message), { name, ...extra });

test('connection errors of the Kafka client are KAFKA_UNAVAILABLE, retryable', () => {
  for (const err of [
    named('KafkaJSConnectionError', 'Connection error: connect ECONNREFUSED 127.0.0.1:11500', { code: 'ECONNREFUSED' }),
    named('KafkaJSConnectionClosedError', 'Closed connection'),
    named('KafkaJSNumberOfRetriesExceeded', 'gave up', { cause: named('KafkaJSConnectionError', 'refused') }),
    named('KafkaJSNonRetriableError', 'gave up', { originalError: Object.assign(new Error('reset'), { code: 'ECONNRESET' }) }),
  ]) {
    const v = kafkaUnreachable(err);
    assert.equal(v?.code, 'KAFKA_UNAVAILABLE', err.name);
    assert.equal(v?.retryable, true);
    assert.match(v.message, new RegExp(err.message.slice(0, 10)));
  }
});

test('other errors are not', () => {
  for (const err of [new TypeError('x is undefined'), named('KafkaJSProtocolError', 'MESSAGE_TOO_LARGE'), 'a string', null, undefined]) {
    assert.equal(kafkaUnreachable(err), undefined, String(err));
  }
});

test('the REST API answers a Kafka connection error with 503 KAFKA_UNAVAILABLE, not 500', async (t) => {
  const app = Fastify();
  t.after(() => app.close());
  installErrorHandler(app);
  app.post('/x', async () => {
    throw named('KafkaJSConnectionError', 'Connection error: connect ECONNREFUSED 127.0.0.1:11500', { code: 'ECONNREFUSED' });
  });
  app.post('/y', async () => {
    throw new Error('something else');
  });
  const down = await app.inject({ method: 'POST', url: '/x' });
  assert.equal(down.statusCode, 503);
  assert.equal((down.json() as { code: string }).code, 'KAFKA_UNAVAILABLE');
  const other = await app.inject({ method: 'POST', url: '/y' });
  assert.equal(other.statusCode, 500);
});
