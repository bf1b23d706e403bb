/**
 * The fleet in a child process (simulator/runtime/fleet-process.ts), as `v2x up` and the commands
 * bench run it: cars connect to a real broker and report, stop() disconnects them and the child
 * exits; a config the child cannot build rejects with the error naming it, and no child is left.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { Type } from '@sinclair/typebox';
import { loadConfig } from '../../../core/config/load.js';
import { simConfigSchema } from '../../../simulator/config.js';
import { startFleetProcess } from '../../../simulator/runtime/fleet-process.js';
import { waitFor } from '../../helpers/poll.js';
import { startAedes } from '../mqtt/aedes-broker.js';
import { isAlive } from '../../helpers/process.js';

const simConfig = (flags: Record<string, unknown>) => loadConfig(Type.Object({ sim: simConfigSchema }), { flags }).sim;
test('the fleet runs in its own process: cars connect and report, stop() ends the child', async (t) => {
  const broker = await startAedes(t);
  const url = `mqtt://${broker.host}:${broker.port}`;
  const fleet = await startFleetProcess(
    simConfig({ 'sim.broker': url, 'sim.cars': 12, 'sim.workers': 1, 'sim.rate': 2, 'sim.credentials': 'none' }),
  );
  t.after(() => fleet.stop());
  assert.equal(fleet.cars, 12);
  assert.notEqual(fleet.pid, process.pid);
  await fleet.ramped;
  await waitFor(() => (fleet.latest()?.telemetry ?? 0) > 12, { timeoutMs: 30_000, what: 'telemetry from the child fleet' });
  assert.equal(fleet.latest()?.connected, 12);
  await fleet.stop();
  await fleet.done;
  assert.equal(isAlive(fleet.pid), false, 'the child has exited');
});

test('a fleet the child cannot build rejects with the error naming the problem', async () => {
  await assert.rejects(
    startFleetProcess(simConfig({ 'sim.broker': 'mqtt://127.0.0.1:1', 'sim.replay': '/no/such/trace.csv' })),
    (err: Error) => /no\/such\/trace\.csv/.test(err.message),
  );
});
