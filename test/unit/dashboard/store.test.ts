/** The fleet state (backend/dashboard/vehicles/store.ts), its filters and the telemetry ring: pure. */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { parseBbox } from '../../../backend/dashboard/vehicles/filter.js';
import { Ring } from '../../../backend/dashboard/vehicles/ring.js';
import { VehicleStore } from '../../../backend/dashboard/vehicles/store.js';
import { LATENCY_OF_FEED, SystemMeter, p99 } from '../../../backend/dashboard/system-meter.js';
import { resolveInside, contentTypeOf } from '../../../backend/dashboard/static.js';
import { completeVin, type StatusOnline, type Telemetry } from '../../../protocol/index.js';
import { isV2xError } from '../../../core/errors.js';
import { onlineStatus } from '../../helpers/status.js';

const vin = (i: number): string => completeVin(`1V2XT0S0XNA${String(i).padStart(6, '0')}`);
const online = (i: number, ts: number, extra: Partial<StatusOnline> = {}): StatusOnline =>
  onlineStatus(vin(i), ts, {
    firmware: '1.0',
    ...(i % 2 === 0 ? { make: 'Volkswagen', model: 'ID.3' } : { make: 'BMW', model: 'i4' }),
    modelYear: 2022,
    plate: `M-AB ${i}`,
    ...extra,
  });
const telemetry = (i: number, ts: number, lon = 11.5, lat = 48.1): Telemetry => ({
  vin: vin(i),
  seq: ts,
  ts,
  gps: { lat, lon, heading: 90, speedKmh: 30 },
  odometerKm: 100,
  ignition: true,
  gear: 'D',
});

test('status sets identity and connectivity; a last will of an earlier session does not end a newer one', () => {
  const s = new VehicleStore<number>({ ringSize: 3 });
  assert.equal(s.applyStatus(online(1, 1000), 1001), true);
  assert.equal(s.onlineCount, 1);
  assert.deepEqual(s.summary(vin(1)), {
    vin: vin(1),
    make: 'BMW',
    model: 'i4',
    modelYear: 2022,
    powertrain: 'bev',
    plate: 'M-AB 1',
    online: true,
    lastSeen: 1001,
  });
  // reconnect at 5000, then the old session's will (stamped 1000) fires late: ignored
  s.applyStatus(online(1, 5000), 5001);
  assert.equal(s.applyStatus({ vin: vin(1), state: 'offline', ts: 1000, reason: 'connection_lost' }, 5002), false);
  assert.equal(s.summary(vin(1))?.online, true);
  // the current session's will ends it
  assert.equal(s.applyStatus({ vin: vin(1), state: 'offline', ts: 5000, reason: 'connection_lost' }, 9000), true);
  assert.equal(s.onlineCount, 0);
  // sleeping then back
  s.applyStatus(online(1, 10_000), 10_001);
  s.applyStatus({ vin: vin(1), state: 'offline', ts: 20_000, reason: 'sleep' }, 20_001);
  assert.equal(s.summary(vin(1))?.online, false);
  assert.equal(s.onlineCount, 0);
});

test('telemetry: latest by car timestamp, a ring of the newest samples, positions of online cars only', () => {
  const s = new VehicleStore<number>({ ringSize: 3 });
  for (let k = 1; k <= 5; k++) s.applyTelemetry(telemetry(2, k * 1000, 11 + k / 100), k, k * 1000 + 5);
  s.applyTelemetry(telemetry(2, 500), 0, 6000); // late and old: in the ring, not the latest
  assert.equal(s.latest(vin(2))?.ts, 5000);
  assert.deepEqual(s.samples(vin(2), 10), [4, 5, 0]);
  assert.deepEqual(s.samples(vin(2), 2), [5, 0]);
  assert.equal(s.samples(vin(3), 2), undefined);
  assert.deepEqual([...s.positions()], [], 'no status yet: not on the map');
  s.applyStatus(online(2, 100), 100);
  assert.deepEqual(
    [...s.positions()].map((p) => p.vin),
    [vin(2)],
  );
  const sum = s.summary(vin(2));
  assert.equal(sum?.lon, 11.05);
  assert.equal(sum?.speedKmh, 30);
  assert.equal(sum?.lastSeen, 6000);
});

test('list: sorted by VIN, filters on status, make, q (VIN, plate, model) and bbox, paged with the total', () => {
  const s = new VehicleStore<number>({ ringSize: 1 });
  for (let i = 0; i < 30; i++) {
    s.applyStatus(online(i, 1000), 1000);
    s.applyTelemetry(telemetry(i, 2000, 11.5 + i / 1000, 48.1), 0, 2000);
  }
  for (let i = 0; i < 10; i++) s.applyStatus({ vin: vin(i), state: 'offline', ts: 3000, reason: 'shutdown' }, 3000);
  const all = s.list({}, 50, 0);
  assert.equal(all.total, 30);
  assert.deepEqual(
    all.items.map((v) => v.vin),
    [...all.items.map((v) => v.vin)].sort(),
  );
  const page = s.list({}, 7, 21);
  assert.equal(page.total, 30);
  assert.deepEqual(
    page.items.map((v) => v.vin),
    all.items.slice(21, 28).map((v) => v.vin),
  );
  assert.equal(s.list({ online: true }, 50, 0).total, 20);
  assert.equal(s.list({ online: false }, 50, 0).total, 10);
  assert.equal(s.list({ make: 'bmw' }, 50, 0).total, 15);
  assert.equal(s.list({ q: 'id.3' }, 50, 0).total, 15);
  assert.equal(s.list({ q: 'm-ab 2' }, 50, 0).total, 11); // 2, 20..29
  assert.equal(s.list({ q: vin(7).slice(-6).toLowerCase() }, 50, 0).total, 1);
  assert.equal(s.list({ bbox: { west: 11.5, south: 48, east: 11.5095, north: 48.2 } }, 50, 0).total, 10);
  assert.equal(s.list({ bbox: { west: 12, south: 48, east: 13, north: 48.2 } }, 50, 0).total, 0);
  assert.equal(s.list({ online: true, make: 'bmw', bbox: { west: 11.5, south: 48, east: 11.52, north: 48.2 } }, 50, 0).total, 5);
});

test('bbox query values are parsed or refused naming querystring.bbox and the rule', () => {
  assert.deepEqual(parseBbox('11.5,48.1,11.6,48.2'), { west: 11.5, south: 48.1, east: 11.6, north: 48.2 });
  for (const [text, rule] of [
    ['1,2,3', 'must be west,south,east,north (four numbers)'],
    ['a,2,3,4', 'must be four finite numbers'],
    ['1,,3,4', 'must be four finite numbers'],
    ['200,0,3,4', 'longitudes must be within -180..180'],
    ['1,95,3,96', 'latitudes must be within -90..90'],
    ['1,5,3,4', 'south must be <= north'],
  ] as const) {
    assert.throws(
      () => parseBbox(text),
      (e: unknown) => isV2xError(e) && e.code === 'VALIDATION_FAILED' && e.details.field === 'querystring.bbox' && e.details.rule === rule,
      text,
    );
  }
});

test('the ring keeps the newest items, oldest first', () => {
  const r = new Ring<number>(4);
  assert.deepEqual(r.last(), []);
  for (let i = 1; i <= 6; i++) r.push(i);
  assert.equal(r.size, 4);
  assert.deepEqual(r.last(), [3, 4, 5, 6]);
  assert.deepEqual(r.last(2), [5, 6]);
  assert.deepEqual(r.last(0), []);
  assert.throws(() => new Ring(0), /positive integer/);
});

test('system meter: rate over the elapsed time, p99 of the interval, then a fresh interval', () => {
  const m = new SystemMeter(0, () => 0.5);
  for (let i = 1; i <= 100; i++) m.message(i);
  m.message();
  const a = m.take(2000, { kafkaLag: 7, connectedCars: 3 });
  assert.deepEqual(a, { t: 2000, msgPerS: 50.5, kafkaLag: 7, latencyP99Ms: 99, latencyOf: LATENCY_OF_FEED, connectedCars: 3 });
  const b = m.take(3000, { kafkaLag: 0, connectedCars: 3, messages: 250 });
  assert.equal(b.msgPerS, 250);
  assert.equal(b.latencyP99Ms, 0);
  // a burst beyond the reservoir keeps a bounded, representative sample
  for (let i = 0; i < 20_000; i++) m.message(i % 100);
  assert.ok(m.take(4000, { kafkaLag: 0, connectedCars: 0 }).latencyP99Ms >= 90);
  assert.equal(p99(new Float64Array([5])), 5);
});

test('static files: paths resolve inside the bundle folder only; content types by extension', () => {
  assert.equal(resolveInside('/srv/b', '/app.js'), '/srv/b/app.js');
  assert.equal(resolveInside('/srv/b', '/assets/x/y.css'), '/srv/b/assets/x/y.css');
  for (const bad of ['/../etc/passwd', '/assets/../../etc/passwd', '/%2e%2e/etc/passwd', '/a\0b', '/..%5c..%5cwin', '/%E0%A4%A']) {
    assert.equal(resolveInside('/srv/b', bad), undefined, bad);
  }
  assert.equal(contentTypeOf('/x/app.js'), 'text/javascript; charset=utf-8');
  assert.equal(contentTypeOf('/x/INDEX.HTML'), 'text/html; charset=utf-8');
  assert.equal(contentTypeOf('/x/blob'), 'application/octet-stream');
});
