/**
 * Incidents: a stopped obstacle across some lanes of a segment for a while. Scripted (from the
 * scenario) or random (a Poisson process with a rate per hour, seeded). The lanes blocked are the
 * rightmost ones (local lane 0 upwards); blocking every lane closes the segment, and the router then
 * avoids it. The traffic model sees an obstacle as a stopped virtual leader at `positionM` for cars
 * on a blocked lane that have not passed it, so queues grow upstream and dissolve through car
 * following when it clears.
 */
import { V2xError } from '../../core/errors.js';
import type { Rng } from '../../core/random.js';
import type { RoadClass, RoadNetwork } from '../../road/network.js';
import type { FleetState } from './state.js';

export interface IncidentSpec {
  readonly id?: string;
  readonly segmentId: string;
  /** Simulated second at which it starts. */
  readonly startS: number;
  readonly durationS: number;
  /** Lanes blocked from the right; at least the segment's lane count closes it. */
  readonly lanesBlocked: number;
  /** Where along the segment, 0..1 (default 0.6). */
  readonly positionFraction?: number;
}

export interface RandomIncidentOptions {
  /** Expected incidents per simulated hour over the whole network. */
  readonly ratePerHour: number;
  readonly minDurationS?: number;
  readonly maxDurationS?: number;
  /** Road classes incidents may happen on (default all). */
  readonly roadClasses?: readonly RoadClass[];
}

export interface IncidentRecord {
  readonly type: 'incident';
  readonly incidentId: string;
  readonly source: 'scripted' | 'random';
  readonly segmentId: string;
  readonly startS: number;
  readonly endS: number;
  readonly lanesBlocked: number;
  readonly lanes: number;
  readonly closed: boolean;
  readonly positionM: number;
}

interface Incident {
  readonly record: IncidentRecord;
  readonly segment: number;
}

export class IncidentManager {
  /** Per segment: 1 while every lane is blocked. */
  readonly segClosed: Uint8Array;
  /** Bumped whenever a segment closes or reopens (cars then check their routes). */
  closureEpoch = 0;
  readonly #net: RoadNetwork;
  readonly #state: FleetState;
  readonly #rng: Rng;
  readonly #pending: Incident[] = [];
  #active: Incident[] = [];
  readonly #random: RandomIncidentOptions | undefined;
  readonly #candidates: number[];
  #nextRandomS = Infinity;
  #randomCount = 0;

  constructor(network: RoadNetwork, state: FleetState, rng: Rng, scripted: readonly IncidentSpec[] = [], random?: RandomIncidentOptions) {
    this.#net = network;
    this.#state = state;
    this.#rng = rng;
    this.segClosed = new Uint8Array(network.segments.length);
    scripted.forEach((spec, i) => {
      const where = `incidents[${i}]`;
      const segment = network.segmentIndexById.get(spec.segmentId);
      if (segment === undefined) throw new V2xError('SCENARIO_INVALID', `${where}.segment: no segment with id ${spec.segmentId}`);
      if (!(spec.durationS > 0)) throw new V2xError('SCENARIO_INVALID', `${where}.duration: must be more than 0`);
      if (!(spec.lanesBlocked >= 1)) throw new V2xError('SCENARIO_INVALID', `${where}.lanesBlocked: must be at least 1`);
      this.#pending.push(
        this.#make(
          spec.id ?? `incident-${i + 1}`,
          'scripted',
          segment,
          spec.startS,
          spec.durationS,
          spec.lanesBlocked,
          spec.positionFraction ?? 0.6,
        ),
      );
    });
    this.#pending.sort((a, b) => a.record.startS - b.record.startS);
    this.#random = random && random.ratePerHour > 0 ? random : undefined;
    const classes = random?.roadClasses;
    this.#candidates = network.segments
      .filter((s) => s.lengthM >= 40 && (classes === undefined || classes.includes(s.roadClass)))
      .map((s) => s.index);
    if (this.#random && this.#candidates.length > 0) this.#nextRandomS = this.#rng.exponential(this.#random.ratePerHour / 3600);
  }

  get active(): readonly IncidentRecord[] {
    return this.#active.map((i) => i.record);
  }

  #make(
    id: string,
    source: 'scripted' | 'random',
    segment: number,
    startS: number,
    durationS: number,
    lanesBlocked: number,
    fraction: number,
  ): Incident {
    const seg = this.#net.segments[segment];
    const lanes = seg?.lanes ?? 1;
    const blocked = Math.min(lanes, Math.floor(lanesBlocked));
    const record: IncidentRecord = {
      type: 'incident',
      incidentId: id,
      source,
      segmentId: seg?.id ?? '',
      startS,
      endS: startS + durationS,
      lanesBlocked: blocked,
      lanes,
      closed: blocked >= lanes,
      positionM: Math.round(Math.min(0.98, Math.max(0.02, fraction)) * (seg?.lengthM ?? 0) * 10) / 10,
    };
    return { record, segment };
  }

  /** Starts and ends incidents due by simulated time t; appends a record for each start to `out`. */
  update(t: number, out: IncidentRecord[]): void {
    if (!this.#due(t)) return;
    while (this.#random && this.#nextRandomS <= t) {
      const r = this.#random;
      const segment = this.#candidates[this.#rng.int(0, this.#candidates.length - 1)] as number;
      const lanes = this.#net.segLanes[segment] as number;
      const dur = this.#rng.range(r.minDurationS ?? 300, r.maxDurationS ?? 1200);
      this.#randomCount++;
      const inc = this.#make(
        `random-${this.#randomCount}`,
        'random',
        segment,
        Math.round(this.#nextRandomS * 10) / 10,
        Math.round(dur),
        this.#rng.int(1, lanes),
        this.#rng.range(0.3, 0.8),
      );
      this.#pending.push(inc);
      this.#pending.sort((a, b) => a.record.startS - b.record.startS);
      this.#nextRandomS += this.#rng.exponential(r.ratePerHour / 3600);
    }
    const changed = new Set<number>();
    while (this.#pending.length > 0 && (this.#pending[0] as Incident).record.startS <= t) {
      const inc = this.#pending.shift() as Incident;
      if (inc.record.endS <= t) continue;
      this.#active.push(inc);
      changed.add(inc.segment);
      out.push(inc.record);
    }
    if (this.#active.some((i) => i.record.endS <= t)) {
      for (const i of this.#active) if (i.record.endS <= t) changed.add(i.segment);
      this.#active = this.#active.filter((i) => i.record.endS > t);
    }
    for (const s of changed) this.#apply(s);
  }

  #due(t: number): boolean {
    if (this.#nextRandomS <= t) return true;
    const first = this.#pending[0];
    if (first !== undefined && first.record.startS <= t) return true;
    for (let i = 0; i < this.#active.length; i++) if ((this.#active[i] as Incident).record.endS <= t) return true;
    return false;
  }

  /** Lanes that hold an obstacle now (global lane numbers). */
  blockedLanes(): number[] {
    const lanes: number[] = [];
    for (const inc of this.#active) {
      const base = this.#state.laneBase[inc.segment] as number;
      for (let k = 0; k < inc.record.lanesBlocked; k++) if (!lanes.includes(base + k)) lanes.push(base + k);
    }
    return lanes.sort((a, b) => a - b);
  }

  /** Bumped whenever the set of active incidents changes. */
  version = 0;

  #apply(s: number): void {
    this.version++;
    const st = this.#state;
    const base = st.laneBase[s] as number;
    const n = (st.laneBase[s + 1] as number) - base;
    for (let k = 0; k < n; k++) st.obstacle[base + k] = Infinity;
    for (const inc of this.#active) {
      if (inc.segment !== s) continue;
      for (let k = 0; k < inc.record.lanesBlocked; k++) {
        const l = base + k;
        if (inc.record.positionM < (st.obstacle[l] as number)) st.obstacle[l] = inc.record.positionM;
      }
    }
    let closed = 1;
    for (let k = 0; k < n; k++) if (st.obstacle[base + k] === Infinity) closed = 0;
    if (closed !== this.segClosed[s]) {
      this.segClosed[s] = closed;
      this.closureEpoch++;
    }
  }
}
