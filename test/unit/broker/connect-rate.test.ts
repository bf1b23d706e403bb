/** The edge's connect-rate limit as pure logic: the token bucket on a hand-driven clock, and its config keys. */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { ManualClock } from '../../../core/clock.js';
import { loadConfig } from '../../../core/config/load.js';
import { isV2xError } from '../../../core/errors.js';
import { configSchema } from '../../../app/config-schema.js';
import { TokenBucket, connectRateLimit } from '../../../backend/broker/connect-rate.js';

const bucket = (perSecond: number, burst: number) => {
  const clock = new ManualClock(0);
  return { clock, b: new TokenBucket({ perSecond, burst }, () => clock.monotonic()) };
};

test('a full bucket lets `burst` CONNECTs through at once, then one per 1/perSecond', () => {
  const { clock, b } = bucket(100, 5);
  const taken = Array.from({ length: 8 }, () => b.take());
  assert.deepEqual(taken, [true, true, true, true, true, false, false, false]);
  assert.equal(b.msUntilNext, 10, 'a token every 10 ms at 100/s');
  clock.advance(9);
  assert.equal(b.take(), false, 'not before the token is whole');
  clock.advance(1);
  assert.equal(b.take(), true);
  assert.equal(b.take(), false);
});

test('at most perSecond + burst pass in any second, perSecond on average', () => {
  const { clock, b } = bucket(1000, 50);
  // a herd: 5 CONNECTs every millisecond for 10 s
  const perSecond: number[] = [];
  for (let s = 0; s < 10; s++) {
    let n = 0;
    for (let ms = 0; ms < 1000; ms++) {
      for (let k = 0; k < 5; k++) if (b.take()) n++;
      clock.advance(1);
    }
    perSecond.push(n);
  }
  assert.equal(perSecond[0], 1049, 'the first second: the burst and the refill (the last token comes with the next tick)');
  for (const n of perSecond.slice(1)) assert.equal(n, 1000);
});

test('the bucket refills to `burst` and no further after a quiet spell', () => {
  const { clock, b } = bucket(10, 3);
  for (let i = 0; i < 3; i++) assert.ok(b.take());
  clock.advance(60_000);
  assert.equal(b.available, 3);
  assert.equal([b.take(), b.take(), b.take(), b.take()].filter(Boolean).length, 3);
});

test('a clock that goes back adds no tokens', () => {
  let now = 1000;
  const b = new TokenBucket({ perSecond: 1, burst: 1 }, () => now);
  assert.ok(b.take());
  now = 0;
  assert.equal(b.take(), false);
  now = 999;
  assert.equal(b.take(), false, 'a second counted from the latest reading');
  now = 1999;
  assert.ok(b.take());
});

test('0 per second is no limit; bad rates and bursts are refused', () => {
  assert.equal(
    connectRateLimit({ perSecond: 0, burst: 1 }, () => 0),
    undefined,
  );
  assert.throws(() => new TokenBucket({ perSecond: -1, burst: 1 }, () => 0), /rate above 0/);
  assert.throws(() => new TokenBucket({ perSecond: 10, burst: 0 }, () => 0), /burst of at least 1/);
});

test('mqtt.maxConnectRate and mqtt.connectBurst: defaults, and bad values refused by name', () => {
  const load = (flags: Record<string, unknown>) => loadConfig(configSchema, { flags }).mqtt;
  assert.equal(load({}).maxConnectRate, 1000);
  assert.equal(load({}).connectBurst, 200);
  assert.equal(load({ 'mqtt.maxConnectRate': '0' }).maxConnectRate, 0, '0 = unlimited');
  const refused = (flags: Record<string, unknown>, text: RegExp): void =>
    assert.throws(
      () => load(flags),
      (err) => isV2xError(err) && err.code === 'CONFIG_INVALID' && text.test(err.message),
    );
  refused({ 'mqtt.maxConnectRate': -1 }, /mqtt\.maxConnectRate: expected integer to be greater or equal to 0 \(got -1\)/);
  refused({ 'mqtt.maxConnectRate': 'fast' }, /mqtt\.maxConnectRate: expected integer \(got "fast"\)/);
  refused({ 'mqtt.maxConnectRate': 2.5 }, /mqtt\.maxConnectRate: expected integer/);
  refused({ 'mqtt.connectBurst': 0 }, /mqtt\.connectBurst: expected integer to be greater or equal to 1 \(got 0\)/);
});
