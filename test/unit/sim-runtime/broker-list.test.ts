/** Cars over clustered edges: sim.broker lists every edge; each car starts on one and rotates (decision 0026). */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { Type } from '@sinclair/typebox';
import { loadConfig } from '../../../core/config/load.js';
import { isV2xError } from '../../../core/errors.js';
import { resolveSimSettings, simConfigSchema } from '../../../simulator/config.js';
import { carSessionOptions } from '../../../simulator/runtime/session-options.js';
import type { CarSpec } from '../../../simulator/fleet/generate.js';

const schema = Type.Object({ sim: simConfigSchema });
const load = (flags: Record<string, unknown>) => resolveSimSettings(loadConfig(schema, { flags }).sim);

test('sim.broker: several comma-separated URLs; one stays one', () => {
  const s = load({ 'sim.broker': 'mqtt://127.0.0.1:1883, mqtt://127.0.0.1:1884,mqtt://10.0.0.3' });
  assert.deepEqual(s.brokers, [
    { tls: false, host: '127.0.0.1', port: 1883 },
    { tls: false, host: '127.0.0.1', port: 1884 },
    { tls: false, host: '10.0.0.3', port: 1883 },
  ]);
  assert.deepEqual(s.broker, s.brokers[0]);
  assert.equal(load({}).brokers.length, 1);
  assert.throws(
    () => load({ 'sim.broker': 'mqtt://a:1,mqtts://b:2' }),
    (err: unknown) => isV2xError(err) && /mixes mqtt:\/\/ and mqtts:\/\//.test(err.message),
  );
});

test('car i starts on edge i mod n and fails over through the others in turn', () => {
  const s = load({ 'sim.broker': 'mqtt://127.0.0.1:1883,mqtt://127.0.0.1:1884,mqtt://127.0.0.1:1885' });
  const car = { vin: '1V2XT0S07NA000001' } as unknown as CarSpec;
  const o4 = carSessionOptions(s, car, 4);
  assert.equal(o4.transport.port, 1884);
  assert.deepEqual(
    o4.failover?.map((x) => x.port),
    [1884, 1885, 1883],
  );
  const one = carSessionOptions(load({}), car, 4);
  assert.equal(one.failover, undefined);
  assert.equal(one.transport.port, 1883);
});
