/**
 * The sessions of one worker thread: one TimerWheel, one MqttStats, one SessionEvents sink shared by
 * all; sessions start at a configurable ramp rate (connections per second) so a fleet does not hit
 * the broker with 10,000 CONNECTs in the same millisecond.
 */
import { systemClock, type Clock } from '../core/clock.js';
import { V2xError } from '../core/errors.js';
import type { SessionEvents } from './events.js';
import { MqttSession } from './session.js';
import { MqttStats } from './stats.js';
import { TimerNode, TimerWheel, type TimerTarget } from './timer-wheel.js';
import type { SessionOptions, SessionState } from './types.js';

export interface PoolOptions<Tag> {
  /** Clock of the wheel (ignored when `wheel` is given); the system clock by default. */
  readonly clock?: Clock;
  /** A wheel to share (e.g. with the traffic model); otherwise the pool makes and drives its own. */
  readonly wheel?: TimerWheel;
  readonly tickMs?: number;
  /** New connections per second during start(); 200 by default; Infinity = all at once. */
  readonly rampPerSecond?: number;
  readonly events?: SessionEvents<Tag>;
  readonly stats?: MqttStats;
}

interface Waiter {
  readonly count: number;
  readonly resolve: () => void;
  readonly reject: (err: V2xError) => void;
  readonly node: TimerNode;
}

export class SessionPool<Tag = unknown> implements TimerTarget {
  readonly wheel: TimerWheel;
  readonly stats: MqttStats;
  readonly sessions: MqttSession<Tag>[] = [];
  readonly rampPerSecond: number;
  readonly #ownsWheel: boolean;
  readonly #userEvents: SessionEvents<Tag>;
  readonly #events: SessionEvents<Tag>;
  readonly #rampNode = new TimerNode(this, 0);
  readonly #drainNode = new TimerNode(this, 2);
  #drainTimedOut: (() => void) | undefined;
  #rampStart = 0;
  #rampFrom = 0;
  #started = 0;
  #rampDone: (() => void)[] = [];
  #waiters: Waiter[] = [];

  constructor(options: PoolOptions<Tag> = {}) {
    this.#ownsWheel = options.wheel === undefined;
    this.wheel = options.wheel ?? new TimerWheel({ clock: options.clock ?? systemClock, tickMs: options.tickMs ?? 10 });
    this.stats = options.stats ?? new MqttStats();
    this.rampPerSecond = options.rampPerSecond ?? 200;
    if (!(this.rampPerSecond > 0)) throw new RangeError(`rampPerSecond must be > 0 (got ${this.rampPerSecond})`);
    this.#userEvents = options.events ?? {};
    const user = this.#userEvents;
    // One sink for all sessions: forwards to the user's and wakes whoever waits for a count.
    this.#events = {
      connected: (s, present) => {
        user.connected?.(s, present);
        this.#checkWaiters();
      },
      disconnected: (s, reason) => user.disconnected?.(s, reason),
      puback: user.puback === undefined ? undefined : (s, ms, qos) => user.puback?.(s, ms, qos),
      message: (s, m) => user.message?.(s, m),
      error: (s, e) => user.error?.(s, e),
    };
  }

  /** Creates a session (not started). */
  add(options: SessionOptions, tag: Tag): MqttSession<Tag> {
    const session = new MqttSession<Tag>(options, { wheel: this.wheel, stats: this.stats, events: this.#events }, tag);
    this.sessions.push(session);
    return session;
  }

  /** Starts every session not yet started, at the ramp rate; resolves once all have been started. */
  start(): Promise<void> {
    if (this.#ownsWheel) this.wheel.start();
    return new Promise((resolve) => {
      this.#rampDone.push(resolve);
      if (!this.#rampNode.scheduled) {
        this.#rampStart = this.wheel.clock.monotonic();
        this.#rampFrom = this.#started;
        this.onTimer(this.#rampStart);
      }
    });
  }

  /** @internal ramp and waiter timeouts. */
  onTimer(now: number, node?: TimerNode): void {
    if (node === this.#drainNode) return this.#drainTimedOut?.();
    if (node !== undefined && node !== this.#rampNode) return this.#timeout(node);
    const due =
      this.rampPerSecond === Number.POSITIVE_INFINITY ? Infinity : Math.floor(((now - this.#rampStart) / 1000) * this.rampPerSecond) + 1;
    const total = this.sessions.length;
    while (this.#started < total && this.#started - this.#rampFrom < due) {
      this.sessions[this.#started++]!.start();
    }
    if (this.#started < total) {
      this.wheel.scheduleAt(this.#rampNode, this.#rampStart + ((this.#started - this.#rampFrom) * 1000) / this.rampPerSecond);
    } else {
      for (const done of this.#rampDone.splice(0)) done();
    }
  }

  /** Resolves when at least `count` sessions are connected; rejects after `timeoutMs`. */
  whenConnected(count: number, timeoutMs: number): Promise<void> {
    if (this.stats.states.connected >= count) return Promise.resolve();
    if (this.#ownsWheel) this.wheel.start();
    return new Promise((resolve, reject) => {
      const node = new TimerNode(this, 1);
      this.#waiters.push({ count, resolve, reject, node });
      this.wheel.schedule(node, timeoutMs);
    });
  }

  counts(): Record<SessionState, number> {
    return { ...this.stats.states };
  }

  /**
   * Closes every session (DISCONNECT) and stops the wheel if the pool made it. With `drainMs` > 0 it
   * first waits, up to that long, for every connected session's publishes to be acknowledged (a
   * car's last status). What is still unacknowledged or queued then is counted in the stats
   * (`unacknowledged`, `unsent`): every publish ends acknowledged, rejected, dropped or so counted.
   */
  async close(drainMs = 0): Promise<void> {
    this.#rampNode.cancel();
    for (const done of this.#rampDone.splice(0)) done();
    if (drainMs > 0) await this.#drain(drainMs);
    await Promise.all(this.sessions.map((s) => s.close()));
    for (const s of this.sessions) {
      this.stats.unacknowledged += s.unacknowledged;
      this.stats.unsent += s.queued;
    }
    for (const w of this.#waiters.splice(0)) {
      w.node.cancel();
      w.reject(new V2xError('MQTT_SESSION_CLOSED', 'pool closed'));
    }
    if (this.#ownsWheel) this.wheel.stop();
  }

  #drain(ms: number): Promise<void> {
    return new Promise((resolve) => {
      const done = (): void => {
        this.#drainNode.cancel();
        this.#drainTimedOut = undefined;
        resolve();
      };
      this.#drainTimedOut = done;
      this.wheel.schedule(this.#drainNode, ms);
      void Promise.all(this.sessions.map((s) => s.drained())).then(done);
    });
  }

  #checkWaiters(): void {
    if (this.#waiters.length === 0) return;
    const connected = this.stats.states.connected;
    this.#waiters = this.#waiters.filter((w) => {
      if (connected < w.count) return true;
      w.node.cancel();
      w.resolve();
      return false;
    });
  }

  #timeout(node: TimerNode): void {
    const i = this.#waiters.findIndex((w) => w.node === node);
    const w = this.#waiters[i];
    if (w === undefined) return;
    this.#waiters.splice(i, 1);
    const s = this.stats.states;
    w.reject(
      new V2xError('MQTT_CONNECT_TIMEOUT', `${s.connected} of ${w.count} sessions connected`, {
        details: { ...s, errors: { ...this.stats.errors } },
      }),
    );
  }
}
