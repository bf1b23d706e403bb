/**
 * Hop timestamps end to end (decision 0030), on a real Kafka and the embedded broker: one car drives
 * into a fence whose enter action sends a command; the car answers `delivered` with its receipt
 * time. Every hop of that path is then stamped and on /metrics (v2x_hop_seconds, live): broker and
 * Kafka at the bridge, consumed and decided at geofencing, the downlink and the car's receipt for
 * the command; the event record carries the cause's car time, and the panel's system message the waterfall.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import {
  commandRequestTopic,
  commandResultTopic,
  decodeCommandRequest,
  encode,
  HEADERS,
  kafkaTopicName,
  telemetryTopic,
} from '../../../protocol/index.js';
import { announceOnline, collect, connectCar, startBackendOnTestKafka, testVin } from '../../helpers/backend.js';
import { waitFor } from '../../helpers/poll.js';
import { apiClient } from '../../helpers/api.js';
import { hopStats, parseHopScrape } from '../../../bench/lib/hop-figures.js';
import { at } from '../geofencing/helpers.js';

const ADMIN = 'hops-admin-token';

test('one fix through a fence action: every hop stamped, on /metrics and in the system panel', async (t) => {
  const { config, backend, kafka } = await startBackendOnTestKafka(t, { 'api.tokens': `root:admin:${ADMIN}` });
  const api = apiClient(backend.httpUrl);
  const vin = testVin(1701);
  const events = await collect(t, kafka, kafkaTopicName('geofenceEvents', config.bridge.topicPrefix));

  const fence = await api('POST', '/api/v1/fences', ADMIN, {
    id: 'hops',
    name: 'Hops',
    geometry: { type: 'Circle', center: at(0, 0), radiusM: 100 },
    actions: [{ on: 'enter', command: { type: 'flash_lights', params: {} } }],
  });
  assert.equal(fence.status, 201);

  // the car: answers every request `delivered`, with the time it arrived on its clock
  const car = await connectCar(t, backend.broker!.tcpUrl, vin, config.mqtt.fleetKey);
  const received: string[] = [];
  car.on('message', (topic, payload) => {
    if (topic !== commandRequestTopic(vin)) return;
    const receivedAt = Date.now();
    const req = decodeCommandRequest(payload);
    received.push(req.commandId);
    const result = encode('commandResult', { commandId: req.commandId, vin, status: 'delivered', ts: receivedAt, receivedAt });
    void car.publishAsync(commandResultTopic(vin), result, { qos: 1 });
  });
  await car.subscribeAsync(commandRequestTopic(vin), { qos: 1 });
  await announceOnline(car, vin);

  // drive in, one fix after the other (each acknowledged once Kafka has it), stamped now
  let seq = 0;
  const drive = async (x: number): Promise<void> => {
    const [lon, lat] = at(x, 0);
    const fix = { vin, seq: seq++, ts: Date.now(), gps: { lat, lon, heading: 90, speedKmh: 50 }, odometerKm: 1000, ignition: true };
    await car.publishAsync(telemetryTopic(vin), encode('telemetry', { ...fix, gear: 'D' }), { qos: 1 });
  };
  for (let x = -300; x <= 0; x += 25) await drive(x);
  await waitFor(() => received.length > 0, { what: 'the fence action reaching the car', timeoutMs: 60_000 });
  await events.until(1);
  const enter = events.records.find((r) => JSON.parse(r.value?.toString() ?? '{}').type === 'enter');
  assert.ok(enter, 'an enter event in Kafka');
  const cause = Number(enter.headers[HEADERS.causeTs]);
  assert.ok(cause > 0 && cause <= enter.timestamp, `the event carries its cause's car time (${cause} <= ${enter.timestamp})`);

  const path = [
    ['broker', 'bridge'],
    ['kafka', 'bridge'],
    ['consumed', 'geofencing'],
    ['decided', 'geofencing'],
    ['downlink', 'commands'],
    ['car', 'commands'],
  ] as const;
  const empty = new Map();
  let missing: string[] = [];
  await waitFor(
    async () => {
      const scrape = parseHopScrape(await (await fetch(`${backend.httpUrl}/metrics`)).text());
      missing = path.filter(([hop, service]) => hopStats(empty, scrape, hop, service) === undefined).map(([h, s]) => `${h}/${s}`);
      return missing.length === 0;
    },
    { what: `every hop on /metrics (missing ${missing.join(', ')})`, timeoutMs: 30_000 },
  );
  const scrape = parseHopScrape(await (await fetch(`${backend.httpUrl}/metrics`)).text());
  // cumulative from the car's time: the loop's end is no earlier than its decision
  const decided = hopStats(empty, scrape, 'decided', 'geofencing')!;
  const carHop = hopStats(empty, scrape, 'car', 'commands')!;
  assert.equal(carHop.n, 1);
  assert.ok(carHop.p50_ms >= 0 && decided.n >= 1);

  // the dashboard's system message: the live waterfall of this process, and what the p99 measures
  await waitFor(
    async () => {
      await drive(0); // the panel shows the last interval's hops: keep the car sending
      const system = (await api<{ hops?: { hop: string }[]; latencyOf?: string }>('GET', '/api/v1/system', ADMIN)).body;
      return (system.hops ?? []).some((h) => h.hop === 'consumed') && /geofencing/.test(system.latencyOf ?? '');
    },
    { what: 'the system panel showing the hops', timeoutMs: 20_000, intervalMs: 300 },
  );
});
