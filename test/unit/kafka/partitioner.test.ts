import { test } from 'node:test';
import assert from 'node:assert/strict';
import { Partitioners } from 'kafkajs';
import { partitionOfKey } from '../../../backend/kafka/partitioner.js';

test('partitionOfKey agrees with kafkajs DefaultPartitioner (Java-compatible murmur2) for keys of every length', () => {
  const partitioner = Partitioners.DefaultPartitioner();
  for (const n of [1, 3, 6, 12, 48]) {
    const partitionMetadata = Array.from({ length: n }, (_, i) => ({
      partitionId: i,
      leader: 0,
      partitionErrorCode: 0,
      replicas: [0],
      isr: [0],
    }));
    for (let i = 0; i < 300; i++) {
      const key = i % 3 === 0 ? `1V2XT0S0XNA${String(i).padStart(6, '0')}` : 'k'.repeat(i % 9) + String(i) + 'é';
      assert.equal(partitionOfKey(key, n), partitioner({ topic: 't', partitionMetadata, message: { key, value: null } }), `${key} / ${n}`);
    }
  }
  assert.throws(() => partitionOfKey('a', 0), /positive integer/);
});
