/**
 * Jams over time, with stable ids and events. Pure: update(chains, statuses, t) -> events.
 *
 * Id rule. Each new chain is matched to the live jams it shares segments with:
 *  - it keeps the id of a live jam whose head segment it holds, else of the live jam it shares most
 *    segments with (ties: the older jam, then the smaller id), so a jam keeps its id while it grows
 *    or shrinks;
 *  - on a split, the part holding the old head (the bottleneck, where a queue is fed from) keeps the
 *    id, else the part sharing most segments; other parts start new jams (jam_started);
 *  - on a merge, the merged chain keeps the oldest id; the absorbed jams end with jam_cleared.
 * A live jam with no chain is held for `graceMs` (default 20 s: two window steps) before it is
 * cleared, and a chain touching it within that time takes its id back (one noisy window must not
 * end a jam and start another). jam_updated is emitted when the segments, length (by >= 1 m) or
 * max jam factor change.
 */
import type { RoadNetwork } from '../../../road/network.js';
import type { Jam, JamEvent } from './types.js';

export interface JamTrackerOptions {
  readonly graceMs?: number;
  /** Prefix of new jam ids (default 'jam-'). */
  readonly idPrefix?: string;
}

interface Live {
  jam: Jam;
  set: Set<number>;
  missingSinceMs: number | undefined;
}

export class JamTracker {
  readonly #net: RoadNetwork;
  readonly #graceMs: number;
  readonly #prefix: string;
  #nextId = 1;
  #live: Live[] = [];

  constructor(network: RoadNetwork, options: JamTrackerOptions = {}) {
    this.#net = network;
    this.#graceMs = options.graceMs ?? 20_000;
    this.#prefix = options.idPrefix ?? 'jam-';
  }

  get jams(): readonly Jam[] {
    return this.#live.filter((l) => l.missingSinceMs === undefined).map((l) => l.jam);
  }

  /** `chains` from mergeJammed; `factorOf` gives a segment's jam factor now. */
  update(chains: readonly (readonly number[])[], factorOf: (segment: number) => number, nowMs: number): JamEvent[] {
    const events: JamEvent[] = [];
    const owner = new Map<Live, { chain: readonly number[]; shared: number }>();
    const assigned: (Live | undefined)[] = chains.map(() => undefined);
    // candidate pairs (chain, live, shared), best first
    const pairs: { c: number; live: Live; shared: number }[] = [];
    chains.forEach((chain, c) => {
      for (const live of this.#live) {
        let shared = 0;
        for (const s of chain) if (live.set.has(s)) shared++;
        if (shared > 0) pairs.push({ c, live, shared });
      }
    });
    const holdsHead = (p: { c: number; live: Live }): number =>
      (chains[p.c] as readonly number[]).includes(this.#net.segmentIndexById.get(p.live.jam.headSegment) ?? -1) ? 1 : 0;
    pairs.sort(
      (a, b) =>
        holdsHead(b) - holdsHead(a) ||
        b.shared - a.shared ||
        a.live.jam.startedMs - b.live.jam.startedMs ||
        idNo(a.live.jam.id) - idNo(b.live.jam.id) ||
        a.c - b.c,
    );
    // a merged chain keeps the oldest id: prefer, for each chain, the oldest live jam it touches
    const oldestFor = new Map<number, Live>();
    for (const p of pairs) {
      const cur = oldestFor.get(p.c);
      if (cur === undefined || p.live.jam.startedMs < cur.jam.startedMs) oldestFor.set(p.c, p.live);
    }
    for (const p of pairs) {
      if (assigned[p.c] !== undefined || owner.has(p.live)) continue;
      const oldest = oldestFor.get(p.c);
      if (oldest !== undefined && oldest !== p.live && !owner.has(oldest)) continue; // wait for the oldest
      assigned[p.c] = p.live;
      owner.set(p.live, { chain: chains[p.c] as number[], shared: p.shared });
    }
    const next: Live[] = [];
    chains.forEach((chain, c) => {
      const live = assigned[c];
      const jam = this.#describe(chain, factorOf, nowMs, live?.jam);
      if (live === undefined) {
        next.push({ jam, set: new Set(chain), missingSinceMs: undefined });
        events.push({ type: 'jam_started', atMs: nowMs, jam });
        return;
      }
      const before = live.jam;
      const changed =
        live.missingSinceMs !== undefined ||
        before.segments.join() !== jam.segments.join() ||
        Math.abs(before.lengthM - jam.lengthM) >= 1 ||
        before.maxJamFactor !== jam.maxJamFactor;
      next.push({ jam, set: new Set(chain), missingSinceMs: undefined });
      if (changed) events.push({ type: 'jam_updated', atMs: nowMs, jam });
    });
    for (const live of this.#live) {
      if (owner.has(live)) continue;
      const absorbed = chains.some((chain) => chain.some((s) => live.set.has(s)));
      const since = live.missingSinceMs ?? nowMs;
      if (absorbed || nowMs - since >= this.#graceMs) {
        events.push({ type: 'jam_cleared', atMs: nowMs, jam: live.jam });
      } else {
        next.push({ ...live, missingSinceMs: since });
      }
    }
    this.#live = next;
    return events;
  }

  #describe(chain: readonly number[], factorOf: (s: number) => number, nowMs: number, prev: Jam | undefined): Jam {
    const net = this.#net;
    const ids = chain.map((s) => (net.segments[s] as { id: string }).id);
    const lengthM = Math.round(chain.reduce((sum, s) => sum + (net.segLength[s] as number), 0) * 10) / 10;
    const dtMin = prev === undefined ? 0 : (nowMs - prev.updatedMs) / 60_000;
    const growth = prev === undefined || dtMin <= 0 ? 0 : Math.round(((lengthM - prev.lengthM) / dtMin) * 10) / 10;
    return {
      id: prev?.id ?? `${this.#prefix}${this.#nextId++}`,
      segments: ids,
      tailSegment: ids[0] as string,
      headSegment: ids[ids.length - 1] as string,
      lengthM,
      growthMPerMin: growth,
      maxJamFactor: Math.max(...chain.map(factorOf)),
      startedMs: prev?.startedMs ?? nowMs,
      updatedMs: nowMs,
    };
  }
}

function idNo(id: string): number {
  const m = /(\d+)$/.exec(id);
  return m === null ? 0 : Number(m[1]);
}
