/**
 * The geofencing service through the real parts: fences created over REST (a polygon with an enter
 * action, a circle, a corridor) land in the compacted geofences topic; simulated cars (real MQTT
 * clients through the embedded broker, the bridge, real Kafka) drive scripted tracks through them;
 * the expected enter / exit / cross events appear in the geofence-events topic and at a dashboard
 * (a real socket.io client with the viewer token); deleting the corridor with a car parked inside gives its exit (fence_deleted); the
 * polygon's set_speed_limit action becomes a command of the command service, audited under the
 * fence's principal, and reaches the car. Also: 400 with the validator's reason, 401/403/404/409,
 * and a second instance that rebuilds the fences from Kafka and follows later changes.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { kafkaTopicName } from '../../../protocol/index.js';
import type { GeofenceEventMsg } from '../../../backend/dashboard/hub/events.js';
import { dashboardSocket } from '../../helpers/socket.js';
import type { GeofencingRole } from '../../../backend/services/geofencing/role.js';
import { backendConfig, collect, startBackendOnTestKafka, startTestBackend, testVin } from '../../helpers/backend.js';
import { waitFor } from '../../helpers/poll.js';
import { ADMIN, apiClient, at, distinctCommands, line, OPERATOR, square, testCar, VIEWER } from './helpers.js';

interface EventJson {
  type: string;
  fenceId: string;
  vin: string;
  ts: number;
  reason?: string;
}

const SCHOOL = {
  id: 'school',
  name: 'School zone',
  tags: ['school'],
  geometry: { type: 'Polygon', coordinates: [square(0, 0, 100)] },
  actions: [{ on: 'enter', command: { type: 'set_speed_limit', params: { kmh: 30 } } }],
};
const CIRCLE = { id: 'depot', name: 'Depot', geometry: { type: 'Circle', center: at(600, 0), radiusM: 100 } };
const CORRIDOR = {
  id: 'corridor',
  name: 'Bus lane',
  geometry: { type: 'Corridor', coordinates: [at(-300, 300), at(900, 300)], widthM: 40 },
};

test('geofencing: REST fences, cars driving through them, events in Kafka and realtime, actions as commands', async (t) => {
  const { config, backend, kafka } = await startBackendOnTestKafka(t, { 'backend.roles': 'broker,bridge,commands,geofencing,dashboard' });
  const api = apiClient(backend.httpUrl);
  const prefix = config.bridge.topicPrefix;
  const geo = backend.services.get('geofencing') as GeofencingRole | undefined;
  assert.ok(geo, 'the geofencing role runs');
  // what the role handed to ctx.realtime, and what a dashboard received over socket.io
  const pushed: GeofenceEventMsg[] = [];
  geo.service.onRealtime((m) => pushed.push(m));
  const received: GeofenceEventMsg[] = [];
  const socket = await dashboardSocket(t, backend.httpUrl, VIEWER);
  socket.on('geofence', (m) => received.push(m));
  const [events, audit, fenceRecords] = await Promise.all([
    collect(t, kafka, kafkaTopicName('geofenceEvents', prefix)),
    collect(t, kafka, kafkaTopicName('commandAudit', prefix)),
    collect(t, kafka, kafkaTopicName('geofences', prefix)),
  ]);

  await t.test('REST: refusals name the problem; 401, 403, 404', async () => {
    const bowtie = {
      id: 'bowtie',
      name: 'Bowtie',
      geometry: { type: 'Polygon', coordinates: [[at(0, 0), at(100, 100), at(100, 0), at(0, 100), at(0, 0)]] },
    };
    const bad = await api<{ code: string; message: string; details: Record<string, unknown> }>('POST', '/api/v1/fences', ADMIN, bowtie);
    assert.equal(bad.status, 400);
    assert.equal(bad.body.code, 'GEOFENCE_INVALID');
    assert.equal(bad.body.details.reason, 'ring_self_intersects');
    assert.equal(bad.body.details.field, 'geofence.geometry.coordinates[0]');
    assert.match(String(bad.body.details.rule), /edge/);
    const open = await api<{ details: Record<string, unknown> }>('POST', '/api/v1/fences', ADMIN, {
      ...bowtie,
      geometry: { type: 'Polygon', coordinates: [[at(0, 0), at(100, 0), at(100, 100), at(0, 100)]] },
    });
    assert.equal(open.status, 400);
    assert.equal(open.body.details.reason, 'ring_not_closed');
    const slow = await api<{ details: Record<string, unknown> }>('POST', '/api/v1/fences', ADMIN, {
      ...SCHOOL,
      actions: [{ on: 'enter', command: { type: 'set_speed_limit', params: { kmh: 10 } } }],
    });
    assert.equal(slow.status, 400);
    assert.equal(slow.body.details.reason, 'action_params_invalid');

    const none = await api<{ code: string }>('POST', '/api/v1/fences', undefined, SCHOOL);
    assert.equal(none.status, 401);
    assert.equal(none.body.code, 'UNAUTHORIZED');
    assert.equal((await api('GET', '/api/v1/fences', 'no-such-token-here')).status, 401);
    for (const token of [VIEWER, OPERATOR]) {
      const r = await api<{ code: string }>('POST', '/api/v1/fences', token, SCHOOL);
      assert.equal(r.status, 403, `${token} may not write fences`);
      assert.equal(r.body.code, 'FORBIDDEN');
    }
    assert.equal((await api('DELETE', '/api/v1/fences/school', OPERATOR)).status, 403);
    const missing = await api<{ code: string }>('GET', '/api/v1/fences/nope', VIEWER);
    assert.equal(missing.status, 404);
    assert.equal(missing.body.code, 'GEOFENCE_NOT_FOUND');
    assert.equal((await api('DELETE', '/api/v1/fences/nope', ADMIN)).status, 404);
    assert.equal((await api('PUT', '/api/v1/fences/nope', ADMIN, SCHOOL)).status, 404);
    assert.deepEqual((await api('GET', '/api/v1/fences', VIEWER)).body, { items: [] });
  });

  await t.test('REST: create a polygon, a circle and a corridor; read them back; 409 on a second create', async () => {
    for (const f of [SCHOOL, CIRCLE, CORRIDOR]) {
      const r = await api<{ id: string; enabled: boolean }>('POST', '/api/v1/fences', ADMIN, f);
      assert.equal(r.status, 201, JSON.stringify(r.body));
      assert.equal(r.body.id, f.id);
      assert.equal(r.body.enabled, true);
    }
    const generated = await api<{ id: string }>('POST', '/api/v1/fences', ADMIN, { name: 'No id', geometry: CIRCLE.geometry });
    assert.equal(generated.status, 201);
    assert.match(generated.body.id, /^[0-9a-f-]{36}$/);
    assert.equal((await api('DELETE', `/api/v1/fences/${generated.body.id}`, ADMIN)).status, 204);
    assert.equal((await api('POST', '/api/v1/fences', ADMIN, SCHOOL)).status, 409);
    const mismatch = await api<{ code: string }>('PUT', '/api/v1/fences/depot', ADMIN, { ...CIRCLE, id: 'other' });
    assert.equal(mismatch.status, 400);
    const renamed = await api<{ name: string }>('PUT', '/api/v1/fences/depot', ADMIN, { ...CIRCLE, name: 'Depot yard' });
    assert.equal(renamed.status, 200);
    assert.equal(renamed.body.name, 'Depot yard');

    const list = await api<{ items: { id: string }[] }>('GET', '/api/v1/fences', VIEWER);
    assert.deepEqual(
      list.body.items.map((f) => f.id),
      ['corridor', 'depot', 'school'],
    );
    const one = await api<{ geometry: unknown; actions: unknown }>('GET', '/api/v1/fences/school', VIEWER);
    assert.deepEqual(one.body.geometry, SCHOOL.geometry);
    assert.deepEqual(one.body.actions, SCHOOL.actions);
    // the compacted topic holds them, keyed by fence id (the generated one as a tombstone)
    await fenceRecords.until(6);
    const keys = fenceRecords.records.map((r) => `${r.key}${r.value === null ? ' (tombstone)' : ''}`);
    assert.deepEqual(
      keys.filter((k) => !/^[0-9a-f-]{36}/.test(k)),
      ['school', 'depot', 'corridor', 'depot'],
    );
    assert.equal(keys.filter((k) => k.endsWith('(tombstone)')).length, 1);
    const docs = await api<{ paths: Record<string, unknown> }>('GET', '/api/docs', undefined);
    assert.ok(docs.body.paths['/api/v1/fences/{id}/occupants'], 'documented in OpenAPI');
  });

  const vinA = testVin(601);
  const vinB = testVin(602);
  const vinC = testVin(603);
  const vinD = testVin(604);

  await t.test('cars drive through the fences: enter, exit, cross; the action becomes an audited command', async () => {
    const url = backend.broker!.tcpUrl;
    const key = config.mqtt.fleetKey;
    const [a, b, c, d] = await Promise.all([vinA, vinB, vinC, vinD].map((v) => testCar(t, url, v, key)));
    await Promise.all([
      // A: west to east along y = 0 through the school (x -100..100) and the depot (x 500..700)
      a!.drive(line(-425, 825, 50, 0)),
      // B: the whole bus lane along y = 300 (x -300..900, 20 m either side, round caps)
      b!.drive(line(-500, 1100, 50, 300)),
      // C: into the bus lane from the north, then parked on it
      c!.drive([
        [400, 400],
        [400, 350],
        [400, 300],
        [400, 300],
        [400, 300],
      ]),
      // D: two fixes 1 s apart either side of the depot: passes through its centre
      d!.drive([
        [450, -250],
        [750, 250],
      ]),
    ]);
    await events.until(8);
    await waitFor(
      async () => (await api<{ vins: string[] }>('GET', '/api/v1/fences/corridor/occupants', VIEWER)).body.vins.includes(vinC),
      {
        timeoutMs: 30_000,
        what: 'C inside the corridor',
      },
    );

    const parsed = events.records.map((r) => JSON.parse(r.value!.toString()) as EventJson);
    for (const r of events.records) assert.equal(r.key, (JSON.parse(r.value!.toString()) as EventJson).vin, 'key = VIN');
    const seq = (vin: string): string[] =>
      parsed.filter((e) => e.vin === vin).map((e) => `${e.type} ${e.fenceId}${e.reason ? ` ${e.reason}` : ''}`);
    assert.deepEqual(seq(vinA), ['enter school', 'exit school left', 'enter depot', 'exit depot left']);
    assert.deepEqual(seq(vinB), ['enter corridor', 'exit corridor left']);
    assert.deepEqual(seq(vinC), ['enter corridor']);
    assert.deepEqual(seq(vinD), ['cross depot']);

    // the school's action: set_speed_limit 30 for A, through the command service, audited, delivered to the car
    await waitFor(() => a!.commands.length > 0, { timeoutMs: 30_000, what: 'the set_speed_limit command at car A' });
    assert.deepEqual(
      distinctCommands(a!).map((x) => [x.type, x.params]),
      [['set_speed_limit', { kmh: 30 }]],
    );
    const list = await api<{ commands: { type: string; principal: string; idempotencyKey: string }[] }>(
      'GET',
      `/api/v1/vehicles/${vinA}/commands`,
      VIEWER,
    );
    assert.equal(list.status, 200);
    assert.equal(list.body.commands.length, 1);
    assert.equal(list.body.commands[0]?.principal, 'geofence:school');
    assert.match(String(list.body.commands[0]?.idempotencyKey), new RegExp(`^school/${vinA}/enter/\\d+/0$`));
    await waitFor(
      () =>
        audit.records.some((r) => {
          const e = JSON.parse(r.value!.toString()) as { vin: string; to: string; actor: { id: string } };
          return e.vin === vinA && e.to === 'CREATED' && e.actor.id === 'geofence:school';
        }),
      { timeoutMs: 30_000, what: 'the audit entry of the fence action' },
    );
    for (const car of [b, c, d]) assert.deepEqual(car!.commands, [], 'no actions on the other fences');
  });

  await t.test('deleting the corridor with C parked inside: exit fence_deleted', async () => {
    assert.equal((await api('DELETE', '/api/v1/fences/corridor', ADMIN)).status, 204);
    assert.equal((await api('GET', '/api/v1/fences/corridor', VIEWER)).status, 404);
    await events.until(9);
    const last = events.records.map((r) => JSON.parse(r.value!.toString()) as EventJson).filter((e) => e.vin === vinC);
    assert.deepEqual(
      last.map((e) => `${e.type} ${e.reason ?? ''}`),
      ['enter ', 'exit fence_deleted'],
    );
  });

  await t.test('every event reached a dashboard over socket.io too, with the fence name', async () => {
    await waitFor(() => received.length >= 9, { timeoutMs: 10_000, what: "9 'geofence' messages on socket.io" });
    const fromKafka = events.records.map((r) => JSON.parse(r.value!.toString()) as EventJson);
    const label = (e: { type: string; fenceId: string; vin: string; ts: number }): string => `${e.vin} ${e.type} ${e.fenceId} ${e.ts}`;
    assert.deepEqual(received.map(label).sort(), fromKafka.map(label).sort());
    assert.deepEqual(pushed, received, 'socket.io carries exactly what the role emitted');
    const deleted = received.find((m) => m.vin === vinC && m.type === 'exit');
    assert.equal(deleted?.reason, 'deleted');
    assert.equal(deleted?.fenceName, 'Bus lane');
    assert.equal(received.find((m) => m.type === 'enter' && m.fenceId === 'school')?.fenceName, 'School zone');
    assert.ok(received.every((m) => Number.isFinite(m.lat) && Number.isFinite(m.lon)));
  });

  await t.test('metrics: positions, events by type, evaluation latency, fences', async () => {
    const text = await (await fetch(`${backend.httpUrl}/metrics`)).text();
    const value = (re: RegExp): number => Number(re.exec(text)?.[1] ?? NaN);
    assert.ok(value(/^v2x_geofence_positions_total (\d+)/m) >= 33, 'positions counted');
    assert.equal(value(/^v2x_geofence_events_total\{type="enter"\} (\d+)/m), 4);
    assert.equal(value(/^v2x_geofence_events_total\{type="cross"\} (\d+)/m), 1);
    assert.equal(value(/^v2x_geofence_fences (\d+)/m), 2);
    assert.equal(value(/^v2x_geofence_actions_total\{outcome="created"\} (\d+)/m), 1);
    assert.ok(value(/^v2x_geofence_evaluation_seconds_count (\d+)/m) >= 33);
  });

  await t.test('a second instance rebuilds the fences from Kafka and follows changes made through the first', async () => {
    const second = backendConfig(config.kafka.brokers, { 'backend.roles': 'geofencing', 'bridge.topicPrefix': prefix });
    const { backend: other } = await startTestBackend(t, second);
    const api2 = apiClient(other.httpUrl);
    const ids = async (): Promise<string[]> =>
      (await api2<{ items: { id: string; name: string }[] }>('GET', '/api/v1/fences', VIEWER)).body.items.map((f) => `${f.id}:${f.name}`);
    assert.deepEqual(await ids(), ['depot:Depot yard', 'school:School zone'], 'rebuilt before serving');
    assert.equal((await api('POST', '/api/v1/fences', ADMIN, { ...CORRIDOR, id: 'lane-2' })).status, 201);
    await waitFor(async () => (await ids()).includes('lane-2:Bus lane'), { timeoutMs: 30_000, what: 'lane-2 at the second instance' });
  });
});
