/**
 * The traffic routes plugin (backend/services/traffic/routes.ts) over app.inject() against a fixed
 * view. Both routes need the least role (viewer) and take no parameters, so there is no 403 and no
 * 400 to provoke: the 403 path of the shared role hook is covered by the other plugins' tests.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { API_V1 } from '../../../backend/api/route.js';
import { plugin } from '../../../backend/http.js';
import { trafficRoutes, type TrafficView } from '../../../backend/services/traffic/routes.js';
import { ADMIN, VIEWER, testHttp, type ErrorReply } from './http.js';

const view: TrafficView = {
  jams: () => ({
    jams: [{ id: 'j1', segments: ['a', 'b'], lengthM: 420, growthMPerMin: 12, maxJamFactor: 8.5, startedMs: 1000, updatedMs: 2000 }],
    predicted: [{ segmentId: 'c', expectedMs: 5000 }],
  }),
  segments: () => ({ atMs: 2000, segments: [['a', 8.5]] }),
};

test('traffic: any role reads jams and segments', async (t) => {
  const { call } = testHttp(t, plugin(trafficRoutes, { prefix: API_V1, view }));
  for (const token of [VIEWER, ADMIN]) {
    const jams = await call('GET', `${API_V1}/jams`, token);
    assert.equal(jams.status, 200);
    assert.deepEqual(jams.body, view.jams());
  }
  const segments = await call('GET', `${API_V1}/traffic/segments`, VIEWER);
  assert.equal(segments.status, 200);
  assert.deepEqual(segments.body, view.segments());
});

test('traffic: 401 without or with an unknown token', async (t) => {
  const { call } = testHttp(t, plugin(trafficRoutes, { prefix: API_V1, view }));
  for (const url of [`${API_V1}/jams`, `${API_V1}/traffic/segments`]) {
    const none = await call<ErrorReply>('GET', url);
    assert.equal(none.status, 401, url);
    assert.equal(none.body.code, 'UNAUTHORIZED');
    assert.match(none.body.message, /no Authorization header/);
    assert.equal((await call('GET', url, 'unknown-token-1')).status, 401);
  }
});
