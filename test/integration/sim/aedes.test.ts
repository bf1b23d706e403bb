/**
 * The simulator against an embedded aedes with per-car credentials (username = VIN, password from
 * the fleet key, as the backend's broker does): the cars connect and answer a command on cmd/res
 * (MQTT 3.1.1); a wrong fleet key ends the run with MQTT_BAD_CREDENTIALS.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { carPassword } from '../../../protocol/credentials.js';
import { createCommandRequest, decode } from '../../../protocol/index.js';
import { FleetGenerator } from '../../../simulator/fleet/generate.js';
import { seedOf } from '../../../simulator/runtime/world.js';
import { isV2xError } from '../../../core/errors.js';
import { Simulation } from '../../../simulator/runtime/simulation.js';
import { startAedes } from '../mqtt/aedes-broker.js';
import { observer, runSim, simSettings } from './helpers.js';

const FLEET_KEY = 'test-fleet-key-1234';
const SERVICE = { username: 'observer', password: 'observer-pass' };

function users(seed: string, cars: number): Record<string, string> {
  const gen = new FleetGenerator({ seed: seedOf(seed) });
  const out: Record<string, string> = { [SERVICE.username]: SERVICE.password };
  for (let i = 0; i < cars; i++) {
    const vin = gen.car(i).vin;
    out[vin] = carPassword(FLEET_KEY, vin);
  }
  return out;
}

test('cars log in with their fleet-key passwords and answer a command on cmd/res', async (t) => {
  const broker = await startAedes(t, { users: users('9', 4) });
  const url = `mqtt://${broker.host}:${broker.port}`;
  const obs = await observer(t, url, ['v2x/v1/+/status', 'v2x/v1/+/cmd/res'], SERVICE);
  const sim = runSim(t, simSettings({ broker: url, cars: 4, seed: '9', fleetKey: FLEET_KEY, workers: 1, rate: 2 }));
  const online = await obs.waitFor((m) => decode('status', m.payload).state === 'online');
  const vin = online.topic.split('/')[2]!;
  const commandId = randomUUID();
  const req = createCommandRequest({ commandId, vin, type: 'locate', params: {}, issuedAt: Date.now(), ttlMs: 60_000 });
  await obs.client.publishAsync(`v2x/v1/${vin}/cmd/req`, JSON.stringify(req), { qos: 1 });
  const res = await obs.waitFor((m) => m.topic === `v2x/v1/${vin}/cmd/res` && decode('commandResult', m.payload).status === 'succeeded');
  const r = decode('commandResult', res.payload);
  assert.equal(r.commandId, commandId);
  assert.ok(r.status === 'succeeded' && r.position !== undefined, 'locate answers with a position');
  const summary = await sim.stop();
  assert.equal(summary.errorCount, 0, JSON.stringify(summary.errors));
});

test('a wrong fleet key ends the run with MQTT_BAD_CREDENTIALS', async (t) => {
  const broker = await startAedes(t, { users: users('9', 2) });
  const url = `mqtt://${broker.host}:${broker.port}`;
  const sim = new Simulation(
    simSettings({ broker: url, cars: 2, seed: '9', fleetKey: 'not-the-right-key', workers: 1, connectTimeoutS: 10 }),
  );
  await assert.rejects(sim.run(), (err: unknown) => isV2xError(err, 'MQTT_BAD_CREDENTIALS') && err.exitCode === 2);
});
