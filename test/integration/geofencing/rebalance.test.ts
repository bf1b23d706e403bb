/**
 * Geofencing scaled out on a 3-node local Kafka: the contract topics come out replicated 3 times
 * with min.insync.replicas 2; two instances of the service share the telemetry group; 200 cars
 * drive through fences in three phases: instance A alone, then A and B (a rebalance: B restores
 * the cars of its partitions from the geofencing-state changelog), then B alone after A leaves
 * (B restores A's partitions). The events in geofence-events, duplicates dropped by event id, are
 * exactly those of one evaluator fed the same fixes: none missing, none doubled, none different.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { Kafka, logLevel } from 'kafkajs';
import { Registry } from 'prom-client';
import { encode, kafkaTopicName, type Telemetry } from '../../../protocol/index.js';
import { telemetryExamples } from '../../../protocol/examples.js';
import { createKafkaClient } from '../../../backend/kafka/index.js';
import type { OutRecord } from '../../../backend/kafka/types.js';
import { nullRealtimeSink } from '../../../backend/dashboard/hub/events.js';
import { createGeofencingMetrics } from '../../../backend/services/geofencing/metrics.js';
import { startGeofencing, type GeofencingService } from '../../../backend/services/geofencing/service.js';
import { createGeofenceState, evaluate, type Fence } from '../../../backend/services/geofencing/index.js';
import { EventDeduper, geofenceEventId } from '../../../backend/services/geofencing/event-id.js';
import { ownKafka } from '../../helpers/kafka.js';
import { backendConfig, collect, testVin } from '../../helpers/backend.js';
import { waitFor } from '../../helpers/poll.js';
import { at, square } from './helpers.js';

const CARS = 200;
const PHASE_S = 20;
const T0 = 1_800_000_000_000;

/** Car i drives east at 10 m/s, starting 100 + 3i m west of the fence; one fix a second. */
function fixes(i: number, from: number, to: number): Telemetry[] {
  const base = telemetryExamples[1]!;
  const out: Telemetry[] = [];
  for (let s = from; s < to; s++) {
    const p = at(-100 - 3 * i + s * 10, 50);
    out.push({ ...base, vin: testVin(i), seq: s, ts: T0 + s * 1000, gps: { ...base.gps, lat: p[1], lon: p[0] } });
  }
  return out;
}

interface EventJson {
  id: string;
  type: string;
  fenceId: string;
  vin: string;
  ts: number;
}

test('geofencing on 3 Kafka nodes: two instances, state restored on every rebalance, the same events as one evaluator', async (t) => {
  const kafka3 = await ownKafka(t, { nodes: 3 });
  const config = backendConfig(kafka3.brokers, {
    'geofencing.fromBeginning': true,
    'geofencing.tickMs': 0,
    'geofencing.carIdleMs': 0,
  });
  const prefix = config.bridge.topicPrefix;
  const kafka = createKafkaClient({ brokers: kafka3.brokers, clientId: 'geo-rebalance' });
  const started: GeofencingService[] = [];
  const start = async (): Promise<GeofencingService> => {
    const s = await startGeofencing({
      kafka,
      config: config.geofencing,
      topicPrefix: prefix,
      topics: config.bridge.topics,
      realtime: nullRealtimeSink,
      commands: undefined,
      metrics: createGeofencingMetrics(new Registry()),
    });
    started.push(s);
    return s;
  };
  t.after(async () => {
    for (const s of started.reverse()) await s.close();
  });
  const partitionsOf = (s: GeofencingService): number[] => (s.health() as { geofencing: { partitions: number[] } }).geofencing.partitions;

  const a = await start();
  const fence = await a.put({ id: 'zone-1', name: 'Zone 1', geometry: { type: 'Polygon', coordinates: [square(0, 0, 150)] } } as Fence);

  // the topics: RF 3 and min ISR 2 on three nodes, telemetry and its changelog co-partitioned
  const raw = new Kafka({ clientId: 'geo-rebalance-check', brokers: kafka3.brokers, logLevel: logLevel.NOTHING });
  const admin = raw.admin();
  await admin.connect();
  try {
    const names = [kafkaTopicName('telemetry', prefix), kafkaTopicName('geofencingState', prefix), kafkaTopicName('commands', prefix)];
    const meta = await admin.fetchTopicMetadata({ topics: names });
    const parts = new Map(meta.topics.map((m) => [m.name, m.partitions]));
    assert.equal(parts.get(names[0]!)?.length, 12);
    assert.equal(parts.get(names[1]!)?.length, 12, 'the changelog has telemetry partition count');
    assert.equal(parts.get(names[2]!)?.length, 6);
    for (const ps of parts.values()) for (const p of ps) assert.equal(p.replicas.length, 3);
    const cfg = await admin.describeConfigs({
      resources: [{ type: 2, name: names[1]!, configNames: ['min.insync.replicas', 'cleanup.policy'] }],
      includeSynonyms: false,
    });
    const entries = new Map(cfg.resources[0]!.configEntries.map((e) => [e.configName, e.configValue]));
    assert.equal(entries.get('min.insync.replicas'), '2');
    assert.equal(entries.get('cleanup.policy'), 'compact');
  } finally {
    await admin.disconnect();
  }

  const producer = await kafka.producer({ idempotent: true });
  t.after(() => producer.close());
  const telemetryTopic = kafkaTopicName('telemetry', prefix);
  const produce = async (from: number, to: number): Promise<void> => {
    const records: OutRecord[] = [];
    for (let s = from; s < to; s++)
      for (let i = 0; i < CARS; i++) {
        const m = fixes(i, s, s + 1)[0]!;
        records.push({ topic: telemetryTopic, key: m.vin, value: encode('telemetry', m) });
      }
    for (let k = 0; k < records.length; k += 1000) await producer.send(records.slice(k, k + 1000));
  };

  // what one evaluator gives for all the fixes
  const expected: string[] = [];
  const one = createGeofenceState(
    { hysteresisM: config.geofencing.hysteresisM, confirmFixes: config.geofencing.confirmFixes, maxGapMs: config.geofencing.maxGapMs },
    [fence],
  );
  const expectedAfter: number[] = [];
  for (let phase = 0; phase < 3; phase++) {
    for (let s = phase * PHASE_S; s < (phase + 1) * PHASE_S; s++)
      for (let i = 0; i < CARS; i++) {
        const m = fixes(i, s, s + 1)[0]!;
        for (const o of evaluate(one, { kind: 'fix', vin: m.vin, ts: m.ts, lat: m.gps.lat, lon: m.gps.lon }).outputs)
          if (o.kind === 'event') expected.push(geofenceEventId(o.event));
      }
    expectedAfter.push(expected.length);
  }
  assert.ok(
    expectedAfter[0]! > 0 && expectedAfter[1]! > expectedAfter[0]! && expectedAfter[2]! > expectedAfter[1]!,
    `events in every phase: ${expectedAfter.join(', ')}`,
  );

  const events = await collect(t, kafka, kafkaTopicName('geofenceEvents', prefix));
  const unique = (): Set<string> => new Set(events.records.map((r) => (JSON.parse(String(r.value)) as EventJson).id));
  const reach = async (n: number, what: string): Promise<void> =>
    waitFor(() => unique().size >= n, { timeoutMs: 90_000, what: `${n} distinct events ${what}` });

  // phase 1: A alone
  await produce(0, PHASE_S);
  await reach(expectedAfter[0]!, 'from A alone');
  assert.equal(partitionsOf(a).length, 12);

  // phase 2: B joins; the partitions split, B restores its cars
  const b = await start();
  await waitFor(() => partitionsOf(b).length > 0 && partitionsOf(a).length + partitionsOf(b).length === 12, {
    timeoutMs: 60_000,
    what: 'the partitions split between A and B',
  });
  t.diagnostic(`after B joined: A ${partitionsOf(a).length} partitions, B ${partitionsOf(b).length}`);
  await produce(PHASE_S, 2 * PHASE_S);
  await reach(expectedAfter[1]!, 'from A and B');

  // phase 3: A leaves; B restores A's partitions
  await a.close();
  started.splice(started.indexOf(a), 1);
  await waitFor(() => partitionsOf(b).length === 12, { timeoutMs: 60_000, what: 'B owning every partition' });
  await produce(2 * PHASE_S, 3 * PHASE_S);
  await reach(expectedAfter[2]!, 'from B alone');

  const dedupe = new EventDeduper();
  const got = events.records
    .map((r) => JSON.parse(String(r.value)) as EventJson)
    .filter((e) => dedupe.firstSeen(e.id))
    .map((e) => e.id);
  t.diagnostic(`${expected.length} events expected; ${events.records.length} records, ${dedupe.duplicates} duplicates dropped`);
  assert.deepEqual([...got].sort(), [...expected].sort(), 'the same events as one evaluator: none missing, none doubled');
});
