/** The cars' reconnect backoff: sim.reconnectBaseMs, reconnectMaxMs and reconnectJitter reach each car's session. */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { Type } from '@sinclair/typebox';
import { loadConfig } from '../../../core/config/load.js';
import { isV2xError } from '../../../core/errors.js';
import { Backoff, defaultBackoff, seedOf } from '../../../mqtt/index.js';
import { resolveSimSettings, simConfigSchema } from '../../../simulator/config.js';
import { FleetGenerator } from '../../../simulator/fleet/generate.js';
import { carSessionOptions } from '../../../simulator/runtime/session-options.js';

const schema = Type.Object({ sim: simConfigSchema });
const load = (flags: Record<string, unknown>) => resolveSimSettings(loadConfig(schema, { flags }).sim);

test("the simulator's defaults (decision 0036): 10 s doubling to 30 s, full jitter", () => {
  const s = load({});
  assert.deepEqual(s.reconnect, { baseMs: 10_000, maxMs: defaultBackoff.maxMs, jitter: 1 });
});

test("each car's session gets the configured backoff, its jitter seeded by its VIN", () => {
  const s = load({ 'sim.reconnectBaseMs': 2000, 'sim.reconnectMaxMs': 20_000, 'sim.reconnectJitter': 1 });
  const [a, b] = new FleetGenerator({ seed: 1 }).cars(0, 2);
  const oa = carSessionOptions(s, a!, 0);
  const ob = carSessionOptions(s, b!, 1);
  assert.deepEqual(oa.reconnect, { baseMs: 2000, maxMs: 20_000, jitter: 1, factor: 2, seed: seedOf(a!.vin) });
  assert.notEqual((ob.reconnect as { seed: number }).seed, (oa.reconnect as { seed: number }).seed);
  // full jitter: the first delays of two cars differ and stay within [0, baseMs]
  const da = new Backoff(oa.reconnect as never).next();
  const db = new Backoff(ob.reconnect as never).next();
  assert.ok(da >= 0 && da <= 2000 && db >= 0 && db <= 2000);
  assert.notEqual(da, db);
});

test('a first delay above the longest is refused by name', () => {
  assert.throws(
    () => load({ 'sim.reconnectBaseMs': 5000, 'sim.reconnectMaxMs': 1000 }),
    (err) => isV2xError(err) && /sim.reconnectBaseMs \(5000\) must not be above sim.reconnectMaxMs \(1000\)/.test(err.message),
  );
  assert.throws(() => load({ 'sim.reconnectJitter': 2 }), /reconnectJitter/);
});
