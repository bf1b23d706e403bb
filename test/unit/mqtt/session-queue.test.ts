import { test } from 'node:test';
import assert from 'node:assert/strict';
import { ManualClock } from '../../../core/clock.js';
import { MqttSession } from '../../../mqtt/session.js';
import { MqttStats } from '../../../mqtt/stats.js';
import { TimerWheel } from '../../../mqtt/timer-wheel.js';
import { EncodedTopic } from '../../../mqtt/encode.js';
import { PublishResult, type SessionOptions } from '../../../mqtt/types.js';

function offline(overrides: Partial<SessionOptions>): { session: MqttSession<undefined>; stats: MqttStats } {
  const stats = new MqttStats();
  const wheel = new TimerWheel({ clock: new ManualClock() });
  // never started: every publish meets the offline queue
  const session = new MqttSession(
    { clientId: 'car', transport: { host: '127.0.0.1', port: 1 }, ...overrides },
    { wheel, stats },
    undefined,
  );
  return { session, stats };
}

test("'drop-oldest' keeps the newest maxQueued publishes and counts the drops", () => {
  const { session, stats } = offline({ maxQueued: 3 });
  const topic = new EncodedTopic('v2x/v1/car/telemetry');
  const results = [1, 2, 3, 4, 5].map((i) => session.publish(topic, Buffer.from([i]), 1));
  assert.deepEqual(results, Array(5).fill(PublishResult.QUEUED));
  assert.equal(session.queued, 3);
  assert.equal(stats.dropped, 2);
  assert.deepEqual(stats.sent, [0, 0, 0]);
});

test("'drop-newest' refuses when full: publish returns DROPPED (backpressure) and counts it", () => {
  const { session, stats } = offline({ maxQueued: 2, queuePolicy: 'drop-newest' });
  const results = [1, 2, 3].map((i) => session.publish('v2x/v1/car/telemetry', Buffer.from([i]), 0));
  assert.deepEqual(results, [PublishResult.QUEUED, PublishResult.QUEUED, PublishResult.DROPPED]);
  assert.equal(session.queued, 2);
  assert.equal(stats.dropped, 1);
});

test('a closed session drops publishes, and state counts follow the session', async () => {
  const { session, stats } = offline({});
  assert.equal(stats.states.idle, 1);
  await session.close();
  assert.equal(stats.states.idle, 0);
  assert.equal(stats.states.closed, 1);
  assert.equal(session.publish('t', Buffer.from('x'), 1), PublishResult.DROPPED);
  assert.equal(stats.dropped, 1);
  await assert.rejects(session.subscribe({ topic: 't', qos: 1 }), { code: 'MQTT_SESSION_CLOSED' });
});

test('wildcards in a publish topic are refused', () => {
  assert.throws(() => new EncodedTopic('v2x/+/telemetry'), RangeError);
});
