/**
 * Seeded pseudo-random numbers for the simulator: sfc32 (Chris Doty-Humphrey's small fast counter,
 * 128-bit state, passes PractRand), seeded through splitmix32 so that any number or string seed gives
 * a well-mixed state. Never Math.random: the same seed must give the same city, fleet and trips.
 *
 * Independent streams: `rng.fork('cars')` derives a new generator from the seed and a label, so adding
 * a draw in one part of the simulator does not shift every number drawn in another.
 */

export type Seed = number | string;

function hashString(text: string): number {
  // FNV-1a, 32 bit
  let h = 0x811c9dc5;
  for (let i = 0; i < text.length; i++) {
    h ^= text.charCodeAt(i);
    h = Math.imul(h, 0x01000193);
  }
  return h >>> 0;
}

function splitmix32(state: { s: number }): number {
  state.s = (state.s + 0x9e3779b9) | 0;
  let z = state.s;
  z = Math.imul(z ^ (z >>> 16), 0x85ebca6b);
  z = Math.imul(z ^ (z >>> 13), 0xc2b2ae35);
  return (z ^ (z >>> 16)) >>> 0;
}

export class Rng {
  readonly seed: number;
  #a: number;
  #b: number;
  #c: number;
  #d: number;
  #spare = Number.NaN;

  constructor(seed: Seed) {
    this.seed = typeof seed === 'string' ? hashString(seed) : seed >>> 0 || hashString(String(seed));
    const st = { s: this.seed };
    this.#a = splitmix32(st);
    this.#b = splitmix32(st);
    this.#c = splitmix32(st);
    this.#d = splitmix32(st);
    for (let i = 0; i < 12; i++) this.uint32();
  }

  /** A new independent generator derived from this one's seed and a label. */
  fork(label: string): Rng {
    return new Rng(hashString(`${this.seed}:${label}`));
  }

  /** Uniform integer in [0, 2^32). */
  uint32(): number {
    const a = this.#a;
    const b = this.#b;
    const c = this.#c;
    const d = this.#d;
    const t = (((a + b) | 0) + d) | 0;
    this.#d = (d + 1) | 0;
    this.#a = b ^ (b >>> 9);
    this.#b = (c + (c << 3)) | 0;
    const r = (c << 21) | (c >>> 11);
    this.#c = (r + t) | 0;
    return t >>> 0;
  }

  /** Uniform float in [0, 1). */
  float(): number {
    return this.uint32() / 4294967296;
  }

  /** Uniform float in [min, max). */
  range(min: number, max: number): number {
    return min + (max - min) * this.float();
  }

  /** Uniform integer in [min, max] (both inclusive). */
  int(min: number, max: number): number {
    return min + Math.floor(this.float() * (max - min + 1));
  }

  /** True with probability p. */
  chance(p: number): boolean {
    return this.float() < p;
  }

  /** One element of a non-empty array. */
  pick<T>(items: readonly T[]): T {
    if (items.length === 0) throw new RangeError('pick from an empty array');
    return items[Math.floor(this.float() * items.length)] as T;
  }

  /** Normal deviate (Marsaglia polar method; the second value is kept for the next call). */
  normal(mean = 0, sd = 1): number {
    if (!Number.isNaN(this.#spare)) {
      const z = this.#spare;
      this.#spare = Number.NaN;
      return mean + sd * z;
    }
    let u: number;
    let v: number;
    let s: number;
    do {
      u = this.float() * 2 - 1;
      v = this.float() * 2 - 1;
      s = u * u + v * v;
    } while (s >= 1 || s === 0);
    const f = Math.sqrt((-2 * Math.log(s)) / s);
    this.#spare = v * f;
    return mean + sd * u * f;
  }

  /** Normal deviate clamped to [min, max]. */
  normalClamped(mean: number, sd: number, min: number, max: number): number {
    const x = this.normal(mean, sd);
    return x < min ? min : x > max ? max : x;
  }

  /** Exponential deviate with the given rate (events per unit). */
  exponential(rate: number): number {
    return -Math.log(1 - this.float()) / rate;
  }
}
