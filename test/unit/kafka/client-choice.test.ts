/**
 * Picking the Kafka client library (backend/kafka/client.ts, decision 0031): `kafka.client` is
 * validated at the door with the allowed values named, and each adapter's verdict on a failed
 * produce (retry, or refused for good with Kafka's error name) is built from the library's own
 * error classes.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { MultipleErrors, NetworkError, ProtocolError, UserError } from '@platformatic/kafka';
import { isV2xError } from '../../../core/errors.js';
import { loadConfig } from '../../../core/config/load.js';
import { configSchema } from '../../../app/config-schema.js';
import { createKafkaClient, DEFAULT_KAFKA_CLIENT, KAFKA_CLIENTS, kafkaClientName } from '../../../backend/kafka/index.js';
import { platformaticFailure } from '../../../backend/kafka/platformatic-client.js';
import { confluentFailure } from '../../../backend/kafka/confluent-client.js';

test('kafka.client: every known library is accepted, the default is one of them', () => {
  for (const name of KAFKA_CLIENTS) assert.equal(loadConfig(configSchema, { flags: { 'kafka.client': name } }).kafka.client, name);
  assert.ok(KAFKA_CLIENTS.includes(DEFAULT_KAFKA_CLIENT));
  assert.equal(loadConfig(configSchema, {}).kafka.client, DEFAULT_KAFKA_CLIENT);
});

test('kafka.client: an unknown library is refused, naming the key and the allowed values', () => {
  assert.throws(
    () => loadConfig(configSchema, { flags: { 'kafka.client': 'rdkafka' } }),
    (err: unknown) =>
      isV2xError(err, 'CONFIG_INVALID') &&
      /kafka\.client: expected one of kafkajs, platformatic, confluent \(got "rdkafka"\)/.test(err.message),
  );
  assert.throws(
    () => kafkaClientName('node-rdkafka'),
    (err: unknown) =>
      isV2xError(err, 'CONFIG_INVALID') &&
      /unknown Kafka client "node-rdkafka"; expected one of kafkajs, platformatic, confluent/.test(err.message),
  );
  assert.throws(
    // a caller that skips the config (a test, a bench) gets the same check
    () => createKafkaClient({ brokers: ['127.0.0.1:9092'], clientId: 'x', client: 'franz' as never }),
    (err: unknown) => isV2xError(err, 'CONFIG_INVALID') && /franz/.test(err.message),
  );
});

test('a client is built without connecting, and names its library', () => {
  const c = createKafkaClient({ brokers: ['127.0.0.1:9'], clientId: 'x', client: 'platformatic' });
  assert.equal(c.name, 'platformatic');
  assert.deepEqual(c.brokers, ['127.0.0.1:9']);
});

test("platformatic: a record above max.message.bytes is refused for good, under Kafka's error name", () => {
  for (const id of ['MESSAGE_TOO_LARGE', 'RECORD_LIST_TOO_LARGE', 'TOPIC_AUTHORIZATION_FAILED']) {
    const f = platformaticFailure(new ProtocolError(id));
    assert.equal(f.retriable, false, id);
    assert.equal(f.kafkaError, id);
    // as the library reports a produce: the protocol error inside a MultipleErrors
    const wrapped = platformaticFailure(new MultipleErrors('Producing messages failed.', [new ProtocolError(id)]));
    assert.deepEqual([wrapped.retriable, wrapped.kafkaError], [false, id]);
  }
});

test('platformatic: a broker away, a leader moved, retries run out: retryable', () => {
  assert.equal(platformaticFailure(new NetworkError('Connection closed')).retriable, true);
  const leader = new ProtocolError('NOT_LEADER_OR_FOLLOWER');
  assert.deepEqual([platformaticFailure(leader).retriable, platformaticFailure(leader).kafkaError], [true, 'NOT_LEADER_OR_FOLLOWER']);
  const exhausted = new MultipleErrors('produce failed 6 times.', [new NetworkError('ECONNREFUSED'), new NetworkError('ECONNREFUSED')]);
  assert.equal(platformaticFailure(exhausted).retriable, true);
  assert.equal(platformaticFailure(new UserError('Failed to serialize a message.')).retriable, false);
});

test("confluent: librdkafka's size and authorization errors are refused for good, under Kafka's names; the rest is retryable", () => {
  assert.deepEqual(confluentFailure({ type: 'ERR_MSG_SIZE_TOO_LARGE', message: 'too large' }), {
    retriable: false,
    kafkaError: 'MESSAGE_TOO_LARGE',
    message: 'too large',
  });
  assert.equal(confluentFailure({ type: 'ERR_TOPIC_AUTHORIZATION_FAILED', message: 'no' }).retriable, false);
  assert.equal(confluentFailure({ type: 'ERR__MSG_TIMED_OUT', message: 'Local: Message timed out' }).retriable, true);
  assert.equal(confluentFailure({ type: 'ERR__TRANSPORT', message: 'down' }).retriable, true);
});
