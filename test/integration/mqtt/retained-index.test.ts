/**
 * The embedded broker's retained-message index (backend/broker/retained-index.ts) against real MQTT
 * clients: a subscription to an exact topic gets that topic's retained message and nothing else, a
 * wildcard subscription gets every match, a retained message deleted with an empty payload is gone
 * for both, and a replaced one is the new one.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { Type } from '@sinclair/typebox';
import mqtt from 'mqtt';
import { mqttConfigSchema } from '../../../backend/broker/config.js';
import { startEmbeddedBroker } from '../../../backend/broker/embedded.js';
import { loadConfig } from '../../../core/config/load.js';
import { waitFor } from '../../helpers/poll.js';

async function retainedFor(url: string, topic: string, expect: number): Promise<Map<string, string>> {
  const got = new Map<string, string>();
  const c = await mqtt.connectAsync(url, { reconnectPeriod: 0 });
  try {
    c.on('message', (t, payload, packet) => {
      if (packet.retain) got.set(t, payload.toString());
    });
    await c.subscribeAsync(topic, { qos: 1 });
    if (expect > 0) await waitFor(() => got.size >= expect, { timeoutMs: 5000, what: `${expect} retained messages on ${topic}` });
    // a retained message is sent right after the SUBACK: the round trip of a PINGREQ-like publish
    // to ourselves shows that nothing more is coming
    await c.subscribeAsync('probe/done', { qos: 1 });
    let done = false;
    c.on('message', (t) => {
      if (t === 'probe/done') done = true;
    });
    await c.publishAsync('probe/done', 'x', { qos: 1 });
    await waitFor(() => done, { timeoutMs: 5000, what: 'the probe message' });
    return got;
  } finally {
    await c.endAsync();
  }
}

test('retained messages: exact subscriptions through the index, wildcards by scan, deletes and replaces', async (t) => {
  const config = loadConfig(Type.Object({ mqtt: mqttConfigSchema }), {
    flags: { 'mqtt.host': '127.0.0.1', 'mqtt.port': 0, 'mqtt.wsPort': 0, 'mqtt.auth': false },
  }).mqtt;
  const broker = await startEmbeddedBroker(config);
  t.after(() => broker.close());
  const url = broker.tcpUrl;

  const pub = await mqtt.connectAsync(url, { reconnectPeriod: 0 });
  t.after(() => pub.endAsync());
  for (let i = 0; i < 50; i++) await pub.publishAsync(`v2x/v1/CAR${i}/status`, `online ${i}`, { qos: 1, retain: true });

  assert.deepEqual([...(await retainedFor(url, 'v2x/v1/CAR7/status', 1))], [['v2x/v1/CAR7/status', 'online 7']]);
  assert.equal((await retainedFor(url, 'v2x/v1/+/status', 50)).size, 50);
  assert.equal((await retainedFor(url, 'v2x/v1/NOSUCHCAR/status', 0)).size, 0);

  await pub.publishAsync('v2x/v1/CAR7/status', '', { qos: 1, retain: true }); // delete
  await pub.publishAsync('v2x/v1/CAR8/status', 'offline 8', { qos: 1, retain: true }); // replace
  assert.equal((await retainedFor(url, 'v2x/v1/CAR7/status', 0)).size, 0);
  assert.deepEqual([...(await retainedFor(url, 'v2x/v1/CAR8/status', 1))], [['v2x/v1/CAR8/status', 'offline 8']]);
  const all = await retainedFor(url, 'v2x/v1/#', 49);
  assert.equal(all.size, 49);
  assert.equal(all.get('v2x/v1/CAR8/status'), 'offline 8');
  assert.equal(all.has('v2x/v1/CAR7/status'), false);
});
