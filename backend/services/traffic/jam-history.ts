/**
 * Jam history for `GET /api/v1/jams?from=&to=`: one entry per jam id, folded from the jam events
 * as they are published (pure: add(event), between(from, to)). An entry holds the jam's first and
 * last state, every segment it covered, its largest length and jam factor, and when it ended
 * (null while live). Bounded: the oldest ended jams are dropped past `maxJams` (default 50,000) or
 * `maxAgeMs` (default 7 days, the retention of the `jams` topic) after their end, in record time.
 * Kept in memory: a restarted traffic role starts an empty history (the `jams` topic holds the events).
 */
import type { JamMsg } from '../../dashboard/hub/events.js';

export interface JamHistoryEntry {
  readonly id: string;
  readonly startedMs: number;
  /** Epoch ms of jam_cleared, or null while the jam is live. */
  readonly endedMs: number | null;
  /** Every segment the jam held at some time, in the order first held. */
  readonly segments: readonly string[];
  readonly maxLengthM: number;
  readonly maxJamFactor: number;
  /** The jam as last reported. */
  readonly last: JamMsg;
}

interface Mutable {
  id: string;
  startedMs: number;
  endedMs: number | null;
  segments: string[];
  seen: Set<string>;
  maxLengthM: number;
  maxJamFactor: number;
  last: JamMsg;
}

export class JamHistory {
  readonly #byId = new Map<string, Mutable>();
  readonly #maxJams: number;
  readonly #maxAgeMs: number;

  constructor(options: { maxJams?: number; maxAgeMs?: number } = {}) {
    this.#maxJams = options.maxJams ?? 50_000;
    this.#maxAgeMs = options.maxAgeMs ?? 7 * 86_400_000;
  }

  add(event: { readonly type: string; readonly atMs: number; readonly jam?: JamMsg }): void {
    const jam = event.jam;
    if (jam === undefined || (event.type !== 'jam_started' && event.type !== 'jam_updated' && event.type !== 'jam_cleared')) return;
    let e = this.#byId.get(jam.id);
    if (e === undefined) {
      e = { id: jam.id, startedMs: jam.startedMs, endedMs: null, segments: [], seen: new Set(), maxLengthM: 0, maxJamFactor: 0, last: jam };
      this.#byId.set(jam.id, e);
    }
    for (const s of jam.segments) {
      if (e.seen.has(s)) continue;
      e.seen.add(s);
      e.segments.push(s);
    }
    e.maxLengthM = Math.max(e.maxLengthM, jam.lengthM);
    e.maxJamFactor = Math.max(e.maxJamFactor, jam.maxJamFactor);
    e.last = jam;
    if (event.type === 'jam_cleared') e.endedMs = event.atMs;
    this.#prune(event.atMs);
  }

  /** Jams live at some time in [fromMs, toMs], oldest first. */
  between(fromMs: number, toMs: number): JamHistoryEntry[] {
    const out: JamHistoryEntry[] = [];
    for (const e of this.#byId.values()) {
      if (e.startedMs > toMs || (e.endedMs !== null && e.endedMs < fromMs)) continue;
      out.push({
        id: e.id,
        startedMs: e.startedMs,
        endedMs: e.endedMs,
        segments: [...e.segments],
        maxLengthM: e.maxLengthM,
        maxJamFactor: e.maxJamFactor,
        last: e.last,
      });
    }
    return out.sort((a, b) => a.startedMs - b.startedMs || (a.id < b.id ? -1 : 1));
  }

  get size(): number {
    return this.#byId.size;
  }

  #prune(nowMs: number): void {
    // Map order is insertion order (by start): drop ended jams from the front
    for (const [id, e] of this.#byId) {
      const old = e.endedMs !== null && nowMs - e.endedMs > this.#maxAgeMs;
      if (!old && this.#byId.size <= this.#maxJams) break;
      if (e.endedMs === null && this.#byId.size <= this.#maxJams) break;
      this.#byId.delete(id);
    }
  }
}
