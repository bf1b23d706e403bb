/**
 * The pure core of the command sender: which car gets the next command, and what became of each
 * command sent. Time is passed in (ms since the run's t = 0); outcomes and latencies go to a sink
 * (the collector).
 *
 * - Targets: a car the broker says is online (its retained `status`), picked at random, without a
 *   command of ours still in flight (a second state-changing command would be rejected `busy`).
 *   None such: outcome `noTarget` (nothing is sent).
 * - `command` latency: the request to the car's first answer (`delivered`, or a direct `rejected`):
 *   the round trip through the broker. `commandDone`: the request to the final result (succeeded,
 *   failed, rejected), which includes the car's execution time (protocol catalogue delayMs).
 * - No final result within the timeout: `timedOut`, or `offline` when the car went offline
 *   meanwhile (a ramp-down, a dropped connection). An answer after that is counted `late` only.
 *   Results for commands that are not ours (the dashboard's) are ignored.
 */
import type { Rng } from '../../core/random.js';
import type { CommandOutcome, LatencySeries } from '../metrics/collector.js';

/** Where outcomes and latencies go: the MetricsCollector. */
export interface CommandSink {
  command(tMs: number, outcome: CommandOutcome, n?: number): void;
  latency(tMs: number, series: LatencySeries, us: number): void;
}

export interface NextCommand {
  readonly commandId: string;
  readonly vin: string;
  readonly type: string;
}

interface Pending {
  readonly vin: string;
  readonly sentAt: number;
  answered: boolean;
  wentOffline: boolean;
}

export interface CommandTrackerOptions {
  readonly types: readonly string[];
  readonly timeoutMs: number;
  readonly rng: Rng;
  readonly sink: CommandSink;
  /** Prefix of the command ids (unique per run). */
  readonly idPrefix: string;
}

const FINAL = new Set(['succeeded', 'failed', 'rejected']);
const PICK_TRIES = 8;

export class CommandTracker {
  readonly #o: CommandTrackerOptions;
  readonly #online: string[] = [];
  readonly #slot = new Map<string, number>();
  readonly #pending = new Map<string, Pending>();
  /** VIN -> the id of our command in flight to it. */
  readonly #busy = new Map<string, string>();
  readonly #expired = new Set<string>();
  #n = 0;

  constructor(options: CommandTrackerOptions) {
    if (options.types.length === 0) throw new RangeError('no command types');
    this.#o = options;
  }

  get onlineCars(): number {
    return this.#online.length;
  }
  get pending(): number {
    return this.#pending.size;
  }

  /** A car's status: online (its birth message) or offline (shutdown, or its last will). */
  status(vin: string, online: boolean): void {
    const at = this.#slot.get(vin);
    if (online) {
      if (at === undefined) {
        this.#slot.set(vin, this.#online.length);
        this.#online.push(vin);
      }
      return;
    }
    if (at !== undefined) {
      const last = this.#online.pop() as string;
      if (last !== vin) {
        this.#online[at] = last;
        this.#slot.set(last, at);
      }
      this.#slot.delete(vin);
    }
    const id = this.#busy.get(vin);
    const p = id === undefined ? undefined : this.#pending.get(id);
    if (p !== undefined) p.wentOffline = true;
  }

  /** The next command to send now (recorded as sent), or undefined (recorded as noTarget). */
  next(nowMs: number): NextCommand | undefined {
    const o = this.#o;
    let vin: string | undefined;
    for (let i = 0; i < PICK_TRIES && this.#online.length > 0; i++) {
      const v = this.#online[o.rng.int(0, this.#online.length - 1)] as string;
      if (!this.#busy.has(v)) {
        vin = v;
        break;
      }
    }
    if (vin === undefined) {
      o.sink.command(nowMs, 'noTarget');
      return undefined;
    }
    const commandId = `${o.idPrefix}-${++this.#n}`;
    const type = o.types[o.rng.int(0, o.types.length - 1)] as string;
    this.#pending.set(commandId, { vin, sentAt: nowMs, answered: false, wentOffline: false });
    this.#busy.set(vin, commandId);
    o.sink.command(nowMs, 'sent');
    return { commandId, vin, type };
  }

  /** A command result from a car (cmd/res). */
  answer(commandId: string, status: string, nowMs: number): void {
    const sink = this.#o.sink;
    const p = this.#pending.get(commandId);
    if (p === undefined) {
      if (this.#expired.delete(commandId)) sink.command(nowMs, 'late');
      return;
    }
    const us = Math.max(0, nowMs - p.sentAt) * 1000;
    if (!p.answered) {
      p.answered = true;
      sink.latency(nowMs, 'command', us);
      if (status === 'delivered') sink.command(nowMs, 'delivered');
    }
    if (!FINAL.has(status)) return;
    sink.latency(nowMs, 'commandDone', us);
    sink.command(nowMs, status as CommandOutcome);
    this.#settle(commandId, p);
  }

  /** Commands without a final result `timeoutMs` after they were sent: timed out (or car offline). */
  sweep(nowMs: number): void {
    const limit = nowMs - this.#o.timeoutMs;
    for (const [id, p] of this.#pending) if (p.sentAt <= limit) this.#expire(id, p, nowMs);
  }

  /** Settles now, as `offline`, the pending commands whose car went offline (the fleet is stopping). */
  expireOffline(nowMs: number): void {
    for (const [id, p] of this.#pending) if (p.wentOffline) this.#expire(id, p, nowMs);
  }

  /** The end of the run: whatever is still pending is timed out (or car offline) now. */
  finish(nowMs: number): void {
    for (const [id, p] of this.#pending) this.#expire(id, p, nowMs);
  }

  #expire(id: string, p: Pending, nowMs: number): void {
    this.#o.sink.command(nowMs, p.wentOffline ? 'offline' : 'timedOut');
    this.#settle(id, p);
    this.#expired.add(id);
  }

  #settle(id: string, p: Pending): void {
    this.#pending.delete(id);
    this.#busy.delete(p.vin);
  }
}
