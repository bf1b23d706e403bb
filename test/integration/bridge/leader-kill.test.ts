/**
 * Nothing acknowledged is lost when a Kafka partition leader dies (issue #15): a 3-node local Kafka
 * (telemetry: 12 partitions, replication 3, min.insync.replicas 2), the bridge on the embedded
 * broker, and real MQTT cars publishing QoS 1 telemetry at a steady pace. The node leading the most
 * telemetry partitions is SIGKILLed mid-stream; the cars go on while Kafka moves its partitions'
 * leadership to the other two; the node is started again. Every (VIN, seq) a car got a PUBACK for
 * must then be in the telemetry topic (duplicates are counted, not failures).
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { Kafka, logLevel } from 'kafkajs';
import type { MqttClient } from 'mqtt';
import { decodeTelemetry, encode, kafkaTopicName, protocolExamples } from '../../../protocol/index.js';
import { ownKafka } from '../../helpers/kafka.js';
import { backendConfig, collect, connectCar, startTestBackend, testVin } from '../../helpers/backend.js';
import { waitFor } from '../../helpers/poll.js';

const CARS = 60;
const PACE_MS = 100; // 600 messages a second over 12 partitions: every produce request spans the 3 nodes

test('SIGKILL of the partition leader: every (VIN, seq) acknowledged to a car is in Kafka', { timeout: 420_000 }, async (t) => {
  const kafka = await ownKafka(t, { nodes: 3 });
  const config = backendConfig(kafka.brokers, { 'backend.roles': 'broker,bridge', 'bridge.commands': false });
  const { backend, kafka: client } = await startTestBackend(t, config);
  const topic = kafkaTopicName('telemetry', config.bridge.topicPrefix);
  const admin = new Kafka({ clientId: 'leader-kill', brokers: kafka.brokers, logLevel: logLevel.NOTHING }).admin();
  await admin.connect();
  t.after(() => admin.disconnect());
  const leaders = async (): Promise<Map<number, number>> => {
    const meta = await admin.fetchTopicMetadata({ topics: [topic] });
    return new Map(meta.topics[0]!.partitions.map((p) => [p.partitionId, p.leader]));
  };

  const url = backend.broker!.tcpUrl;
  const cars: MqttClient[] = await Promise.all(
    Array.from({ length: CARS }, (_, i) => connectCar(t, url, testVin(i), config.mqtt.fleetKey, { keepalive: 300 })),
  );
  const base = protocolExamples.telemetryExamples[0]!;
  /** `${vin}/${seq}` -> when its PUBACK came. */
  const acked = new Map<string, number>();
  const pending: Promise<unknown>[] = [];
  let seq = 0;
  let sending = true;
  const timer = setInterval(() => {
    if (!sending) return;
    for (let i = 0; i < CARS; i++) {
      const vin = testVin(i);
      const id = `${vin}/${seq}`;
      const payload = encode('telemetry', { ...base, vin, seq, ts: Date.now() });
      pending.push(cars[i]!.publishAsync(`v2x/v1/${vin}/telemetry`, payload, { qos: 1 }).then(() => acked.set(id, Date.now())));
    }
    seq++;
  }, PACE_MS);
  t.after(() => clearInterval(timer));

  await waitFor(() => acked.size >= CARS * 50, { timeoutMs: 60_000, what: '5 s of telemetry acknowledged' });
  const before = await leaders();
  const count = new Map<number, number>();
  for (const l of before.values()) count.set(l, (count.get(l) ?? 0) + 1);
  const victimId = [...count].sort((a, b) => b[1] - a[1])[0]![0];
  const victim = kafka.nodes.findIndex((n) => n.nodeId === victimId);
  assert.ok(victim >= 0, `node ${victimId} is one of ours`);
  const victimPartitions = [...before].filter(([, l]) => l === victimId).map(([p]) => p);
  await kafka.kill(victim);
  const killedAt = Date.now();
  t.diagnostic(`SIGKILL node ${victimId}, leader of partitions ${victimPartitions.join(',')}; ${acked.size} acknowledged before`);

  // Kafka moves the dead node's leadership (after its session times out); the cars get PUBACKs again
  await waitFor(async () => [...(await leaders()).values()].every((l) => l !== victimId && l >= 0), {
    timeoutMs: 90_000,
    intervalMs: 500,
    what: `the partitions of node ${victimId} led by the others`,
  });
  const movedAt = Date.now();
  const ackedAtMove = acked.size;
  await waitFor(() => acked.size >= ackedAtMove + CARS * 30, { timeoutMs: 60_000, what: 'PUBACKs again after the move' });
  t.diagnostic(`leaders moved ${movedAt - killedAt} ms after the kill`);
  await kafka.restart(victim);
  t.diagnostic(`node ${victimId} ready again ${Date.now() - killedAt} ms after the kill`);
  const ackedAtRestart = acked.size;
  await waitFor(() => acked.size >= ackedAtRestart + CARS * 30, { timeoutMs: 60_000, what: 'PUBACKs after the restart' });
  sending = false;
  await Promise.all(pending);

  const out = await collect(t, client, topic);
  // as many records as were acknowledged (unless some are missing: then the end of the topic, below)
  await waitFor(() => out.records.length >= acked.size, { timeoutMs: 60_000, what: 'the acknowledged records read back' }).catch(
    () => undefined,
  );
  // whatever more arrives within a few seconds (a retried batch) is read too
  let seen = -1;
  await waitFor(
    () => {
      const same = seen === out.records.length;
      seen = out.records.length;
      return same;
    },
    { timeoutMs: 60_000, intervalMs: 2000, what: 'the topic read to its end' },
  );
  const found = new Map<string, { partition: number; offset: string }[]>();
  for (const r of out.records) {
    const m = decodeTelemetry(r.value!);
    const id = `${m.vin}/${m.seq}`;
    let l = found.get(id);
    if (l === undefined) found.set(id, (l = []));
    l.push({ partition: r.partition, offset: r.offset });
  }
  const duplicates = [...found.values()].reduce((n, l) => n + l.length - 1, 0);
  const missing = [...acked].filter(([id]) => !found.has(id));
  // where the missing ones would have gone: the partition of their car's other records
  const partitionOfVin = new Map<string, number>();
  for (const [id, l] of found) partitionOfVin.set(id.split('/')[0]!, l[0]!.partition);
  const described = missing.slice(0, 20).map(([id, at]) => {
    const p = partitionOfVin.get(id.split('/')[0]!);
    return `${id} (partition ${p}, led by node ${p === undefined ? '?' : before.get(p)} before the kill; PUBACK ${at - killedAt} ms after the kill)`;
  });
  const doubled = [...found]
    .filter(([, l]) => l.length > 1)
    .slice(0, 5)
    .map(([id, l]) => `${id} at ${l.map((x) => `${x.partition}:${x.offset}`).join(' and ')}`);
  t.diagnostic(`acknowledged ${acked.size}, records ${out.records.length}, duplicates ${duplicates} (${doubled.join('; ')})`);
  t.diagnostic(`missing ${missing.length}: ${described.join('; ')}`);
  assert.deepEqual(described, [], `${missing.length} acknowledged (VIN, seq) not in Kafka`);
});
