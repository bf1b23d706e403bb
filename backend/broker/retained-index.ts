/**
 * aedes's memory persistence finds the retained messages for a SUBSCRIBE by testing every retained
 * topic against each pattern. Every car keeps a retained status, and every car subscribes to its
 * own command topics, so a ramp of N cars costs N^2 topic tests: 40-50% of the backend's main
 * thread while 5,000 cars connected. This index answers patterns without wildcards (the cars' own
 * topics) from a map of the retained messages by topic. Patterns with + or # keep the store's scan.
 * The store still holds every retained message; the index only mirrors them.
 */
import { Readable } from 'node:stream';

interface RetainedPacket {
  readonly topic: string;
  readonly payload: Buffer;
}

/** The part of an aedes persistence this wraps (callback or promise style storeRetained). */
export interface RetainedStore {
  storeRetained(packet: RetainedPacket, cb?: (err: Error | null) => void): unknown;
  createRetainedStream(pattern: string): Readable;
  createRetainedStreamCombi(patterns: string[]): Readable;
}

export const hasWildcard = (pattern: string): boolean => pattern.includes('+') || pattern.includes('#');

/** Wraps `store` in place (aedes keeps its own reference to it) and returns it. */
export function withRetainedIndex<S extends RetainedStore>(store: S): S {
  const byTopic = new Map<string, RetainedPacket>();
  const store0 = store.storeRetained.bind(store);
  const combi0 = store.createRetainedStreamCombi.bind(store);
  const single0 = store.createRetainedStream.bind(store);
  const exact = (patterns: readonly string[]): RetainedPacket[] => {
    const out: RetainedPacket[] = [];
    for (const p of patterns) {
      const packet = byTopic.get(p);
      if (packet !== undefined) out.push(packet);
    }
    return out;
  };
  store.storeRetained = (packet, cb) => {
    // an empty payload deletes the topic's retained message (MQTT-3.3.1-10)
    if (packet.payload.length === 0) byTopic.delete(packet.topic);
    else byTopic.set(packet.topic, { ...packet });
    return store0(packet, cb);
  };
  store.createRetainedStreamCombi = (patterns) => {
    const wild = patterns.filter(hasWildcard);
    const plain = exact(patterns.filter((p) => !hasWildcard(p)));
    if (wild.length === 0) return Readable.from(plain);
    return Readable.from(concat(plain, combi0(wild)));
  };
  store.createRetainedStream = (pattern) => (hasWildcard(pattern) ? single0(pattern) : Readable.from(exact([pattern])));
  return store;
}

async function* concat<T>(first: readonly T[], rest: AsyncIterable<T>): AsyncGenerator<T> {
  yield* first;
  yield* rest;
}
