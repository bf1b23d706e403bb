/**
 * What fault tests need from a local Kafka: a node stopped and started again on the SAME ports
 * and data (records written before are still there), and a 3-node cluster that keeps accepting
 * acks=-1 writes while one node is down.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { Kafka, logLevel } from 'kafkajs';
import { canConnect } from '../../../infra/kafka/java-process.js';
import { createTopicAndWait, ownKafka, uniqueTopic } from '../../helpers/kafka.js';

function client(brokers: string[]): Kafka {
  return new Kafka({ clientId: 'restart-test', brokers, logLevel: logLevel.NOTHING, retry: { retries: 10, initialRetryTime: 200 } });
}

async function countRecords(kafka: Kafka, topic: string): Promise<number> {
  const admin = kafka.admin();
  await admin.connect();
  try {
    const offsets = await admin.fetchTopicOffsets(topic);
    return offsets.reduce((sum, p) => sum + Number(p.high) - Number(p.low), 0);
  } finally {
    await admin.disconnect();
  }
}

test('a stopped node comes back on the same port with its data', async (t) => {
  const kafka = await ownKafka(t, { nodes: 1 });
  const node = kafka.nodes[0]!;
  const topic = uniqueTopic('restart');
  const producer = client(kafka.brokers).producer();
  await producer.connect();
  await producer.send({ topic, acks: -1, messages: Array.from({ length: 10 }, (_, i) => ({ key: `k${i}`, value: `v${i}` })) });
  await producer.disconnect();

  const oldPid = node.pid;
  await kafka.stopNode(0);
  assert.equal(kafka.nodes[0]!.running, false);
  assert.equal(await canConnect(node.brokerPort), false, 'the port is closed while the node is down');

  await kafka.restart(0);
  const after = kafka.nodes[0]!;
  assert.equal(after.brokerPort, node.brokerPort, 'same broker port');
  assert.equal(after.controllerPort, node.controllerPort, 'same controller port');
  assert.notEqual(after.pid, oldPid, 'a new JVM');
  assert.equal(await countRecords(client(kafka.brokers), topic), 10, 'records written before the stop are still there');
});

test('3 nodes: acks=-1 writes go on while one node is killed, and it rejoins', async (t) => {
  let mark = Date.now();
  const lap = (what: string): void => {
    t.diagnostic(`${what}: ${Date.now() - mark} ms`);
    mark = Date.now();
  };
  const kafka = await ownKafka(t, { nodes: 3 });
  assert.equal(kafka.brokers.length, 3);
  lap('3-node cluster started');
  const k = client(kafka.brokers);
  const topic = uniqueTopic('cluster');
  const admin = k.admin();
  await admin.connect();
  await createTopicAndWait(admin, { topic, numPartitions: 3, replicationFactor: 3 });
  await admin.disconnect();

  const producer = k.producer();
  await producer.connect();
  try {
    await producer.send({ topic, acks: -1, messages: [{ key: 'a', value: 'before' }] });
    lap('topic created, first write');
    await kafka.kill(2);
    assert.equal(kafka.nodes[2]!.running, false);
    // min.insync.replicas is 2: the two remaining nodes still take acks=-1 writes.
    await producer.send({ topic, acks: -1, messages: Array.from({ length: 20 }, (_, i) => ({ key: `k${i}`, value: 'during' })) });
    lap('node 3 killed, 20 writes with acks=-1');
    await kafka.restart(2);
    assert.equal(kafka.nodes[2]!.running, true);
    lap('node 3 restarted');
    await producer.send({ topic, acks: -1, messages: [{ key: 'z', value: 'after' }] });
  } finally {
    await producer.disconnect();
  }
  assert.equal(await countRecords(k, topic), 22);
});
