import { test } from 'node:test';
import assert from 'node:assert/strict';
import { ManualClock } from '../../../core/clock.js';
import { TimerNode, TimerWheel, type TimerTarget } from '../../../mqtt/timer-wheel.js';

class Recorder implements TimerTarget {
  readonly fired: { kind: number; at: number }[] = [];
  onTimer(now: number, node: TimerNode): void {
    this.fired.push({ kind: node.kind, at: now });
  }
}

function setup(tickMs = 10, slots = 8): { clock: ManualClock; wheel: TimerWheel } {
  const clock = new ManualClock();
  const wheel = new TimerWheel({ clock, tickMs, slots });
  wheel.start();
  return { clock, wheel };
}

test('one clock interval drives the wheel, whatever the number of timers', () => {
  const { clock, wheel } = setup();
  const r = new Recorder();
  for (let i = 0; i < 1000; i++) wheel.schedule(new TimerNode(r, i), 5 + (i % 50));
  assert.equal(clock.pending(), 1, 'a single interval on the clock');
  clock.advance(100);
  assert.equal(r.fired.length, 1000);
  wheel.stop();
  assert.equal(clock.pending(), 0);
});

test('timers fire on the first tick at or after their deadline, in deadline order', () => {
  const { clock, wheel } = setup(10);
  const r = new Recorder();
  wheel.schedule(new TimerNode(r, 3), 25);
  wheel.schedule(new TimerNode(r, 1), 10);
  wheel.schedule(new TimerNode(r, 2), 11);
  clock.advance(9);
  assert.deepEqual(r.fired, []);
  clock.advance(1);
  assert.deepEqual(r.fired, [{ kind: 1, at: 10 }]);
  clock.advance(20);
  assert.deepEqual(r.fired, [
    { kind: 1, at: 10 },
    { kind: 2, at: 20 },
    { kind: 3, at: 30 },
  ]);
});

test('delays longer than one turn of the wheel wait for their round', () => {
  const { clock, wheel } = setup(10, 8); // one turn = 80 ms
  const r = new Recorder();
  wheel.schedule(new TimerNode(r, 1), 1000);
  clock.advance(990);
  assert.equal(r.fired.length, 0);
  clock.advance(10);
  assert.deepEqual(r.fired, [{ kind: 1, at: 1000 }]);
});

test('cancel and reschedule, including from inside a callback of the same tick', () => {
  const { clock, wheel } = setup(10);
  const fired: number[] = [];
  const b = new TimerNode({ onTimer: () => fired.push(2) }, 2);
  const a = new TimerNode(
    {
      onTimer: () => {
        fired.push(1);
        b.cancel();
      },
    },
    1,
  );
  wheel.schedule(a, 10);
  wheel.schedule(b, 10);
  clock.advance(10);
  assert.deepEqual(fired, [1], 'b was cancelled by a while waiting on the same tick');
  assert.equal(b.scheduled, false);
  wheel.schedule(b, 30);
  wheel.schedule(b, 50); // reschedule moves it
  clock.advance(40);
  assert.deepEqual(fired, [1]);
  clock.advance(10);
  assert.deepEqual(fired, [1, 2]);
});

test('a periodic task rescheduling itself by absolute deadline does not drift', () => {
  const { clock, wheel } = setup(10);
  const times: number[] = [];
  let next = 1000;
  const node = new TimerNode({
    onTimer(now) {
      times.push(now);
      next += 1000;
      wheel.scheduleAt(node, next);
    },
  });
  wheel.scheduleAt(node, next);
  clock.advance(10_000);
  assert.deepEqual(times, [1000, 2000, 3000, 4000, 5000, 6000, 7000, 8000, 9000, 10000]);
});

test('a lagging event loop is caught up: missed ticks all fire on the next advance()', () => {
  const clock = new ManualClock();
  const wheel = new TimerWheel({ clock, tickMs: 10, slots: 8 });
  const r = new Recorder();
  wheel.schedule(new TimerNode(r, 1), 20);
  wheel.schedule(new TimerNode(r, 2), 200);
  clock.advance(500); // the wheel's interval is not running: nothing fires
  assert.equal(r.fired.length, 0);
  wheel.advance();
  assert.deepEqual(
    r.fired.map((f) => f.kind),
    [1, 2],
  );
  assert.equal(wheel.now, 500);
});

test('a deadline in the past fires on the next tick', () => {
  const { clock, wheel } = setup(10);
  const r = new Recorder();
  clock.advance(100);
  wheel.scheduleAt(new TimerNode(r, 1), 3);
  clock.advance(10);
  assert.deepEqual(r.fired, [{ kind: 1, at: 110 }]);
});
