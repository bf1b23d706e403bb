/**
 * Logging of what the broker refuses, bounded: anyone can send refused CONNECTs before logging in,
 * and 200 of them with 60 KB client ids once wrote 12 MB of log (issue 19). Identifiers taken from
 * the wire (client id, username, topic) are cut to `maxChars` characters; the reason text to
 * `maxReasonChars`. At most one line per (action, reason class) per `intervalMs`: the refusals in
 * between are counted and the count is logged as `suppressed` on the next line for that reason,
 * or by a timer at the end of the interval when none follows.
 */
import type { Logger } from '../../core/log.js';
import type { Clock, TimerHandle } from '../../core/clock.js';

export interface RefusalLogOptions {
  readonly intervalMs?: number;
  readonly maxChars?: number;
  readonly maxReasonChars?: number;
  /** Wall clock and timers (tests use a ManualClock); timers do not keep the process alive. */
  readonly clock?: Clock;
}

export interface RefusalFields {
  readonly client?: string | null | undefined;
  readonly username?: string | undefined;
  readonly topic?: string | undefined;
  readonly reason: string;
}

/** `text` cut to `max` characters, saying how long it was. */
export function truncate(text: string, max: number): string {
  return text.length <= max ? text : `${text.slice(0, max)}... (${text.length} chars)`;
}

const unrefClock: Pick<Clock, 'now' | 'setTimeout'> = {
  now: () => Date.now(),
  setTimeout(fn, ms) {
    const t = setTimeout(fn, ms);
    t.unref();
    return { cancel: () => clearTimeout(t) };
  },
};

interface KeyState {
  lastAt: number;
  suppressed: number;
  timer: TimerHandle | undefined;
}

export class RefusalLog {
  readonly #log: Logger;
  readonly #intervalMs: number;
  readonly #maxChars: number;
  readonly #maxReasonChars: number;
  readonly #clock: Pick<Clock, 'now' | 'setTimeout'>;
  readonly #keys = new Map<string, KeyState>();
  /** Lines written and refusals left out of the log, for tests and diagnostics. */
  logged = 0;
  suppressed = 0;

  constructor(log: Logger, options: RefusalLogOptions = {}) {
    this.#log = log;
    this.#intervalMs = options.intervalMs ?? 1000;
    this.#maxChars = options.maxChars ?? 64;
    this.#maxReasonChars = options.maxReasonChars ?? 160;
    this.#clock = options.clock ?? unrefClock;
  }

  /** One refusal of `action` for `reasonClass` (a small fixed set: it keys the rate limit). */
  note(action: string, reasonClass: string, fields: RefusalFields): void {
    const key = `${action}\u0000${reasonClass}`;
    const now = this.#clock.now();
    const st = this.#keys.get(key);
    if (st !== undefined && now - st.lastAt < this.#intervalMs) {
      st.suppressed++;
      this.suppressed++;
      st.timer ??= this.#clock.setTimeout(() => this.#flush(action, reasonClass, st), st.lastAt + this.#intervalMs - now);
      return;
    }
    const suppressed = st?.suppressed ?? 0;
    st?.timer?.cancel();
    this.#keys.set(key, { lastAt: now, suppressed: 0, timer: undefined });
    const line: Record<string, unknown> = { action, reasonClass, reason: truncate(fields.reason, this.#maxReasonChars) };
    if (fields.client !== undefined && fields.client !== null) line.client = truncate(fields.client, this.#maxChars);
    if (fields.username !== undefined) line.username = truncate(fields.username, this.#maxChars);
    if (fields.topic !== undefined) line.topic = truncate(fields.topic, this.#maxChars);
    if (suppressed > 0) line.suppressed = suppressed;
    this.logged++;
    this.#log.warn(line, 'refused');
  }

  #flush(action: string, reasonClass: string, st: KeyState): void {
    st.timer = undefined;
    if (st.suppressed === 0) return;
    this.logged++;
    this.#log.warn({ action, reasonClass, suppressed: st.suppressed, intervalMs: this.#intervalMs }, 'refusals not logged one by one');
    st.suppressed = 0;
    st.lastAt = this.#clock.now();
  }
}
