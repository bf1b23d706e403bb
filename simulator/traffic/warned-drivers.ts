/**
 * Warned drivers in the traffic model (issue 20 item 5): a car that received a hazard warning over
 * MQTT decides (warning-decision.ts) whether the warned place is ahead on its route and, with the
 * configured share (a seeded draw per car and warning), takes a detour around the warned segments.
 * Every decision becomes a ground-truth record (`reroute_decision`) with the original route's
 * expected time to the point where the detour rejoins it (or the destination), from the model's
 * current segment speeds; the car is then followed until it reaches that point and a
 * `reroute_outcome` record gives the time it actually took. A driver who declines is followed to
 * the same point on the original route, so the estimate can be checked against the stayers.
 */
import { distanceM } from '../../road/geo.js';
import type { TrafficModel } from './model.js';
import { planDetour } from './rerouting.js';
import {
  DETOUR_WARNING_TYPES,
  detourDraw,
  estimateSpeed,
  rejoinOf,
  takesDetour,
  travelTimeS,
  warnedSpanAhead,
  type WarnedSpan,
} from './warning-decision.js';

/** A warning as a car received it (serialisable: it crosses threads). */
export interface ReceivedWarning {
  readonly vin: string;
  readonly warningId: string;
  readonly warningType: string;
  readonly segmentId?: string;
  readonly lat: number;
  readonly lon: number;
  readonly radiusM: number;
  /** The warning had expired on the car's clock when it arrived. */
  readonly expired: boolean;
  /** Seconds it was still valid for on the car's clock when it arrived (0 once expired); unknown: SEEN_FOR_S. */
  readonly validForS?: number;
}

/** A received warning handed to the model: `car` is the car's index in the model (the fleet index with the shared model). */
export interface DriverWarning extends ReceivedWarning {
  readonly car: number;
}

export type DecisionReason =
  | 'rerouted'
  | 'declined'
  | 'detour_slower'
  | 'not_ahead'
  | 'no_detour'
  | 'destination_warned'
  | 'expired'
  | 'not_a_place'
  | 'unknown_place'
  | 'parked';

export interface RerouteDecisionRecord {
  readonly type: 'reroute_decision';
  /** Simulated seconds of the decision. */
  readonly t: number;
  readonly timeMs: number;
  /** `<vin>:<warningId>`. */
  readonly decisionId: string;
  readonly vin: string;
  readonly warningId: string;
  readonly warningType: string;
  /** The warned segment (null when it could not be placed on the network). */
  readonly segmentId: string | null;
  /** Segments of the route the warning covers (what a detour avoids). */
  readonly avoidSegmentIds: readonly string[];
  readonly share: number;
  /** sim.rerouteWhen was 'faster': a drawn driver took the detour only when it was expected to be faster. */
  readonly onlyIfFaster: boolean;
  readonly rerouted: boolean;
  readonly reason: DecisionReason;
  /** Where the detour rejoins the original route (or the destination); null without a detour. */
  readonly rejoinSegmentId: string | null;
  /** The original route's expected seconds from the car to the rejoin point, at the segment speeds of the last ground-truth window. */
  readonly expectedS: number | null;
  /** The detour's expected seconds to the same point, at the same speeds. */
  readonly detourExpectedS: number | null;
}

export interface RerouteOutcomeRecord {
  readonly type: 'reroute_outcome';
  readonly t: number;
  readonly timeMs: number;
  readonly decisionId: string;
  readonly vin: string;
  readonly rerouted: boolean;
  /** reached: the car drove onto the rejoin segment; left_route: its route changed for another reason (gridlock relief, a closure). */
  readonly outcome: 'reached' | 'left_route';
  readonly rejoinSegmentId: string;
  readonly expectedS: number;
  /** Seconds from the decision to reaching the rejoin segment (null when it left the route). */
  readonly actualS: number | null;
  /** expectedS - actualS (null when it left the route). */
  readonly savedS: number | null;
}

export type RerouteRecord = RerouteDecisionRecord | RerouteOutcomeRecord;

interface Followed {
  readonly id: string;
  readonly car: number;
  readonly vin: string;
  readonly rerouted: boolean;
  readonly target: number;
  readonly startS: number;
  readonly expectedS: number;
  route: Int32Array;
  targetIdx: number;
  trips: number;
}

/** Warning positions without a segment id are matched to a route segment starting this close, m. */
const PLACE_TOLERANCE_M = 30;
/** A warning id of unknown validity is remembered this long (simulated s) to drop redeliveries. */
const SEEN_FOR_S = 3600;
/**
 * A warning id is remembered until the warning expires and this long after (simulated s): a
 * redelivery (QoS 1, after a reconnect) comes within it. Remembering every id for an hour grew the
 * model thread by 300,000 ids (35 MB) in a 40-minute soak of 3,000 cars.
 */
const SEEN_AFTER_EXPIRY_S = 120;
/** How often forgotten ids are swept (simulated s). */
const SWEEP_EVERY_S = 60;

export interface WarnedDriversOptions {
  readonly seed: string;
  /** Share of warned drivers with the warned place ahead who take a detour, 0..1. */
  readonly share: number;
  /** A drawn driver takes the detour only when it is expected to be faster (else: `detour_slower`, and stays). */
  readonly onlyIfFaster?: boolean;
  /** Keep ground-truth records. */
  readonly records: boolean;
  /** Is car c parked (a parked car does not drive around anything). */
  readonly isParked?: (car: number) => boolean;
}

export class WarnedDrivers {
  readonly #model: TrafficModel;
  readonly #o: WarnedDriversOptions;
  /** Decision ids seen, with the simulated second after which they are forgotten. */
  readonly #seen = new Map<string, number>();
  #prunedS = 0;
  #followed: Followed[] = [];
  #records: RerouteRecord[] = [];
  /** Decisions by reason, since the start. */
  readonly decisions: Record<DecisionReason, number> = {
    rerouted: 0,
    declined: 0,
    detour_slower: 0,
    not_ahead: 0,
    no_detour: 0,
    destination_warned: 0,
    expired: 0,
    not_a_place: 0,
    unknown_place: 0,
    parked: 0,
  };

  constructor(model: TrafficModel, options: WarnedDriversOptions) {
    this.#model = model;
    this.#o = options;
  }

  /** Warning ids remembered to drop redeliveries. */
  get remembered(): number {
    return this.#seen.size;
  }

  /** Cars followed to their rejoin point now. */
  get following(): number {
    return this.#followed.length;
  }

  /** A car received a warning: decide, maybe take a detour, record. A repeated warning (QoS 1 redelivery) is ignored. */
  receive(w: DriverWarning): void {
    const model = this.#model;
    const st = model.state;
    if (!(w.car >= 0 && w.car < st.count)) return;
    const id = `${w.vin}:${w.warningId}`;
    if (this.#seen.has(id)) return;
    this.#seen.set(id, model.timeS + (w.validForS ?? SEEN_FOR_S) + SEEN_AFTER_EXPIRY_S);
    const net = model.network;
    const route = st.routes[w.car] as Int32Array;
    const idx = st.routeIdx[w.car] as number;
    const warned = this.#place(w, route, idx);
    const base = { decisionId: id, w, warned };
    if (w.expired) return this.#decide(base, 'expired');
    if (!DETOUR_WARNING_TYPES.has(w.warningType)) return this.#decide(base, 'not_a_place');
    if (warned === undefined) return this.#decide(base, 'unknown_place');
    if (this.#o.isParked?.(w.car) === true || st.held[w.car] !== 0) return this.#decide(base, 'parked');
    const span = warnedSpanAhead(route, idx, warned, net.segLength, w.radiusM);
    if (span === undefined) return this.#decide(base, 'not_ahead');
    const dest = route[route.length - 1] as number;
    if (span.last === route.length - 1) return this.#decide({ ...base, span }, 'destination_warned');
    const detour = planDetour(model.planner, route[idx] as number, dest, span.avoid);
    const rejoin = detour === undefined ? undefined : rejoinOf(route, span.last, detour);
    if (detour === undefined || rejoin === undefined) return this.#decide({ ...base, span }, 'no_detour');
    const speeds = model.segmentSpeeds;
    const speedOf = (s: number): number => estimateSpeed(speeds[s] as number, net.segFreeFlow[s] as number);
    const pos = st.pos[w.car] as number;
    const expectedS = travelTimeS(route, idx, pos, rejoin.originalIdx, net.segLength, speedOf);
    const detourExpectedS = travelTimeS(detour, 0, pos, rejoin.detourIdx, net.segLength, speedOf);
    const drawn = takesDetour(this.#o.share, detourDraw(this.#o.seed, w.vin, w.warningId));
    const slower = drawn && this.#o.onlyIfFaster === true && !(detourExpectedS < expectedS);
    const rerouted = drawn && !slower;
    if (rerouted) {
      st.routes[w.car] = detour;
      st.routeIdx[w.car] = 0;
    }
    const target = route[rejoin.originalIdx] as number;
    this.#decide({ ...base, span, target, expectedS, detourExpectedS }, rerouted ? 'rerouted' : slower ? 'detour_slower' : 'declined');
    this.#followed.push({
      id,
      car: w.car,
      vin: w.vin,
      rerouted,
      target,
      startS: model.timeS,
      expectedS,
      route: rerouted ? detour : route,
      targetIdx: rerouted ? rejoin.detourIdx : rejoin.originalIdx,
      trips: st.trips[w.car] as number,
    });
  }

  /** After each model tick: the followed cars that reached their rejoin point, or left their route. */
  afterTick(): void {
    const now = this.#model.timeS;
    if (now - this.#prunedS >= SWEEP_EVERY_S) {
      this.#prunedS = now;
      for (const [id, forgetAt] of this.#seen) if (forgetAt < now) this.#seen.delete(id);
    }
    if (this.#followed.length === 0) return;
    const st = this.#model.state;
    this.#followed = this.#followed.filter((f) => {
      const route = st.routes[f.car] as Int32Array;
      const idx = st.routeIdx[f.car] as number;
      if (route === f.route) {
        if (idx < f.targetIdx) return true;
        this.#outcome(f, 'reached');
        return false;
      }
      // a new route: a new trip (the rejoin point was the destination), or a re-plan on the way
      if (st.seg[f.car] === f.target || (f.targetIdx === f.route.length - 1 && st.trips[f.car] !== f.trips)) {
        this.#outcome(f, 'reached');
        return false;
      }
      for (let i = idx; i < route.length; i++) {
        if (route[i] === f.target) {
          f.route = route;
          f.targetIdx = i;
          return true;
        }
      }
      this.#outcome(f, 'left_route');
      return false;
    });
  }

  /** Ground-truth records since the last call. */
  takeRecords(): RerouteRecord[] {
    const out = this.#records;
    this.#records = [];
    return out;
  }

  /** The warned segment: the warning's segment id, else the route segment ahead that starts at its position. */
  #place(w: DriverWarning, route: Int32Array, idx: number): number | undefined {
    const net = this.#model.network;
    if (w.segmentId !== undefined) return net.segmentIndexById.get(w.segmentId);
    let best: number | undefined;
    let bestD = PLACE_TOLERANCE_M;
    for (let i = idx + 1; i < route.length; i++) {
      const s = route[i] as number;
      const p = net.segments[s]?.geometry[0];
      if (p === undefined) continue;
      const d = distanceM(p[0], p[1], w.lon, w.lat);
      if (d <= bestD) {
        bestD = d;
        best = s;
      }
    }
    return best;
  }

  #decide(
    d: {
      decisionId: string;
      w: DriverWarning;
      warned: number | undefined;
      span?: WarnedSpan;
      target?: number;
      expectedS?: number;
      detourExpectedS?: number;
    },
    reason: DecisionReason,
  ): void {
    this.decisions[reason]++;
    if (!this.#o.records) return;
    const model = this.#model;
    const segs = model.network.segments;
    const idOf = (s: number): string => segs[s]?.id ?? String(s);
    this.#records.push({
      type: 'reroute_decision',
      t: model.timeS,
      timeMs: Math.round(model.timeS * 1000),
      decisionId: d.decisionId,
      vin: d.w.vin,
      warningId: d.w.warningId,
      warningType: d.w.warningType,
      segmentId: d.warned === undefined ? null : idOf(d.warned),
      avoidSegmentIds: (d.span?.avoid ?? []).map(idOf),
      share: this.#o.share,
      onlyIfFaster: this.#o.onlyIfFaster === true,
      rerouted: reason === 'rerouted',
      reason,
      rejoinSegmentId: d.target === undefined ? null : idOf(d.target),
      expectedS: d.expectedS === undefined ? null : round1(d.expectedS),
      detourExpectedS: d.detourExpectedS === undefined ? null : round1(d.detourExpectedS),
    });
  }

  #outcome(f: Followed, outcome: 'reached' | 'left_route'): void {
    if (!this.#o.records) return;
    const model = this.#model;
    const actual = outcome === 'reached' ? model.timeS - f.startS : null;
    this.#records.push({
      type: 'reroute_outcome',
      t: model.timeS,
      timeMs: Math.round(model.timeS * 1000),
      decisionId: f.id,
      vin: f.vin,
      rerouted: f.rerouted,
      outcome,
      rejoinSegmentId: model.network.segments[f.target]?.id ?? String(f.target),
      expectedS: round1(f.expectedS),
      actualS: actual === null ? null : round1(actual),
      savedS: actual === null ? null : round1(f.expectedS - actual),
    });
  }
}

const round1 = (v: number): number => Math.round(v * 10) / 10;
