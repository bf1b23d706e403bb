/**
 * The embedded broker survives a burst behind slow deliveries (backend/broker/local-emitter.ts,
 * decision 0035). With aedes' default router, 100 deliveries held up (a car's full socket) queue
 * every later publish, and releasing them drains the queue as one recursion: the stack overflows,
 * the broker dies and the queued publishes are never acknowledged. Here 150 deliveries are held by
 * an in-process subscriber while 30,000 messages are published; every publish completes, none is
 * lost, and a real MQTT client still gets its PUBACK afterwards.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { Type } from '@sinclair/typebox';
import mqtt from 'mqtt';
import { mqttConfigSchema } from '../../../backend/broker/config.js';
import { startEmbeddedBroker } from '../../../backend/broker/embedded.js';
import { loadConfig } from '../../../core/config/load.js';
import { waitFor } from '../../helpers/poll.js';

test('30,000 publishes behind 150 held deliveries: all complete, no stack overflow, the broker still acknowledges', async (t) => {
  const config = loadConfig(Type.Object({ mqtt: mqttConfigSchema }), {
    flags: { 'mqtt.host': '127.0.0.1', 'mqtt.port': 0, 'mqtt.wsPort': 0, 'mqtt.auth': false },
  }).mqtt;
  const broker = await startEmbeddedBroker(config);
  t.after(() => broker.close());
  const { aedes } = broker;

  const held: (() => void)[] = [];
  await new Promise<void>((resolve) => aedes.subscribe('slow/#', (_packet, cb) => held.push(cb), resolve));
  const packet = (topic: string) => ({
    cmd: 'publish' as const,
    topic,
    payload: Buffer.from('x'),
    qos: 0 as const,
    retain: false,
    dup: false,
  });
  const errors: Error[] = [];
  const note = (err?: Error | null) => {
    if (err) errors.push(err);
  };
  for (let i = 0; i < 150; i++) aedes.publish(packet('slow/car'), note);
  await waitFor(() => held.length === 150, { timeoutMs: 5000, what: `the 150 held deliveries (${held.length} so far)` });

  let completed = 0;
  for (let i = 0; i < 30_000; i++)
    aedes.publish(packet(`v2x/v1/CAR${i % 500}/telemetry`), (err) => {
      note(err);
      completed++;
    });
  for (const release of held.splice(0)) release();
  await waitFor(() => completed === 30_000, { timeoutMs: 20_000, what: 'all 30,000 publishes to complete' });
  assert.deepEqual(errors, []);

  const c = await mqtt.connectAsync(broker.tcpUrl, { reconnectPeriod: 0 });
  t.after(() => c.endAsync());
  const ack = await c.publishAsync('v2x/v1/CAR1/telemetry', 'after', { qos: 1 });
  assert.ok(ack !== undefined, 'the broker acknowledged a QoS 1 publish after the burst');
});
