/**
 * The dashboard's routes plugins over app.inject(): its own (/me, /system, /network, against fixed
 * functions) and the vehicles API (backend/dashboard/vehicles/routes.ts, against a real in-memory
 * VehicleStore). Every route needs the least role (viewer), so there is no 403 to provoke.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { API_V1 } from '../../../backend/api/route.js';
import { plugin } from '../../../backend/http.js';
import { dashboardRoutes } from '../../../backend/dashboard/routes.js';
import { vehicleRoutes } from '../../../backend/dashboard/vehicles/routes.js';
import type { SystemMetricsMsg } from '../../../backend/dashboard/hub/events.js';
import { fleet, UNKNOWN_VIN, VIN } from './fakes.js';
import { ADMIN, OPERATOR, VIEWER, testHttp, type ErrorReply } from './http.js';

const system: SystemMetricsMsg = { t: 1000, msgPerS: 12.5, kafkaLag: 3, latencyP99Ms: 8, connectedCars: 1 };
const network = JSON.stringify({ type: 'FeatureCollection', features: [] });

test('dashboard: /me names the principal and role; /system; /network as JSON text', async (t) => {
  const { call } = testHttp(t, plugin(dashboardRoutes, { prefix: API_V1, system: () => system, network: () => network }));
  assert.deepEqual((await call('GET', `${API_V1}/me`, VIEWER)).body, { principal: 'vic', role: 'viewer' });
  assert.deepEqual((await call('GET', `${API_V1}/me`, OPERATOR)).body, { principal: 'olga', role: 'operator' });
  assert.deepEqual((await call('GET', `${API_V1}/me`, ADMIN)).body, { principal: 'ada', role: 'admin' });
  assert.deepEqual((await call('GET', `${API_V1}/system`, VIEWER)).body, system);
  const net = await call('GET', `${API_V1}/network`, VIEWER);
  assert.equal(net.status, 200);
  assert.equal(net.headers['content-type'], 'application/json; charset=utf-8');
  assert.equal(net.headers['cache-control'], 'private, max-age=3600');
  assert.deepEqual(net.body, JSON.parse(network));
  for (const url of ['/me', '/system', '/network']) {
    const r = await call<ErrorReply>('GET', `${API_V1}${url}`);
    assert.equal(r.status, 401, url);
    assert.equal(r.body.code, 'UNAUTHORIZED');
  }
});

test('vehicles: list with filters, one car, its telemetry', async (t) => {
  const { call } = testHttp(t, plugin(vehicleRoutes, { prefix: API_V1, store: fleet() }));
  const all = await call<{ items: { vin: string }[]; total: number; limit: number }>('GET', `${API_V1}/vehicles`, VIEWER);
  assert.equal(all.status, 200);
  assert.deepEqual([all.body.items.map((c) => c.vin), all.body.total, all.body.limit], [[VIN], 1, 50]);
  assert.equal((await call<{ total: number }>('GET', `${API_V1}/vehicles?make=bmw`, VIEWER)).body.total, 0);
  const one = await call<{ make: string; telemetry: { seq: number } }>('GET', `${API_V1}/vehicles/${VIN}`, VIEWER);
  assert.equal(one.status, 200);
  assert.deepEqual([one.body.make, one.body.telemetry.seq], ['Volkswagen', 1]);
  const tel = await call<{ items: { seq: number }[] }>('GET', `${API_V1}/vehicles/${VIN}/telemetry?limit=1`, VIEWER);
  assert.deepEqual(
    tel.body.items.map((m) => m.seq),
    [1],
  );
});

test('vehicles: 401 first, then 400 naming the parameter, 404 for an unknown VIN', async (t) => {
  const { call } = testHttp(t, plugin(vehicleRoutes, { prefix: API_V1, store: fleet() }));
  const noToken = await call<ErrorReply>('GET', `${API_V1}/vehicles?limit=0`);
  assert.equal(noToken.status, 401, 'auth before the query is validated');
  const limit = await call<ErrorReply>('GET', `${API_V1}/vehicles?limit=0`, VIEWER);
  assert.equal(limit.status, 400);
  assert.deepEqual(
    [limit.body.code, limit.body.details.field, limit.body.details.rule],
    ['VALIDATION_FAILED', 'querystring.limit', 'minimum'],
  );
  const bbox = await call<ErrorReply>('GET', `${API_V1}/vehicles?bbox=1,2,3`, VIEWER);
  assert.equal(bbox.status, 400);
  const badVin = await call<ErrorReply>('GET', `${API_V1}/vehicles/NOTAVIN0000000000`, VIEWER);
  assert.equal(badVin.status, 400);
  assert.equal(badVin.body.details.field, 'params.vin');
  const unknown = await call<ErrorReply>('GET', `${API_V1}/vehicles/${UNKNOWN_VIN}/telemetry`, VIEWER);
  assert.equal(unknown.status, 404);
  assert.equal(unknown.body.code, 'VEHICLE_NOT_FOUND');
});
