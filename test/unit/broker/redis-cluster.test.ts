/** The Redis seam's URL parsing, and the HAProxy config in front of the edges. */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { redisOptions, staysOnEdge } from '../../../backend/broker/redis-cluster.js';
import { renderHaproxyConfig } from '../../../infra/haproxy/launcher.js';
import { isV2xError } from '../../../core/errors.js';

test('redisOptions: host, port, password and database from the URL; bad ones refused by name', () => {
  assert.deepEqual(redisOptions('redis://127.0.0.1:6390'), { host: '127.0.0.1', port: 6390 });
  assert.deepEqual(redisOptions('redis://:s%40cret@redis.local/2'), { host: 'redis.local', port: 6379, password: 's@cret', db: 2 });
  for (const bad of ['localhost:6379', 'http://x:1', 'redis://x/abc']) {
    assert.throws(
      () => redisOptions(bad),
      (err: unknown) => isV2xError(err) && err.code === 'CONFIG_INVALID' && err.message.includes('mqtt.redisUrl'),
    );
  }
});

test('renderHaproxyConfig: TCP mode, one checked server per edge', () => {
  const cfg = renderHaproxyConfig('127.0.0.1:1883', [
    { host: '127.0.0.1', port: 2001 },
    { host: '127.0.0.1', port: 2002 },
  ]);
  assert.match(cfg, /bind 127\.0\.0\.1:1883/);
  assert.match(cfg, /mode tcp/);
  assert.match(cfg, /maxconn 9000/);
  assert.match(cfg, /server edge-1 127\.0\.0\.1:2001 check\n {4}server edge-2 127\.0\.0\.1:2002 check/);
  assert.throws(() => renderHaproxyConfig('127.0.0.1:1', []), /at least one edge/);
});

test('a missing server program is PREREQ_MISSING naming the Debian package', async () => {
  const { findProgram } = await import('../../../infra/redis/launcher.js');
  assert.throws(
    () => findProgram('v2x-no-such-redis-server', 'redis-server', '/nonexistent'),
    (err: unknown) => isV2xError(err) && err.code === 'PREREQ_MISSING' && err.message.includes('apt-get install redis-server'),
  );
  assert.match(findProgram('sh', 'dash'), /\/sh$/);
});

test('staysOnEdge: a car uplink stays on its edge; commands, warnings and $SYS go through Redis', () => {
  const vin = '1V2XT0S07NA000001';
  for (const kind of ['telemetry', 'status', 'events', 'cmd/res']) assert.equal(staysOnEdge(`v2x/v1/${vin}/${kind}`), true, kind);
  for (const topic of [`v2x/v1/${vin}/cmd/req`, `v2x/v1/${vin}/warnings`, '$SYS/abc/new/clients', 'other/topic', 'v2x/v1/novin'])
    assert.equal(staysOnEdge(topic), false, topic);
});
