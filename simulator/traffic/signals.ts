/**
 * Fixed-time traffic signals at signalised nodes. The segments entering a node are split into two
 * groups by approach direction (north-south vs east-west); the groups take turns:
 *   group 0: green G, amber 3 s, all red 2 s; then group 1: green G, amber 3 s, all red 2 s.
 * Each node has a seeded offset so signals along a street are not all in step.
 * Red (and amber, for a driver who can still stop comfortably) is a stopped virtual leader at the
 * stop line (the end of the segment); the model decides that, this file only tells the colour.
 */
import type { Rng } from '../../core/random.js';
import type { RoadNetwork } from '../../road/network.js';

export const GREEN = 0;
export const AMBER = 1;
export const RED = 2;
export type SignalColour = typeof GREEN | typeof AMBER | typeof RED;

export interface SignalTiming {
  readonly greenS: number;
  readonly amberS: number;
  readonly allRedS: number;
}

export const DEFAULT_SIGNAL_TIMING: SignalTiming = { greenS: 25, amberS: 3, allRedS: 2 };

export class SignalPlan {
  /** Per segment: signal group slot (signal * 2 + group) controlling its end, or -1. */
  readonly segSlot: Int32Array;
  /** Per slot: current colour, refreshed by update(). */
  readonly colour: Uint8Array;
  readonly #offset: Float64Array;
  readonly #timing: SignalTiming;
  readonly count: number;

  constructor(network: RoadNetwork, rng: Rng, timing: SignalTiming = DEFAULT_SIGNAL_TIMING) {
    this.#timing = timing;
    const cycle = 2 * (timing.greenS + timing.amberS + timing.allRedS);
    this.segSlot = new Int32Array(network.segments.length).fill(-1);
    const offsets: number[] = [];
    for (const node of network.nodes) {
      if (!node.signal) continue;
      const signal = offsets.length;
      offsets.push(rng.range(0, cycle));
      for (let e = network.inStart[node.index] as number; e < (network.inStart[node.index + 1] as number); e++) {
        const s = network.inSegments[e] as number;
        const bearing = ((network.segEndBearing[s] as number) * Math.PI) / 180;
        const group = Math.abs(Math.cos(bearing)) >= Math.abs(Math.sin(bearing)) ? 0 : 1;
        this.segSlot[s] = signal * 2 + group;
      }
    }
    this.count = offsets.length;
    this.#offset = Float64Array.from(offsets);
    this.colour = new Uint8Array(this.count * 2);
  }

  /** Sets every colour for simulated time t (seconds). */
  update(t: number): void {
    const { greenS, amberS, allRedS } = this.#timing;
    const half = greenS + amberS + allRedS;
    const cycle = 2 * half;
    for (let i = 0; i < this.count; i++) {
      const phase = (t + (this.#offset[i] as number)) % cycle;
      const first = phase < half;
      const p = first ? phase : phase - half;
      const active: SignalColour = p < greenS ? GREEN : p < greenS + amberS ? AMBER : RED;
      this.colour[2 * i] = first ? active : RED;
      this.colour[2 * i + 1] = first ? RED : active;
    }
  }

  /** Colour at the end of segment s (GREEN when unsignalised). */
  colourAt(s: number): SignalColour {
    const slot = this.segSlot[s] as number;
    return slot < 0 ? GREEN : (this.colour[slot] as SignalColour);
  }
}
