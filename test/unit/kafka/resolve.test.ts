import { test } from 'node:test';
import assert from 'node:assert/strict';
import { resolveKafka } from '../../../infra/kafka/index.js';
import { testConfig } from '../../helpers/kafka.js';

test('configured brokers are used as they are: not owned, stop does nothing, nothing is started', async () => {
  const cfg = testConfig({ 'kafka.brokers': 'kafka-a:9092,kafka-b:9092', 'kafka.javaHome': '/nonexistent' }).kafka;
  const k = await resolveKafka(cfg);
  assert.deepEqual(k.brokers, ['kafka-a:9092', 'kafka-b:9092']);
  assert.equal(k.owned, false);
  assert.equal(k.source, 'config');
  await k.stop();
});
