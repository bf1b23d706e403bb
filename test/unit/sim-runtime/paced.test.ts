import { test } from 'node:test';
import assert from 'node:assert/strict';
import { ManualClock } from '../../../core/clock.js';
import { TimerWheel } from '../../../mqtt/timer-wheel.js';
import { paced } from '../../../simulator/runtime/paced.js';

test("a fleet's shutdown is spread over the second: an even share of the cars on each wheel tick, each once, in order", async () => {
  const clock = new ManualClock();
  const wheel = new TimerWheel({ clock, tickMs: 10 });
  wheel.start();
  const seen: { k: number; at: number }[] = [];
  let done = false;
  const p = paced(wheel, 15_000, 1000, (k) => seen.push({ k, at: clock.monotonic() })).then(() => (done = true));
  assert.equal(seen.length, 150, 'the first share at once: 15,000 cars over 100 ticks');
  for (let i = 0; i < 98; i++) clock.advance(10);
  await Promise.resolve();
  assert.equal(done, false);
  assert.equal(seen.length, 99 * 150);
  clock.advance(10);
  await p;
  assert.deepEqual(
    seen.map((s) => s.k),
    Array.from({ length: 15_000 }, (_, k) => k),
  );
  const perTick = new Map<number, number>();
  for (const s of seen) perTick.set(s.at, (perTick.get(s.at) ?? 0) + 1);
  assert.ok([...perTick.values()].every((n) => n === 150));
  assert.ok(seen.at(-1)!.at - seen[0]!.at <= 1000, 'within the second');
  wheel.stop();
});

test('a wheel that is not running (nothing started) goes at once; a small fleet one car per tick', async () => {
  const clock = new ManualClock();
  const wheel = new TimerWheel({ clock, tickMs: 10 });
  const seen: number[] = [];
  await paced(wheel, 500, 1000, (k) => seen.push(k)); // not started: nothing would drive it
  assert.equal(seen.length, 500);
  wheel.start();
  seen.length = 0;
  const p = paced(wheel, 80, 1000, (k) => seen.push(k));
  assert.equal(seen.length, 1);
  clock.advance(790);
  await p;
  assert.equal(seen.length, 80);
  await paced(wheel, 0, 1000, () => assert.fail('no cars'));
  wheel.stop();
});
