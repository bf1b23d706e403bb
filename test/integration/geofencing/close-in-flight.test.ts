/**
 * Closing geofencing (with the command service beside it, as the split layout runs them) while its
 * telemetry partitions are in flight: 240 cars spread over every partition drive into a fence whose
 * `enter` sends a command, and the backend is closed at the first event, when the other partitions'
 * batches are still between their events and their fence actions. Close must wait for them and then
 * leave no Kafka connection open: before the fix, the fence actions of partitions handled side by side
 * each opened an admin client in the command service (ownership.ts kept the client, not the promise
 * of it), close() closed one, and the others kept the test process alive after its tests passed.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import { encode, kafkaTopicName, type Telemetry } from '../../../protocol/index.js';
import { telemetryExamples } from '../../../protocol/examples.js';
import { createKafkaClient } from '../../../backend/kafka/index.js';
import { partitionOfKey } from '../../../backend/kafka/partitioner.js';
import type { OutRecord } from '../../../backend/kafka/types.js';
import type { GeofencingRole } from '../../../backend/services/geofencing/role.js';
import type { Fence } from '../../../backend/services/geofencing/index.js';
import { testKafka } from '../../helpers/kafka.js';
import { backendConfig, startTestBackend, testVin } from '../../helpers/backend.js';
import { waitFor } from '../../helpers/poll.js';
import { openConnectionsTo, portsOf } from '../../helpers/sockets.js';
import { at, square } from './helpers.js';

const CARS = 240;
const FIXES = 8;

test('geofencing closed with partitions in flight: close waits for them and leaves no Kafka connection open', async (t) => {
  if (!existsSync('/proc/self/fd')) {
    t.skip('needs /proc to list the process sockets');
    return;
  }
  const { brokers } = await testKafka(t);
  const config = backendConfig(brokers, {
    'backend.roles': 'commands,geofencing',
    'geofencing.fromBeginning': true,
    'geofencing.tickMs': 0,
  });
  const kafkaPorts = portsOf(brokers);
  const { backend } = await startTestBackend(t, config, 'close-in-flight');
  const partitions = config.bridge.topics.telemetryPartitions;
  const geo = (backend.services.get('geofencing') as GeofencingRole).service;
  await waitFor(() => (geo.health() as { geofencing: { partitions: number[] } }).geofencing.partitions.length === partitions, {
    timeoutMs: 60_000,
    what: 'every telemetry partition assigned',
  });
  await geo.put({
    id: 'gate',
    name: 'Gate',
    geometry: { type: 'Polygon', coordinates: [square(0, 0, 100)] },
    tags: [],
    enabled: true,
    actions: [{ on: 'enter', command: { type: 'set_speed_limit', params: { kmh: 30 } } }],
  } as Fence);

  // closed at the first event: the partitions whose events come after it were in flight during close
  let closing: Promise<void> | undefined;
  const duringClose = new Set<number>();
  geo.onRealtime((msg) => {
    if (closing === undefined) closing = backend.close();
    else duringClose.add(partitionOfKey(msg.vin, partitions));
  });

  // every car drives east into the fence, 25 m a second, all fixes in Kafka at once
  const vins = Array.from({ length: CARS }, (_, i) => testVin(4000 + i));
  assert.equal(new Set(vins.map((v) => partitionOfKey(v, partitions))).size, partitions, 'cars on every partition');
  const base = telemetryExamples[1]!;
  const t0 = Date.now() - 60_000;
  const topic = kafkaTopicName('telemetry', config.bridge.topicPrefix);
  const records: OutRecord[] = [];
  for (let s = 0; s < FIXES; s++)
    for (const vin of vins) {
      const [lon, lat] = at(-150 + s * 25, 0);
      const fix: Telemetry = { ...base, vin, seq: s, ts: t0 + s * 1000, gps: { ...base.gps, lat, lon } };
      records.push({ topic, key: vin, value: encode('telemetry', fix) });
    }
  const writer = createKafkaClient({ brokers, clientId: 'close-in-flight-writer', client: config.kafka.client });
  const producer = await writer.producer({ idempotent: true });
  try {
    await producer.send(records);
  } finally {
    await producer.close();
  }

  await waitFor(() => closing !== undefined, { timeoutMs: 60_000, what: 'the first geofence event' });
  await closing;
  const actions = (await backend.metrics.registry.getSingleMetric('v2x_geofence_actions_total')?.get())?.values ?? [];
  const created = actions.find((v) => v.labels.outcome === 'created')?.value ?? 0;
  t.diagnostic(`events of ${duringClose.size} partitions came during close; ${created} actions created of ${CARS}`);
  assert.ok(duringClose.size >= 2, `partitions in flight while closing: ${[...duringClose].join(', ')}`);

  // what the OS says: no connection of this process to a Kafka broker within the deadline
  let left = openConnectionsTo(kafkaPorts);
  await waitFor(() => (left = openConnectionsTo(kafkaPorts)).length === 0, {
    timeoutMs: 15_000,
    what: 'no Kafka connection left after close',
  }).catch((err: unknown) => {
    throw new Error(`${(err as Error).message}: ${JSON.stringify(left)}`);
  });
});
