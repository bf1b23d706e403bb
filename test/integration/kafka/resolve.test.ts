/** resolveKafka without KAFKA_BROKERS and without a dev instance: starts an owned Kafka, stop() ends it. */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { javaProcessesMentioning, resolveKafka } from '../../../infra/kafka/index.js';
import { canConnect } from '../../../infra/kafka/java-process.js';
import { testConfig } from '../../helpers/kafka.js';
import { waitFor } from '../../helpers/poll.js';

test('no brokers configured and no dev instance: an owned local Kafka, stopped by stop()', async (t) => {
  const stateDir = await mkdtemp(join(tmpdir(), 'v2x-state-'));
  t.after(() => rm(stateDir, { recursive: true, force: true }));
  const cfg = testConfig({ 'kafka.brokers': '', 'kafka.stateDir': stateDir }).kafka;
  const k = await resolveKafka(cfg, { progressStream: null });
  assert.equal(k.owned, true);
  assert.equal(k.source, 'started');
  const port = Number(k.brokers[0]?.split(':')[1]);
  assert.ok(await canConnect(port));
  const dataDir = k.local?.dataDir ?? assert.fail('an owned Kafka exposes its LocalKafka');
  assert.equal(javaProcessesMentioning(`${dataDir}/`).length, 1);
  await k.stop();
  assert.equal(await canConnect(port), false, 'the broker port is closed after stop()');
  await waitFor(() => javaProcessesMentioning(`${dataDir}/`).length === 0, { timeoutMs: 5000, what: 'no java process of it to be left' });
});
