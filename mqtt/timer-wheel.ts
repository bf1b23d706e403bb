/**
 * One shared timer per worker: a hashed timing wheel. Every car's keepalive, connect timeout,
 * reconnect delay and telemetry tick lives in it, so a worker holding 10,000 sessions runs one
 * clock interval instead of 10,000 Node timers.
 *
 * - Time is quantised to `tickMs`; a timer fires on the first tick at or after its deadline, so
 *   never early and at most one tick late.
 * - Slots are circular doubly linked lists with a sentinel: insert and cancel are O(1), no
 *   allocation. A timer is a TimerNode the owner allocates once and reschedules for life.
 * - Callbacks are objects with an `onTimer(nowMs, node)` method (the session or the car itself), not
 *   closures made per schedule.
 * - The wheel is driven by an injected Clock (`clock.setInterval(tick, tickMs)`); with a ManualClock
 *   tests step it by hand. `advance()` catches up with every tick missed when the event loop lagged.
 */
import type { Clock, TimerHandle } from '../core/clock.js';

export interface TimerTarget {
  onTimer(nowMs: number, node: TimerNode): void;
}

export class TimerNode {
  /** @internal list links; a node that is not scheduled links to itself. */
  next: TimerNode = this;
  prev: TimerNode = this;
  /** @internal absolute tick at which the node is due. */
  dueTick = 0;
  /** Free for the owner (e.g. which of its timers this is). */
  kind: number;
  readonly target: TimerTarget | undefined;

  constructor(target?: TimerTarget, kind = 0) {
    this.target = target;
    this.kind = kind;
  }

  get scheduled(): boolean {
    return this.next !== this;
  }

  /** Unlinks the node from whatever list holds it; harmless when not scheduled. */
  cancel(): void {
    this.prev.next = this.next;
    this.next.prev = this.prev;
    this.next = this;
    this.prev = this;
  }
}

function insertBefore(sentinel: TimerNode, node: TimerNode): void {
  node.prev = sentinel.prev;
  node.next = sentinel;
  sentinel.prev.next = node;
  sentinel.prev = node;
}

export interface TimerWheelOptions {
  readonly clock: Clock;
  /** Resolution in ms; 10 ms by default. */
  readonly tickMs?: number;
  /** Slots (rounded up to a power of two); 1024 by default, i.e. ~10 s per turn at 10 ms. */
  readonly slots?: number;
}

export class TimerWheel {
  readonly clock: Clock;
  readonly tickMs: number;
  readonly #slots: TimerNode[];
  readonly #mask: number;
  readonly #startMs: number;
  readonly #firing = new TimerNode();
  #tick = 0;
  #nowMs: number;
  #interval: TimerHandle | undefined;

  constructor(options: TimerWheelOptions) {
    this.clock = options.clock;
    this.tickMs = Math.max(1, Math.floor(options.tickMs ?? 10));
    let n = 1;
    while (n < (options.slots ?? 1024)) n <<= 1;
    this.#mask = n - 1;
    this.#slots = Array.from({ length: n }, () => new TimerNode());
    this.#startMs = this.clock.monotonic();
    this.#nowMs = this.#startMs;
  }

  /** Monotonic ms of the tick being processed (cheap: no clock read). */
  get now(): number {
    return this.#nowMs;
  }

  /** Starts driving the wheel from the clock. Idempotent. */
  start(): void {
    this.#interval ??= this.clock.setInterval(() => this.advance(), this.tickMs);
  }

  stop(): void {
    this.#interval?.cancel();
    this.#interval = undefined;
  }

  get running(): boolean {
    return this.#interval !== undefined;
  }

  /** Schedules (or reschedules) `node` to fire at monotonic time `atMs`. */
  scheduleAt(node: TimerNode, atMs: number): void {
    if (node.next !== node) node.cancel();
    let due = Math.ceil((atMs - this.#startMs) / this.tickMs);
    if (due <= this.#tick) due = this.#tick + 1;
    node.dueTick = due;
    insertBefore(this.#slots[due & this.#mask]!, node);
  }

  /** Schedules `node` to fire `delayMs` after the current tick. */
  schedule(node: TimerNode, delayMs: number): void {
    this.scheduleAt(node, this.#nowMs + delayMs);
  }

  /** Processes every tick up to the clock's present. Called by the interval; tests may call it. */
  advance(): void {
    const target = Math.floor((this.clock.monotonic() - this.#startMs) / this.tickMs);
    const firing = this.#firing;
    while (this.#tick < target) {
      const tick = ++this.#tick;
      this.#nowMs = this.#startMs + tick * this.tickMs;
      const slot = this.#slots[tick & this.#mask]!;
      if (slot.next === slot) continue;
      // Move the whole slot onto the firing list, so that callbacks may schedule or cancel any
      // node (including ones still waiting on this list) without upsetting the walk.
      firing.next = slot.next;
      firing.prev = slot.prev;
      slot.next.prev = firing;
      slot.prev.next = firing;
      slot.next = slot;
      slot.prev = slot;
      while (firing.next !== firing) {
        const node = firing.next;
        node.cancel();
        if (node.dueTick > tick) {
          insertBefore(slot, node); // a later turn of the wheel
          continue;
        }
        node.target?.onTimer(this.#nowMs, node);
      }
    }
  }
}
