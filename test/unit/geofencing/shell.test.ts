/** The geofencing shell's pure parts: record codecs, telemetry to fixes, fleet tags, forgetting a car, the config section. */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { loadConfig } from '../../../core/config/load.js';
import { configSchema } from '../../../app/config-schema.js';
import { isV2xError } from '../../../core/errors.js';
import { encode, kafkaTopicName } from '../../../protocol/index.js';
import { telemetryExamples } from '../../../protocol/examples.js';
import { assertFence, createGeofenceState, evaluate, fencesOf } from '../../../backend/services/geofencing/index.js';
import { Registry } from 'prom-client';
import { actionSender } from '../../../backend/services/geofencing/actions.js';
import { createGeofencingMetrics } from '../../../backend/services/geofencing/metrics.js';
import type { CommandService, CreateRequest } from '../../../backend/services/commands/service.js';
import type { CommandToSend } from '../../../backend/services/geofencing/types.js';
import { parseFleetTags } from '../../../backend/services/geofencing/fleet-tags.js';
import { forgetCar } from '../../../backend/services/geofencing/forget.js';
import {
  decodeFenceRecord,
  decodeFix,
  eventMessage,
  eventRecord,
  fenceRecord,
  tombstoneRecord,
  WRITE_ID_HEADER,
} from '../../../backend/services/geofencing/records.js';

const VIN_A = '1M8GDM9AXKP042788';
const VIN_B = '5YJ3E1EA2KF317000';
const square = assertFence({
  id: 'sq',
  name: 'Square',
  geometry: {
    type: 'Polygon',
    coordinates: [
      [
        [11.57, 48.13],
        [11.58, 48.13],
        [11.58, 48.14],
        [11.57, 48.14],
        [11.57, 48.13],
      ],
    ],
  },
});

test('fence records: JSON keyed by id with a write id; tombstones; invalid records say why', () => {
  const r = fenceRecord(square, 'p.', 'w1');
  assert.equal(r.topic, kafkaTopicName('geofences', 'p.'));
  assert.equal(r.key, 'sq');
  assert.equal(r.headers?.[WRITE_ID_HEADER], 'w1');
  const back = decodeFenceRecord({ key: r.key, value: Buffer.from(r.value as string) });
  assert.deepEqual(back, { kind: 'upsert', fence: square });
  const t = tombstoneRecord('sq', 'p.');
  assert.equal(t.value, null);
  assert.deepEqual(decodeFenceRecord({ key: 'sq', value: null }), { kind: 'delete', id: 'sq' });
  assert.deepEqual(decodeFenceRecord({ key: 'sq', value: Buffer.alloc(0) }), { kind: 'delete', id: 'sq' });

  const garbage = decodeFenceRecord({ key: 'sq', value: Buffer.from('{nope') });
  assert.equal(garbage.kind, 'invalid');
  const otherKey = decodeFenceRecord({ key: 'other', value: Buffer.from(JSON.stringify(square)) });
  assert.equal(otherKey.kind, 'invalid');
  assert.match(otherKey.kind === 'invalid' ? otherKey.problem : '', /differs from the key/);
  const open = decodeFenceRecord({
    key: 'x',
    value: Buffer.from(JSON.stringify({ id: 'x', name: 'x', geometry: { type: 'Circle', center: [0, 0], radiusM: -1 } })),
  });
  assert.equal(open.kind === 'invalid' ? open.issue?.reason : undefined, 'radius_not_positive');
  assert.equal(decodeFenceRecord({ key: null, value: null }).kind, 'invalid');
});

test('telemetry to fixes: JSON and binary, fleet tags attached, garbage refused', () => {
  const tags = parseFleetTags([`taxi:${VIN_A}`]);
  const sample = telemetryExamples[0]!;
  for (const codec of ['json', 'binary'] as const) {
    const d = decodeFix(encode('telemetry', sample, codec), tags);
    assert.ok(d.ok, codec);
    assert.deepEqual(d.fix, {
      kind: 'fix',
      vin: VIN_A,
      ts: sample.ts,
      lat: sample.gps.lat,
      lon: sample.gps.lon,
      speedKmh: sample.gps.speedKmh,
      tags: ['taxi'],
    });
  }
  const ev = decodeFix(encode('telemetry', telemetryExamples[1]!), tags);
  assert.ok(ev.ok && ev.fix.tags === undefined, 'no tags for a car in no fleet');
  assert.equal(decodeFix(Buffer.from('{"vin":1}'), tags).ok, false);
  assert.equal(decodeFix(null, tags).ok, false);
});

test('fleet tags: tag:VIN entries, several per car, sorted and deduplicated', () => {
  const t = parseFleetTags([`taxi:${VIN_A}`, `school:${VIN_A}`, `taxi:${VIN_A}`, `taxi:${VIN_B}`]);
  assert.deepEqual(t.get(VIN_A), ['school', 'taxi']);
  assert.deepEqual(t.get(VIN_B), ['taxi']);
});

test('events: record keyed by VIN; realtime message with the fence name and short exit reasons', () => {
  const e = { type: 'exit', fenceId: 'sq', vin: VIN_A, ts: 5, position: { lat: 48.135, lon: 11.575 }, reason: 'fence_deleted' } as const;
  const r = eventRecord(e, 'p.');
  assert.equal(r.key, VIN_A);
  assert.equal(r.topic, kafkaTopicName('geofenceEvents', 'p.'));
  assert.deepEqual(JSON.parse(r.value as string), { id: `${VIN_A}/sq/exit/5`, ...e }, 'the event with its deterministic id');
  assert.deepEqual(eventMessage(e, 'Square'), {
    type: 'exit',
    fenceId: 'sq',
    fenceName: 'Square',
    vin: VIN_A,
    ts: 5,
    lat: 48.135,
    lon: 11.575,
    reason: 'deleted',
  });
  const d = eventMessage({ type: 'dwell', fenceId: 'sq', vin: VIN_A, ts: 6, position: { lat: 1, lon: 2 }, dwellS: 60 }, undefined);
  assert.deepEqual(d, { type: 'dwell', fenceId: 'sq', vin: VIN_A, ts: 6, lat: 1, lon: 2, dwellS: 60 });
});

test('forgetting a car drops its state and occupancy without events', () => {
  const state = createGeofenceState({}, [square]);
  evaluate(state, { kind: 'fix', vin: VIN_A, ts: 1000, lat: 48.135, lon: 11.575 });
  assert.deepEqual(fencesOf(state, VIN_A), ['sq']);
  assert.equal(forgetCar(state, VIN_A), true);
  assert.equal(state.cars.size, 0);
  assert.equal(state.occupants.size, 0);
  assert.equal(forgetCar(state, VIN_A), false);
  // seen again: a new car, entering again
  const again = evaluate(state, { kind: 'fix', vin: VIN_A, ts: 2000, lat: 48.135, lon: 11.575 });
  assert.deepEqual(
    again.outputs.map((o) => (o.kind === 'event' ? o.event.type : o.kind)),
    ['enter'],
  );
});

test('config: the geofencing section has defaults and refuses bad values with the key', () => {
  const c = loadConfig(configSchema, {});
  assert.equal(c.geofencing.groupId, 'v2x-geofencing');
  assert.equal(c.geofencing.hysteresisM, 10);
  assert.deepEqual(c.geofencing.fleetTags, []);
  const tagged = loadConfig(configSchema, { flags: { 'geofencing.fleetTags': `taxi:${VIN_A},taxi:${VIN_B}` } });
  assert.deepEqual(tagged.geofencing.fleetTags, [`taxi:${VIN_A}`, `taxi:${VIN_B}`]);
  for (const [key, value] of [
    ['geofencing.confirmFixes', '0'],
    ['geofencing.fleetTags', 'taxi'],
    ['geofencing.tickMs', '-1'],
  ] as const) {
    assert.throws(
      () => loadConfig(configSchema, { flags: { [key]: value } }),
      (err: unknown) => isV2xError(err, 'CONFIG_INVALID') && err.message.includes(key),
      key,
    );
  }
});

test('actions: to the command service under the fence principal with the action key; counted when there is none', async () => {
  const action: CommandToSend = {
    vin: VIN_A,
    fenceId: 'school',
    trigger: 'enter',
    ts: 1000,
    type: 'set_speed_limit',
    params: { kmh: 30 },
    key: `school/${VIN_A}/enter/1000/0`,
  };
  const count = async (m: ReturnType<typeof createGeofencingMetrics>, outcome: string): Promise<number> =>
    (await m.actions.get()).values.find((v) => v.labels.outcome === outcome)?.value ?? 0;

  const none = createGeofencingMetrics(new Registry());
  await actionSender(undefined, 60, none).send(action);
  await actionSender(undefined, 60, none).send(action);
  assert.equal(await count(none, 'no_command_service'), 2);

  const seen: CreateRequest[] = [];
  const keys = new Set<string>();
  const fake = {
    async create(req: CreateRequest) {
      seen.push(req);
      const replay = keys.has(req.idempotencyKey ?? '');
      keys.add(req.idempotencyKey ?? '');
      return { snapshot: { commandId: 'c1' }, replay };
    },
  } as unknown as CommandService;
  const m = createGeofencingMetrics(new Registry());
  const sender = actionSender(fake, 45, m);
  await sender.send(action);
  await sender.send(action);
  assert.deepEqual(seen[0], {
    vin: VIN_A,
    type: 'set_speed_limit',
    params: { kmh: 30 },
    ttlSeconds: 45,
    idempotencyKey: `school/${VIN_A}/enter/1000/0`,
    principal: 'geofence:school',
  });
  assert.equal(await count(m, 'created'), 1);
  assert.equal(await count(m, 'replay'), 1);

  const failing = { create: async () => Promise.reject(new Error('boom')) } as unknown as CommandService;
  const f = createGeofencingMetrics(new Registry());
  await actionSender(failing, 60, f).send(action);
  assert.equal(await count(f, 'failed'), 1, 'a failure is counted, not thrown');
});
