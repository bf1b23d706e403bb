/**
 * Traffic partitioned by road on a 3-node local Kafka (decision 0033): two traffic instances share
 * the repartition topic's group. 72 cars on six roads (free flow, then a queue on two consecutive
 * segments of each road, then free again) in three phases: instance A alone, then A and B (the
 * partitions split; B restores its roads by replay), then B alone after A leaves (B restores A's).
 * The jam events on the jams topic, repeats dropped by event id, are exactly those of one task per
 * partition fed the repartition topic whole: none missing, none doubled, none different.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { encode, kafkaTopicName, type Telemetry } from '../../../protocol/index.js';
import { telemetryExamples } from '../../../protocol/examples.js';
import { networkSource } from '../../../app/network.js';
import { createKafkaClient } from '../../../backend/kafka/index.js';
import type { OutRecord } from '../../../backend/kafka/types.js';
import type { RunningBackend } from '../../../backend/app.js';
import { repartitionTopic } from '../../../backend/services/traffic/repartition.js';
import { SegmentTasks } from '../../../backend/services/traffic/segment-tasks.js';
import { TrafficService } from '../../../backend/services/traffic/service.js';
import { SegmentIndex } from '../../../road/spatial-index.js';
import { ownKafka } from '../../helpers/kafka.js';
import { backendConfig, collect, startTestBackend, testVin } from '../../helpers/backend.js';
import { waitFor } from '../../helpers/poll.js';
import { jamChains } from './city-script.js';

/** Record time: the last phase ends about now (Kafka refuses record timestamps far ahead of its clock). */
const T0 = Math.floor(Date.now() / 1000) * 1000 - 420_000;
const PHASE_S = 140;
const CARS_PER_SEGMENT = 4;

interface Health {
  traffic: { watermarkMs: number; partitions: number[]; restore?: { added: number; recordsRead: number; ms: number } };
}

test('traffic on 3 Kafka nodes: two instances own whole roads, restore by replay on every rebalance, the same jams as one', async (t) => {
  const kafka3 = await ownKafka(t, { nodes: 3 });
  const config = backendConfig(kafka3.brokers, {
    'backend.roles': 'traffic',
    'traffic.idleAdvanceMs': 0,
    'traffic.fromBeginning': true,
    'bridge.maxClockSkewMs': 0,
  });
  const prefix = config.bridge.topicPrefix;
  const net = networkSource(config.sim)();
  // six roads of three continuing segments, each on a corridor of its own
  const chains = jamChains(net, 6);
  assert.equal(chains.length, 6);

  /** Car c of segment s: a fixed place along it, its heading; slow on the last two segments of a road in the middle phase. */
  const cars: { vin: string; lon: number; lat: number; heading: number; queue: boolean }[] = [];
  for (const chain of chains)
    chain.forEach((s, i) => {
      const g = (net.segments[s] as { geometry: readonly (readonly [number, number])[] }).geometry;
      const a = g[0] as readonly [number, number];
      const b = g[g.length - 1] as readonly [number, number];
      for (let c = 0; c < CARS_PER_SEGMENT; c++) {
        const f = 0.3 + (0.4 * c) / CARS_PER_SEGMENT;
        const lat = a[1] + f * (b[1] - a[1]);
        const heading = ((Math.atan2((b[0] - a[0]) * Math.cos((lat * Math.PI) / 180), b[1] - a[1]) * 180) / Math.PI + 360) % 360;
        cars.push({ vin: testVin(cars.length), lon: a[0] + f * (b[0] - a[0]), lat, heading, queue: i > 0 });
      }
    });
  const base = telemetryExamples[0]!;
  const telemetryTopic = kafkaTopicName('telemetry', prefix);
  const fixesOf = (from: number, to: number): OutRecord[] => {
    const out: OutRecord[] = [];
    for (let s = from; s < to; s++)
      cars.forEach((car, i) => {
        const slow = car.queue && s >= 120 && s < 300;
        const m: Telemetry = {
          ...base,
          vin: car.vin,
          seq: s,
          ts: T0 + s * 1000 + (i % 50),
          gps: { ...base.gps, lat: car.lat, lon: car.lon, heading: car.heading, speedKmh: slow ? 3 + (i % 4) : 45 + (i % 5) },
        };
        out.push({ topic: telemetryTopic, key: car.vin, value: encode('telemetry', m) });
      });
    return out;
  };

  const backends: RunningBackend[] = [];
  const start = async (name: string): Promise<RunningBackend> => {
    const { backend } = await startTestBackend(t, config, name);
    backends.push(backend);
    return backend;
  };
  const health = (b: RunningBackend): Health['traffic'] => (b.health() as unknown as Health).traffic;
  const a = await start('traffic-a');
  const kafka = createKafkaClient({ brokers: kafka3.brokers, clientId: 'traffic-rebalance' });
  const producer = await kafka.producer({ idempotent: true });
  t.after(() => producer.close());
  const produce = async (from: number, to: number): Promise<void> => {
    const records = fixesOf(from, to);
    for (let k = 0; k < records.length; k += 2000) await producer.send(records.slice(k, k + 2000));
  };
  const caughtUp = async (b: RunningBackend, s: number, what: string): Promise<void> =>
    waitFor(() => health(b).watermarkMs >= T0 + (s - 3) * 1000, { timeoutMs: 90_000, what });

  const jams = await collect(t, kafka, kafkaTopicName('jams', prefix));
  // phase 1: A alone
  await produce(0, PHASE_S);
  await caughtUp(a, PHASE_S, 'A through phase 1');
  assert.equal(health(a).partitions.length, config.bridge.topics.partitions);

  // phase 2: B joins; the roads split, B restores its own by replay
  const b = await start('traffic-b');
  await waitFor(() => health(b).partitions.length > 0 && health(a).partitions.length + health(b).partitions.length === 6, {
    timeoutMs: 60_000,
    what: 'the partitions split between A and B',
  });
  t.diagnostic(
    `B joined: A ${health(a).partitions.length} partitions, B ${health(b).partitions.length}; B restore ${JSON.stringify(health(b).restore)}`,
  );
  await produce(PHASE_S, 2 * PHASE_S);
  await waitFor(() => health(b).watermarkMs >= T0 + (2 * PHASE_S - 3) * 1000, { timeoutMs: 90_000, what: 'B through phase 2' });

  // phase 3: A leaves; B restores A's roads
  await a.close();
  backends.splice(backends.indexOf(a), 1);
  await waitFor(() => health(b).partitions.length === 6, { timeoutMs: 60_000, what: 'B owning every partition' });
  const restore = health(b).restore;
  t.diagnostic(`A left: B restore ${JSON.stringify(restore)}`);
  await produce(2 * PHASE_S, 3 * PHASE_S);

  // what one task per partition gives for the repartition topic as written
  const total = cars.length * 3 * PHASE_S;
  const fixes = await collect(t, kafka, repartitionTopic(prefix, config.traffic.groupId));
  await waitFor(() => fixes.records.length >= total, { timeoutMs: 90_000, what: `${total} matched fixes on the repartition topic` });
  assert.equal(fixes.records.length, total, 'every fix matched and repartitioned once');
  const index = new SegmentIndex(net);
  const ref = new SegmentTasks({
    newService: () => new TrafficService(index, { stepMs: config.traffic.stepMs, latenessMs: config.traffic.latenessMs }),
    reader: { read: async () => undefined },
    wall: () => 0,
  });
  await ref.assign([0, 1, 2, 3, 4, 5]);
  const expected = new Set<string>();
  for (let p = 0; p < 6; p++) {
    const part = fixes.records.filter((r) => r.partition === p).sort((x, y) => Number(x.offset) - Number(y.offset));
    for (const e of ref.handle(part)?.results.flatMap((r) => r.events) ?? []) expected.add(`${e.jam.id}/${e.type}/${e.atMs}`);
  }
  const types = [...expected].map((id) => id.split('/')[1]);
  assert.ok(
    types.filter((x) => x === 'jam_started').length >= 3 && types.includes('jam_cleared'),
    `jams expected: ${[...expected].join(' ')}`,
  );

  const got = (): Set<string> => new Set(jams.records.map((r) => r.headers['v2x-event-id'] ?? ''));
  await waitFor(() => got().size >= expected.size, { timeoutMs: 90_000, what: `${expected.size} distinct jam events` });
  t.diagnostic(`${expected.size} jam events expected; ${jams.records.length} records, ${jams.records.length - got().size} repeats dropped`);
  assert.deepEqual([...got()].sort(), [...expected].sort(), 'the same jam events as one task per partition: none missing, none doubled');
});
