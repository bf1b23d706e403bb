/**
 * Copies of the cars' telemetry payloads for their rings, each car's in slabs of its own.
 *
 * A record's bytes are a slice of the whole fetched batch, so the ring must keep a copy. Buffer.from
 * takes small copies from Node's shared 8 KB pool, where one slab holds about 17 payloads of as many
 * cars; a slab lives while any of them is in a ring, and a parked car's ring keeps its last payloads
 * for as long as it is parked. So every parked car pinned hundreds of slabs (up to 8 KB per 470-byte
 * payload): the soak's services process grew 60% in RSS with its V8 heap flat. Here a car's copies
 * share its own slabs, which its ring frees in order. Measured on a model of 3,000 cars with 300-entry
 * rings and random parking: RSS 1,597 MB with the shared pool, 1,091 with one buffer per payload,
 * 828 with per-car slabs. Pure.
 */

/** Slab size: a few JSON payloads (~470 B) or dozens of binary ones (~75 B); little left unused per car. */
export const SLAB_BYTES = 4096;

export class CarSlabs {
  readonly #slabs = new Map<string, { slab: Uint8Array; used: number }>();

  /** A copy of `bytes` that shares memory only with `vin`'s other copies. */
  copy(vin: string, bytes: Uint8Array): Uint8Array {
    if (bytes.length > SLAB_BYTES / 4) return new Uint8Array(bytes);
    let s = this.#slabs.get(vin);
    if (s === undefined || s.used + bytes.length > s.slab.length) {
      s = { slab: new Uint8Array(SLAB_BYTES), used: 0 };
      this.#slabs.set(vin, s);
    }
    const out = s.slab.subarray(s.used, s.used + bytes.length);
    out.set(bytes);
    s.used += bytes.length;
    return out;
  }
}
