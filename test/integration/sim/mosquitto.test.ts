/**
 * The simulator against a real Mosquitto: cars connect and publish telemetry that validates; they
 * answer commands on the MQTT 5 response topic with the correlation data (unlock on a parked car
 * succeeds, open_trunk on a moving car is rejected); the last will marks a car offline when its
 * process is killed; a persistent session gets a command queued while the car was offline.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import {
  createCommandRequest,
  decode,
  validateCommandResult,
  validateStatus,
  validateTelemetry,
  type Telemetry,
} from '../../../protocol/index.js';
import { startMosquitto } from '../../helpers/mosquitto.js';
import { carsWithStatus, observer, runCli, runSim, simSettings, type Received } from './helpers.js';

const latestTelemetry = (messages: readonly Received[], vin: string): Telemetry | undefined => {
  for (let i = messages.length - 1; i >= 0; i--) {
    const m = messages[i]!;
    if (m.topic === `v2x/v1/${vin}/telemetry`) return decode('telemetry', m.payload);
  }
  return undefined;
};

test('cars publish valid telemetry and answer commands on the MQTT 5 response topic', async (t) => {
  const broker = await startMosquitto(t);
  const cars = 12;
  const obs = await observer(t, broker.url, ['v2x/v1/+/telemetry', 'test/responses/#'], { protocolVersion: 5 });
  const sim = runSim(
    t,
    simSettings({
      broker: broker.url,
      cars,
      seed: '3',
      mqttVersion: '5',
      qos: 1,
      rate: 2,
      credentials: 'none',
      initialParkedShare: 0.5,
      coverageHolesPerHour: 0,
      workers: 2,
    }),
  );
  const vins = new Set<string>();
  await obs.waitFor((m) => {
    if (m.topic.endsWith('/telemetry')) vins.add(m.topic.split('/')[2]!);
    return vins.size === cars;
  });
  for (const m of obs.messages.filter((x) => x.topic.endsWith('/telemetry'))) {
    const r = validateTelemetry(decode('telemetry', m.payload));
    assert.ok(r.ok, `telemetry validates: ${r.ok ? '' : r.issue.message}`);
  }
  // a parked car (standing, ignition off) and a moving one, from their latest telemetry
  const pick = (pred: (tm: Telemetry) => boolean): Promise<string> =>
    obs
      .waitFor((m) => {
        if (!m.topic.endsWith('/telemetry')) return false;
        const tm = latestTelemetry(obs.messages, m.topic.split('/')[2]!);
        return tm !== undefined && pred(tm);
      })
      .then((m) => m.topic.split('/')[2]!);
  const parked = await pick((tm) => tm.gps.speedKmh === 0 && !tm.ignition);
  const moving = await pick((tm) => tm.gps.speedKmh > 25);

  const send = async (vin: string, type: 'unlock' | 'open_trunk'): Promise<string> => {
    const commandId = randomUUID();
    const req = createCommandRequest({ commandId, vin, type, params: {}, issuedAt: Date.now(), ttlMs: 60_000 });
    await obs.client.publishAsync(`v2x/v1/${vin}/cmd/req`, JSON.stringify(req), {
      qos: 1,
      properties: { responseTopic: `test/responses/${vin}`, correlationData: Buffer.from(commandId) },
    });
    return commandId;
  };
  const result = (commandId: string, status: string): Promise<Received> =>
    obs.waitFor((m) => {
      if (!m.topic.startsWith('test/responses/')) return false;
      const r = decode('commandResult', m.payload);
      return r.commandId === commandId && r.status === status;
    });

  const unlock = await send(parked, 'unlock');
  const delivered = await result(unlock, 'delivered');
  assert.equal(delivered.packet.properties?.correlationData?.toString(), unlock, 'correlation data echoed');
  const succeeded = await result(unlock, 'succeeded');
  assert.ok(validateCommandResult(decode('commandResult', succeeded.payload)).ok);

  const trunk = await send(moving, 'open_trunk');
  const rejected = decode('commandResult', (await result(trunk, 'rejected')).payload);
  assert.equal(rejected.status, 'rejected');
  assert.equal(rejected.status === 'rejected' ? rejected.reason : '', 'precondition_failed');

  const summary = await sim.stop();
  assert.equal(summary.cars, cars);
  assert.equal(summary.commands.received, 2);
  assert.equal(summary.commands.results.succeeded, 1);
  assert.equal(summary.commands.results.rejected, 1);
  assert.ok(summary.messages.published.telemetry! >= cars);
  assert.equal(summary.errorCount, 0, JSON.stringify(summary.errors));
});

test('the last will marks the cars offline when the simulator is killed', async (t) => {
  const broker = await startMosquitto(t);
  const obs = await observer(t, broker.url, ['v2x/v1/+/status']);
  const run = runCli(t, ['sim', '--broker', broker.url, '--cars', '3', '--seed', '11', '--credentials', 'none', '--workers', '1']);
  const online = await carsWithStatus(obs, 3, (s) => s.state === 'online');
  run.child.kill('SIGKILL');
  const offline = await carsWithStatus(obs, 3, (s) => {
    assert.ok(validateStatus(s).ok);
    return s.state === 'offline' && s.reason === 'connection_lost';
  });
  assert.deepEqual([...offline].sort(), [...online].sort());
});

test('a persistent session receives a command queued while the car was offline', async (t) => {
  const broker = await startMosquitto(t);
  const obs = await observer(t, broker.url, ['v2x/v1/+/status', 'v2x/v1/+/cmd/res']);
  const args = ['sim', '--broker', broker.url, '--cars', '2', '--seed', '21', '--credentials', 'none', '--workers', '1', '--persistent'];
  const first = runCli(t, args);
  const online = await carsWithStatus(obs, 2, (s) => s.state === 'online');
  first.child.kill('SIGTERM');
  assert.equal(await first.exited, 0, first.stderr());
  const vin = [...online][0]!;
  await obs.waitFor((m) => m.topic === `v2x/v1/${vin}/status` && decode('status', m.payload).state === 'offline');
  const commandId = randomUUID();
  const req = createCommandRequest({ commandId, vin, type: 'flash_lights', params: {}, issuedAt: Date.now(), ttlMs: 120_000 });
  await obs.client.publishAsync(`v2x/v1/${vin}/cmd/req`, JSON.stringify(req), { qos: 1 });

  runCli(t, args);
  const done = await obs.waitFor((m) => {
    if (!m.topic.endsWith('/cmd/res')) return false;
    const r = decode('commandResult', m.payload);
    return r.commandId === commandId && r.status !== 'delivered';
  });
  assert.equal(done.topic, `v2x/v1/${vin}/cmd/res`);
  assert.equal(decode('commandResult', done.payload).status, 'succeeded');
});
