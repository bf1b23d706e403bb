/**
 * The dashboard role for real: a backend (broker, bridge, commands, dashboard) on real Kafka, six
 * cars as real MQTT clients on the embedded broker (online status with a plate, one telemetry
 * message each at a known place: three west, three east), and socket.io-client dashboards.
 * Unauthenticated sockets are refused; a viewport gets only its cars; zoomed out gets clusters;
 * the vehicles REST API lists, filters, pages, details and refuses bad query values by name; the
 * bundle is served from dashboard.staticDir (503 page without one).
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, unlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { io, type Socket } from 'socket.io-client';
import type {
  ClientToServerEvents,
  PositionsFrame,
  ServerToClientEvents,
  SystemMetricsMsg,
} from '../../../backend/dashboard/hub/events.js';
import { encode, telemetryTopic, type Telemetry } from '../../../protocol/index.js';
import { testKafka } from '../../helpers/kafka.js';
import { announceOnline, backendConfig, connectCar, startTestBackend, testVin } from '../../helpers/backend.js';
import { waitFor } from '../../helpers/poll.js';

const VIEWER = 'viewer-token-1';
const TOKENS = ['vic:viewer:viewer-token-1', 'op:operator:operator-token-1'];
type Client = Socket<ServerToClientEvents, ClientToServerEvents>;

const WEST = { lon: 11.5, lat: 48.1 };
const EAST = { lon: 11.6, lat: 48.15 };

test('dashboard: socket.io auth, viewport frames and clusters, vehicles REST API, static bundle', { timeout: 180_000 }, async (t) => {
  const { brokers } = await testKafka(t);
  const bundle = mkdtempSync(join(tmpdir(), 'v2x-bundle-'));
  t.after(() => rmSync(bundle, { recursive: true, force: true }));
  writeFileSync(join(bundle, 'index.html'), '<!doctype html><title>v2x</title><script src="app.js"></script>');
  writeFileSync(join(bundle, 'app.js'), 'console.log(1)');
  const config = backendConfig(brokers, {
    'backend.roles': 'broker,bridge,commands,dashboard',
    'api.tokens': TOKENS.join(','),
    'dashboard.tickMs': 100,
    'dashboard.systemMs': 200,
    'dashboard.clusterZoom': 14,
    'dashboard.staticDir': bundle,
  });
  const { backend } = await startTestBackend(t, config);
  const url = backend.httpUrl;

  // six cars: i < 3 west, i >= 3 east, a few metres apart
  const vins = Array.from({ length: 6 }, (_, i) => testVin(700 + i));
  const now = Date.now();
  for (const [i, vin] of vins.entries()) {
    const car = await connectCar(t, backend.broker!.tcpUrl, vin, config.mqtt.fleetKey);
    const at = i < 3 ? WEST : EAST;
    const vw = i % 2 === 0;
    const identity = { make: vw ? 'Volkswagen' : 'BMW', model: vw ? 'ID.3' : 'i4', modelYear: 2023, plate: `M-DB ${100 + i}` };
    await announceOnline(car, vin, identity, now);
    const tel: Telemetry = {
      vin,
      seq: 1,
      ts: Date.now(),
      gps: { lat: at.lat + i * 0.0001, lon: at.lon + i * 0.0001, heading: 90, speedKmh: 20 + i },
      odometerKm: 1000,
      ignition: true,
      gear: 'D',
      socPct: 80,
    };
    await car.publishAsync(telemetryTopic(vin), encode('telemetry', tel), { qos: 1 });
  }

  const get = async (
    path: string,
    token: string | null = VIEWER,
  ): Promise<{ status: number; body: Record<string, unknown>; type: string }> => {
    const res = await fetch(`${url}${path}`, { headers: token === null ? {} : { authorization: `Bearer ${token}` } });
    const type = res.headers.get('content-type') ?? '';
    const text = await res.text();
    return {
      status: res.status,
      type,
      body: type.startsWith('application/json') ? (JSON.parse(text) as Record<string, unknown>) : { text },
    };
  };
  await waitFor(
    async () =>
      (await get('/api/v1/vehicles?status=online')).body.total === 6 && (await get('/api/v1/vehicles?bbox=11,48,12,49')).body.total === 6,
    {
      timeoutMs: 30_000,
      what: 'six online cars with positions in the fleet state',
    },
  );

  const connect = (auth: Record<string, unknown>): Client => {
    const s: Client = io(url, { path: '/socket.io', auth, transports: ['websocket'], reconnection: false });
    t.after(() => s.close());
    return s;
  };
  const connected = (s: Client): Promise<void> =>
    new Promise((resolve, reject) => {
      s.once('connect', () => resolve());
      s.once('connect_error', reject);
    });

  await t.test('a socket without a token, or with an unknown one, is refused saying why', async () => {
    await assert.rejects(connected(connect({})), /unauthorized: no token/);
    await assert.rejects(connected(connect({ token: 'no-such-token' })), /unauthorized: unknown token/);
  });

  await t.test('a viewport gets only the cars inside it; zoomed out, clusters', async () => {
    const s = connect({ token: VIEWER });
    const frames: PositionsFrame[] = [];
    const system: SystemMetricsMsg[] = [];
    s.on('positions', (f) => frames.push(f));
    s.on('system', (m) => system.push(m));
    await connected(s);
    s.emit('viewport', { west: WEST.lon - 0.01, south: WEST.lat - 0.01, east: WEST.lon + 0.01, north: WEST.lat + 0.01, zoom: 16 });
    await waitFor(() => frames.length > 0, { timeoutMs: 10_000, what: 'a positions frame' });
    const f = frames.at(-1) as PositionsFrame;
    assert.deepEqual(f.cars.map((c) => c[0]).sort(), vins.slice(0, 3).sort());
    assert.equal(f.clusters.length, 0);
    assert.equal(f.inView, 3);
    assert.equal(f.total, 6);
    const first = f.cars.find((c) => c[0] === vins[0]);
    assert.deepEqual(first?.slice(1), [WEST.lon, WEST.lat, 90, 20, 1]);

    const before = frames.length;
    s.emit('viewport', { west: 11.3, south: 47.9, east: 11.8, north: 48.3, zoom: 10 });
    await waitFor(() => frames.slice(before).some((x) => x.clusters.length > 0), { timeoutMs: 10_000, what: 'a clustered frame' });
    const z = frames.slice(before).find((x) => x.clusters.length > 0) as PositionsFrame;
    assert.equal(z.cars.length, 0);
    assert.equal(z.inView, 6);
    assert.equal(
      z.clusters.reduce((n, c) => n + c[2], 0),
      6,
    );
    assert.ok(z.clusters.length <= 2, `west and east fall in at most two clusters at zoom 10 (${JSON.stringify(z.clusters)})`);

    await waitFor(() => system.length > 0, { timeoutMs: 10_000, what: "a 'system' event" });
    const m = system.at(-1) as SystemMetricsMsg;
    assert.equal(m.connectedCars, 6);
    assert.ok(m.kafkaLag >= 0 && m.latencyP99Ms >= 0 && m.msgPerS >= 0);
  });

  await t.test('REST: list, filters, paging, detail, telemetry, 400 naming the parameter, 401, 404', async () => {
    const all = await get('/api/v1/vehicles');
    assert.equal(all.status, 200);
    assert.equal(all.body.total, 6);
    assert.equal(all.body.limit, 50);
    const items = all.body.items as { vin: string; plate?: string; make: string; online: boolean; lat?: number }[];
    assert.deepEqual(
      items.map((v) => v.vin),
      [...vins].sort(),
    );
    assert.equal(items.find((v) => v.vin === vins[1])?.plate, 'M-DB 101');

    const page = await get('/api/v1/vehicles?limit=2&offset=2');
    assert.deepEqual(
      (page.body.items as { vin: string }[]).map((v) => v.vin),
      [...vins].sort().slice(2, 4),
    );
    assert.equal(page.body.total, 6);
    assert.equal((await get('/api/v1/vehicles?make=bmw')).body.total, 3);
    assert.equal((await get('/api/v1/vehicles?q=m-db%20104')).body.total, 1);
    assert.equal((await get('/api/v1/vehicles?q=id.3&status=online')).body.total, 3);
    assert.equal((await get('/api/v1/vehicles?status=offline')).body.total, 0);
    assert.equal(
      (await get(`/api/v1/vehicles?bbox=${EAST.lon - 0.01},${EAST.lat - 0.01},${EAST.lon + 0.01},${EAST.lat + 0.01}`)).body.total,
      3,
    );

    for (const [query, field] of [
      ['limit=0', 'querystring.limit'],
      ['limit=501', 'querystring.limit'],
      ['offset=-1', 'querystring.offset'],
      ['status=parked', 'querystring.status'],
      ['bbox=1,2,3', 'querystring.bbox'],
    ] as const) {
      const r = await get(`/api/v1/vehicles?${query}`);
      assert.equal(r.status, 400, query);
      assert.equal(r.body.code, 'VALIDATION_FAILED');
      assert.equal((r.body.details as { field: string }).field, field, query);
      assert.match(String(r.body.message), new RegExp(field.replace('.', '\\.')));
    }
    assert.equal((await get('/api/v1/vehicles', null)).status, 401);

    const one = await get(`/api/v1/vehicles/${vins[4]}`);
    assert.equal(one.status, 200);
    assert.equal(one.body.make, 'Volkswagen');
    assert.equal(one.body.online, true);
    assert.equal((one.body.telemetry as Telemetry).socPct, 80);
    const hist = await get(`/api/v1/vehicles/${vins[4]}/telemetry?limit=10`);
    assert.deepEqual(
      (hist.body.items as Telemetry[]).map((x) => x.seq),
      [1],
    );
    assert.equal((await get(`/api/v1/vehicles/${testVin(799)}`)).status, 404);
    assert.equal((await get('/api/v1/vehicles/NOTAVIN0000000000')).status, 400);

    const me = await get('/api/v1/me');
    assert.deepEqual(me.body, { principal: 'vic', role: 'viewer' });
    const sys = await get('/api/v1/system');
    assert.equal(sys.body.connectedCars, 6);
    const net = await get('/api/v1/network');
    assert.equal(net.status, 200);
    assert.equal(net.body.type, 'FeatureCollection');
    const features = net.body.features as { geometry: { type: string }; properties: Record<string, unknown> }[];
    const seg = features.find((f) => f.geometry.type === 'LineString');
    for (const k of ['segmentId', 'roadClass', 'name', 'lanes', 'freeFlowMps', 'lengthM']) assert.ok(seg && k in seg.properties, k);
    const docs = await get('/api/docs', null);
    const paths = docs.body.paths as Record<string, unknown>;
    for (const p of [
      '/api/v1/vehicles',
      '/api/v1/vehicles/{vin}',
      '/api/v1/vehicles/{vin}/telemetry',
      '/api/v1/me',
      '/api/v1/system',
      '/api/v1/network',
    ])
      assert.ok(p in paths, p);
  });

  await t.test('the bundle: index and files with their content types, nothing outside, 503 page without a bundle', async () => {
    const index = await get('/', null);
    assert.equal(index.status, 200);
    assert.match(index.type, /^text\/html/);
    const js = await get('/app.js', null);
    assert.equal(js.status, 200);
    assert.match(js.type, /^text\/javascript/);
    assert.equal((await get('/..%2f..%2fetc%2fpasswd', null)).status, 404);
    assert.equal((await get('/assets/..%2f..%2f..%2fetc%2fpasswd', null)).status, 404);
    assert.equal((await get('/nope.css', null)).status, 404);
    unlinkSync(join(bundle, 'index.html'));
    const missing = await get('/', null);
    assert.equal(missing.status, 503);
    assert.match(String(missing.body.text), /npm run build/);
  });
});
