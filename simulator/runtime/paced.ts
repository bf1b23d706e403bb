/**
 * Runs fn(0..count-1) spread evenly over `spreadMs` on a TimerWheel: a share of the indices on each
 * wheel tick instead of all of them in one turn of the event loop. A fleet's shutdown uses it for
 * its `offline` statuses: 15,000 publishes written in one loop hold a worker's event loop for a few
 * hundred milliseconds (no PUBACK is read meanwhile) and reach the broker as one burst, which made
 * the slowest percent of a run's PUBACK latencies. Spread over a second they cost what a second of
 * 1 Hz telemetry does. With a wheel that is not running (nothing started) it runs all at once.
 */
import { TimerNode, type TimerTarget, type TimerWheel } from '../../mqtt/index.js';

export function paced(wheel: TimerWheel, count: number, spreadMs: number, fn: (index: number) => void): Promise<void> {
  const perTick = Math.max(1, Math.ceil((count * wheel.tickMs) / Math.max(wheel.tickMs, spreadMs)));
  if (!wheel.running || count <= perTick) {
    for (let k = 0; k < count; k++) fn(k);
    return Promise.resolve();
  }
  return new Promise((resolve) => {
    let next = 0;
    const target: TimerTarget = {
      onTimer: () => {
        const end = Math.min(count, next + perTick);
        for (; next < end; next++) fn(next);
        if (next < count) wheel.schedule(node, wheel.tickMs);
        else resolve();
      },
    };
    const node = new TimerNode(target);
    target.onTimer(wheel.now, node);
  });
}
