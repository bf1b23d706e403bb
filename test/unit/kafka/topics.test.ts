import assert from 'node:assert/strict';
import test from 'node:test';
import { DEFAULT_TOPICS, ensureContractTopics, topicSizing } from '../../../backend/kafka/topics.js';
import type { Admin, TopicSpec } from '../../../backend/kafka/types.js';
import { KAFKA_TOPICS, kafkaTopicSpecs } from '../../../protocol/kafka.js';

test('topic sizing follows the cluster: RF 3 and min ISR 2 on 3 brokers, RF 1 on one', () => {
  assert.deepEqual(topicSizing(DEFAULT_TOPICS, 3), { partitions: 6, telemetryPartitions: 12, replicationFactor: 3, minInsyncReplicas: 2 });
  assert.deepEqual(topicSizing(DEFAULT_TOPICS, 5), { partitions: 6, telemetryPartitions: 12, replicationFactor: 3, minInsyncReplicas: 2 });
  assert.deepEqual(topicSizing(DEFAULT_TOPICS, 1), { partitions: 6, telemetryPartitions: 12, replicationFactor: 1, minInsyncReplicas: 0 });
  assert.equal(topicSizing({ ...DEFAULT_TOPICS, replicationFactor: 2 }, 3).minInsyncReplicas, 0);
  assert.throws(
    () => topicSizing({ ...DEFAULT_TOPICS, replicationFactor: 3 }, 1),
    /replicationFactor 3 needs at least as many brokers \(the cluster has 1\)/,
  );
  assert.throws(() => topicSizing({ ...DEFAULT_TOPICS, replicationFactor: 2, minInsyncReplicas: 3 }, 3), /minInsyncReplicas 3 exceeds/);
});

test('sized specs: keyed topics get the configured partitions, telemetry and its co-partitioned changelog the same count', () => {
  const specs = kafkaTopicSpecs('p.', { partitions: 8, telemetryPartitions: 24, replicationFactor: 3, minInsyncReplicas: 2 });
  const by = new Map(specs.map((s) => [s.name, s]));
  assert.equal(by.get('p.telemetry')?.partitions, 24);
  assert.equal(by.get('p.geofencing-state')?.partitions, 24, 'co-partitioned with telemetry');
  assert.equal(by.get('p.commands')?.partitions, 8);
  assert.equal(by.get('p.command-status')?.partitions, 8);
  assert.equal(by.get('p.geofences')?.partitions, KAFKA_TOPICS.geofences.partitions, 'one fence log read whole by every instance');
  assert.equal(by.get('p.deadletter')?.partitions, KAFKA_TOPICS.deadletter.partitions);
  for (const s of specs) {
    assert.equal(s.replicationFactor, 3, s.name);
    assert.equal(s.config['min.insync.replicas'], '2', s.name);
  }
  const unsized = kafkaTopicSpecs('');
  assert.equal(unsized[0]?.replicationFactor, undefined);
  assert.equal(unsized[0]?.config['min.insync.replicas'], undefined);
});

test('ensureContractTopics asks the cluster its size and creates every topic with it', async () => {
  let created: readonly TopicSpec[] = [];
  const admin: Pick<Admin, 'brokerCount' | 'createTopics'> = {
    brokerCount: async () => 3,
    createTopics: async (t) => {
      created = t;
    },
  };
  const sizing = await ensureContractTopics(admin as Admin, 'x.');
  assert.equal(sizing.replicationFactor, 3);
  assert.equal(created.length, Object.keys(KAFKA_TOPICS).length);
  assert.ok(created.every((t) => t.replicationFactor === 3 && t.config?.['min.insync.replicas'] === '2'));
  assert.ok(created.filter((t) => t.name !== 'x.geofences' && t.name !== 'x.deadletter').every((t) => (t.partitions ?? 0) >= 6));
});
