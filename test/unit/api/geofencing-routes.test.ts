/**
 * The fence routes plugin (backend/services/geofencing/routes.ts) over app.inject() against a fake
 * geofencing service (a map): auth before the validator, GEOFENCE_INVALID from the validator,
 * 404/409, and what reaches the service.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { API_V1 } from '../../../backend/api/route.js';
import { plugin } from '../../../backend/http.js';
import { geofenceRoutes, type GeofenceApi } from '../../../backend/services/geofencing/routes.js';
import type { Fence } from '../../../backend/services/geofencing/schema.js';
import { ADMIN, OPERATOR, VIEWER, testHttp, type ErrorReply } from './http.js';

class FakeFences implements GeofenceApi {
  readonly byId = new Map<string, Fence>();
  readonly removed: string[] = [];
  fence(id: string): Fence | undefined {
    return this.byId.get(id);
  }
  fences(): Fence[] {
    return [...this.byId.values()].sort((a, b) => a.id.localeCompare(b.id));
  }
  async put(fence: Fence): Promise<Fence> {
    this.byId.set(fence.id, fence);
    return fence;
  }
  async remove(id: string): Promise<void> {
    this.removed.push(id);
    this.byId.delete(id);
  }
  occupants(): string[] {
    return [];
  }
}

const circle = { name: 'school', geometry: { type: 'Circle', center: [11.575, 48.137], radiusM: 150 } };
const base = `${API_V1}/fences`;

function setup(t: Parameters<typeof testHttp>[0]) {
  const fake = new FakeFences();
  return { fake, ...testHttp(t, plugin(geofenceRoutes, { prefix: API_V1, service: fake })) };
}

test('fences: an admin creates (201, id generated), replaces and deletes (204); a viewer reads', async (t) => {
  const { fake, call } = setup(t);
  const created = await call<Fence>('POST', base, ADMIN, circle);
  assert.equal(created.status, 201);
  assert.match(created.body.id, /^[0-9a-f-]{36}$/);
  assert.deepEqual([created.body.tags, created.body.enabled], [[], true], 'defaults filled in by the validator');
  const named = await call<Fence>('POST', base, ADMIN, { ...circle, id: 'school' });
  assert.equal(named.status, 201);
  assert.equal((await call<{ items: Fence[] }>('GET', base, VIEWER)).body.items.length, 2);
  const replaced = await call<Fence>('PUT', `${base}/school`, ADMIN, { ...circle, name: 'old school' });
  assert.equal(replaced.status, 200);
  assert.equal(fake.byId.get('school')?.name, 'old school');
  assert.deepEqual((await call('GET', `${base}/school/occupants`, VIEWER)).body, { vins: [] });
  const del = await call('DELETE', `${base}/school`, ADMIN);
  assert.equal(del.status, 204);
  assert.deepEqual(fake.removed, ['school']);
});

test('fences: 401 without a token, even with a body the validator would refuse', async (t) => {
  const { fake, call } = setup(t);
  const r = await call<ErrorReply>('POST', base, undefined, { name: 'bowtie', geometry: { type: 'Circle', center: [0, 0], radiusM: 0 } });
  assert.equal(r.status, 401);
  assert.equal(r.body.code, 'UNAUTHORIZED');
  assert.equal((await call('GET', `${base}/${'x'.repeat(65)}`, 'unknown-token-1')).status, 401, 'before the params too');
  assert.equal(fake.byId.size, 0);
});

test('fences: 403 below admin for every write', async (t) => {
  const { fake, call } = setup(t);
  await fake.put({
    id: 'school',
    name: 'school',
    tags: [],
    enabled: true,
    geometry: { type: 'Circle', center: [11.5, 48.1], radiusM: 10 },
  });
  for (const token of [VIEWER, OPERATOR]) {
    const post = await call<ErrorReply>('POST', base, token, circle);
    assert.equal(post.status, 403, token);
    assert.equal(post.body.code, 'FORBIDDEN');
    assert.equal((await call('PUT', `${base}/school`, token, circle)).status, 403);
    assert.equal((await call('DELETE', `${base}/school`, token)).status, 403);
  }
  assert.deepEqual(fake.removed, []);
});

test("fences: 400 with the validator's reason, a bad id or a body id other than the path's; 404; 409", async (t) => {
  const { fake, call } = setup(t);
  const zero = await call<ErrorReply>('POST', base, ADMIN, { ...circle, geometry: { type: 'Circle', center: [11.5, 48.1], radiusM: 0 } });
  assert.equal(zero.status, 400);
  assert.equal(zero.body.code, 'GEOFENCE_INVALID');
  assert.equal(zero.body.details.reason, 'radius_not_positive');
  const longId = await call<ErrorReply>('GET', `${base}/${'x'.repeat(65)}`, VIEWER);
  assert.equal(longId.status, 400);
  assert.equal(longId.body.details.field, 'params.id');
  await call('POST', base, ADMIN, { ...circle, id: 'school' });
  const mismatch = await call<ErrorReply>('PUT', `${base}/school`, ADMIN, { ...circle, id: 'other' });
  assert.equal(mismatch.status, 400);
  assert.equal(mismatch.body.details.field, 'body.id');
  assert.equal((await call<ErrorReply>('POST', base, ADMIN, { ...circle, id: 'school' })).status, 409);
  const missing = await call<ErrorReply>('GET', `${base}/nope`, VIEWER);
  assert.equal(missing.status, 404);
  assert.equal(missing.body.code, 'GEOFENCE_NOT_FOUND');
  assert.equal((await call('DELETE', `${base}/nope`, ADMIN)).status, 404);
  assert.equal(fake.byId.size, 1);
});
