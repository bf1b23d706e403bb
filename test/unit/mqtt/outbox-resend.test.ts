import { test } from 'node:test';
import assert from 'node:assert/strict';
import { ManualClock } from '../../../core/clock.js';
import { EncodedTopic, encodePublish } from '../../../mqtt/encode.js';
import { InflightKind } from '../../../mqtt/inflight.js';
import { Outbox } from '../../../mqtt/outbox.js';
import { MqttStats } from '../../../mqtt/stats.js';

function outbox(): { box: Outbox; stats: MqttStats; written: Buffer[] } {
  const stats = new MqttStats();
  const box = new Outbox({ window: 8, maxQueued: 10, policy: 'drop-oldest' }, stats, new ManualClock());
  return { box, stats, written: [] };
}

const topic = new EncodedTopic('v2x/v1/car/telemetry');
const publish = (i: number): Buffer => encodePublish(4, topic, Buffer.from([i]), 1, undefined);
const DUP = 0x08;

test('counters under a reconnect: only DUP resends count as retransmitted', () => {
  const { box, stats, written } = outbox();
  const write = (p: Buffer): void => void written.push(p);
  for (let i = 0; i < 3; i++) box.offer(publish(i), 1, true, write);
  assert.equal(box.ack(written[0]!.readUInt16BE(written[0]!.length - 3), InflightKind.PUBACK, 0) >= 0, true);
  assert.equal(box.unacknowledged, 2);
  written.length = 0;
  box.retransmit(true, write);
  assert.equal(stats.retransmitted, 2);
  assert.equal(stats.republished, 0);
  assert.ok(written.every((p) => (p[0]! & DUP) !== 0));
  assert.deepEqual(stats.sent, [0, 3, 0], 'a resend is not a new send');
});

test('counters under a reconnect: without a kept session the lost publishes are republished, without DUP', () => {
  const { box, stats, written } = outbox();
  const write = (p: Buffer): void => void written.push(p);
  for (let i = 0; i < 2; i++) box.offer(publish(i), 1, true, write);
  written.length = 0;
  box.retransmit(false, write);
  assert.equal(stats.retransmitted, 0);
  assert.equal(stats.republished, 2);
  assert.ok(written.every((p) => (p[0]! & DUP) === 0));
});

test('counters under a reconnect: queued publishes are first sends, not resends', () => {
  const { box, stats, written } = outbox();
  const write = (p: Buffer): void => void written.push(p);
  for (let i = 0; i < 3; i++) box.offer(publish(i), 1, false, write); // offline: queued
  assert.equal(written.length, 0);
  box.retransmit(false, write);
  box.flush(write);
  assert.equal(written.length, 3);
  assert.equal(stats.retransmitted + stats.republished, 0);
  assert.deepEqual(stats.sent, [0, 3, 0]);
  assert.equal(box.idle, false);
});
