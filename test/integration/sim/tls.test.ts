/**
 * mqtts:// with a CA file: the cars connect to a Mosquitto TLS listener and publish.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { startMosquitto } from '../../helpers/mosquitto.js';
import { runSim, simSettings } from './helpers.js';

test('cars connect over TLS with --ca-file', async (t) => {
  const broker = await startMosquitto(t, { tls: true });
  const sim = runSim(
    t,
    simSettings({
      broker: `mqtts://127.0.0.1:${broker.port}`,
      caFile: broker.caFile,
      cars: 3,
      seed: '2',
      workers: 1,
      credentials: 'none',
      rate: 4,
      speedup: 4,
      duration: '4s',
    }),
  );
  const summary = await sim.done;
  assert.equal(summary.connections.connects, 3);
  assert.equal(summary.errorCount, 0, JSON.stringify(summary.errors));
  assert.ok(summary.messages.totalAcked > 3 * 8, `acked ${summary.messages.totalAcked}`);
});
