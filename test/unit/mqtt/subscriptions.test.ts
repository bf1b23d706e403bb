/**
 * Subscriptions.whenSubscribed (what a car's `online` waits for): at once when no SUBSCRIBE is in
 * flight, else at the SUBACK of the connection's SUBSCRIBE; a callback of a connection that ended
 * before its SUBACK is dropped at the next connect.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { ManualClock } from '../../../core/clock.js';
import { Outbox } from '../../../mqtt/outbox.js';
import { MqttStats } from '../../../mqtt/stats.js';
import { Subscriptions } from '../../../mqtt/subscriptions.js';

function setup() {
  const box = new Outbox({ window: 4, maxQueued: 10, policy: 'drop-oldest' }, new MqttStats(), new ManualClock());
  const subs = new Subscriptions([{ topic: 'v2x/v1/car/cmd/req', qos: 1 }]);
  const written: Buffer[] = [];
  const write = (p: Buffer): void => void written.push(p);
  /** The packet id of the last SUBSCRIBE written. */
  const lastId = (): number => written.at(-1)!.readUInt16BE(2);
  return { box, subs, written, write, lastId };
}

test('whenSubscribed: waits for the SUBACK of the connect’s SUBSCRIBE; at once with a kept session', () => {
  const { box, subs, written, write, lastId } = setup();
  subs.connected(false, [], box, 4, write);
  assert.equal(written.length, 1, 'SUBSCRIBE sent');
  let calls = 0;
  subs.whenSubscribed(() => calls++);
  assert.equal(calls, 0, 'not before the SUBACK');
  subs.suback(lastId(), [1], box);
  assert.equal(calls, 1);
  subs.connected(true, [], box, 4, write);
  assert.equal(written.length, 1, 'kept session: no SUBSCRIBE');
  subs.whenSubscribed(() => calls++);
  assert.equal(calls, 2, 'nothing in flight: at once');
});

test('whenSubscribed: a connection lost before its SUBACK drops the callback; the next one waits for its own', () => {
  const { box, subs, write, lastId } = setup();
  subs.connected(false, [], box, 4, write);
  const stale: string[] = [];
  subs.whenSubscribed(() => stale.push('first connection'));
  const lost = lastId();
  subs.connected(false, [lost], box, 4, write); // reconnect: the lost SUBSCRIBE is redone
  assert.notEqual(lastId(), 0);
  subs.whenSubscribed(() => stale.push('second connection'));
  subs.suback(lastId(), [1], box);
  assert.deepEqual(stale, ['second connection']);
});
