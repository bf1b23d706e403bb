/**
 * The traffic model: cars on lanes of the road network, following their leaders with the
 * Intelligent Driver Model, stopping at red signals and behind incidents, moving from segment to
 * segment along fastest routes and taking a new trip when they reach their destination.
 *
 * Pure and deterministic: no clock, no I/O, one seeded PRNG (forked per concern). The caller advances
 * it with step(dtSeconds); time runs in fixed ticks (default 0.5 s) counted in integer milliseconds,
 * so any way of chopping the same total time gives the same result.
 *
 * One tick: start and end incidents; refresh signal colours; let cars stuck behind an incident change
 * lane; then for every lane, front to back, compute each car's IDM acceleration against its leader
 * (the car ahead in the lane, or for the front car a look-ahead along its route: the stop line of a
 * red signal, the last car or an obstacle on the lane it will enter next) or an obstacle on its lane,
 * integrate (ballistic update), never past the leader's rear, and move it onto the next segment when
 * it passes the end. A car that finds no room at the entry of the next segment (two cars reaching a
 * junction at once) waits at the end of its segment.
 */
import { V2xError } from '../../core/errors.js';
import { Rng, type Seed } from '../../core/random.js';
import type { RoadNetwork } from '../../road/network.js';
import { Router } from '../../road/routing.js';
import { stronglyConnectedComponents } from '../../road/connectivity.js';
import { GroundTruthWindow, type GroundTruthRecord } from './ground-truth.js';
import { idmAccel, MAX_BRAKE, sampleDriver, type DriverParams } from './idm.js';
import { IncidentManager, type IncidentRecord, type IncidentSpec, type RandomIncidentOptions } from './incidents.js';
import { KinematicsReader, type CarKinematics } from './kinematics.js';
import { SignalPlan, type SignalTiming } from './signals.js';
import { LIMIT_ENTRY, Lookahead } from './lookahead.js';
import { SAFETY_M, crossJunction } from './transition.js';
import { FleetState, NONE } from './state.js';
import { spawnCars } from './spawn.js';
import { changeLanesAtIncidents } from './lane-change.js';
import { divert, rerouteAround } from './rerouting.js';
import { TripPlanner } from './trips.js';

export interface TrafficModelOptions {
  readonly seed?: Seed;
  /** Cars placed at random at the start. */
  readonly cars?: number;
  /** Room for cars added later with addCar (default: cars). */
  readonly capacity?: number;
  /** Fixed tick, seconds (0.05..1, default 0.5). */
  readonly tickSeconds?: number;
  readonly incidents?: readonly IncidentSpec[];
  readonly randomIncidents?: RandomIncidentOptions;
  /** Ground-truth window in seconds (default 10); `records: false` keeps only the live speeds. */
  readonly groundTruth?: { readonly intervalS?: number; readonly records?: boolean };
  /** Route by the travel times measured in the last ground-truth window (default 'live': spreads
   * traffic over the network as drivers with a navigation app do) or by free-flow times only. */
  readonly routing?: 'free-flow' | 'live';
  /** Epoch ms of simulated time 0, for record timestamps (default 0). */
  readonly startEpochMs?: number;
  readonly signalTiming?: SignalTiming;
  /** Lateral offset of reported positions: lane width in metres (0: on the centre line). */
  readonly laneWidthM?: number;
}

export interface AddCarOptions {
  readonly segmentId: string;
  /** Local lane, default 0. */
  readonly lane?: number;
  readonly positionM: number;
  readonly speedMps?: number;
  /** Segment ids to drive, starting with segmentId; default a random trip. */
  readonly route?: readonly string[];
  readonly driver?: Partial<DriverParams>;
}

export class TrafficModel {
  readonly network: RoadNetwork;
  readonly state: FleetState;
  readonly router: Router;
  readonly signals: SignalPlan;
  readonly incidents: IncidentManager;
  readonly planner: TripPlanner;
  readonly tickSeconds: number;
  readonly #tickMs: number;
  readonly #rngCars: Rng;
  readonly #rngSpawn: Rng;
  readonly #truth: GroundTruthWindow;
  readonly #truthMs: number;
  readonly #emitTruth: boolean;
  readonly #live: boolean;
  readonly #startEpochMs: number;
  readonly #reader: KinematicsReader;
  #records: GroundTruthRecord[] = [];
  #incidentOut: IncidentRecord[] = [];
  #timeMs = 0;
  #pendingMs = 0;
  #tick = 0;
  #closureEpochSeen = 0;
  #incidentVersionSeen = 0;
  #blockedLanes: number[] = [];
  readonly #lookahead: Lookahead;
  /** Cars that turned off their route after waiting too long at a junction (gridlock relief). */
  diversions = 0;

  constructor(network: RoadNetwork, options: TrafficModelOptions = {}) {
    const tick = options.tickSeconds ?? 0.5;
    if (!(tick >= 0.05 && tick <= 1)) throw new V2xError('SCENARIO_INVALID', `tickSeconds: must be between 0.05 and 1, got ${tick}`);
    const cars = options.cars ?? 0;
    if (!Number.isInteger(cars) || cars < 0) throw new V2xError('SCENARIO_INVALID', `cars: must be a whole number >= 0, got ${cars}`);
    const parts = stronglyConnectedComponents(network).count;
    if (parts > 1) {
      throw new V2xError(
        'ROAD_NETWORK_INVALID',
        `the traffic model needs a strongly connected network (this one has ${parts} parts); use largestStronglyConnected()`,
      );
    }
    this.network = network;
    this.tickSeconds = tick;
    this.#tickMs = Math.round(tick * 1000);
    const rng = new Rng(options.seed ?? 1);
    this.#rngCars = rng.fork('drivers');
    this.#rngSpawn = rng.fork('spawn');
    this.state = new FleetState(network, Math.max(cars, options.capacity ?? cars));
    this.router = new Router(network);
    this.signals = new SignalPlan(network, rng.fork('signals'), options.signalTiming);
    this.#lookahead = new Lookahead(network, this.state, this.signals);
    this.incidents = new IncidentManager(network, this.state, rng.fork('incidents'), options.incidents, options.randomIncidents);
    this.planner = new TripPlanner(network, this.router, rng.fork('trips'), this.incidents.segClosed);
    const intervalS = options.groundTruth?.intervalS ?? 10;
    this.#truth = new GroundTruthWindow(network, intervalS);
    this.#truthMs = Math.round(intervalS * 1000);
    this.#emitTruth = options.groundTruth?.records ?? true;
    this.#live = (options.routing ?? 'live') === 'live';
    this.#startEpochMs = options.startEpochMs ?? 0;
    this.#reader = new KinematicsReader(network, this.state, options.laneWidthM ?? 3.2);
    this.signals.update(0);
    spawnCars(network, this.state, this.planner, this.#rngCars, this.#rngSpawn, cars);
  }

  /** Simulated seconds since the start. */
  get timeS(): number {
    return this.#timeMs / 1000;
  }

  get ticks(): number {
    return this.#tick;
  }

  get carCount(): number {
    return this.state.count;
  }

  /** Advances simulated time by dtSeconds, running every whole tick that falls due. Returns ticks run. */
  step(dtSeconds: number): number {
    this.#pendingMs += Math.round(dtSeconds * 1000);
    let n = 0;
    while (this.#pendingMs >= this.#tickMs) {
      this.#pendingMs -= this.#tickMs;
      this.#runTick();
      n++;
    }
    return n;
  }

  /** Ground-truth records produced since the last call (incidents and segment windows), oldest first. */
  takeRecords(): GroundTruthRecord[] {
    const out = this.#records;
    this.#records = [];
    return out;
  }

  /** Kinematics of car i into `out`. */
  readCar(i: number, out: CarKinematics): CarKinematics {
    if (!(i >= 0 && i < this.state.count)) throw new RangeError(`no car ${i}`);
    return this.#reader.read(i, out);
  }

  /** Mean speed per segment in the last ground-truth window, m/s (NaN where no car drove): what the model measures now. */
  get segmentSpeeds(): Readonly<Float64Array> {
    return this.#truth.lastMean;
  }

  /** Cars on segment s now. */
  carsOnSegment(s: number): number {
    const st = this.state;
    let n = 0;
    for (let l = st.laneBase[s] as number; l < (st.laneBase[s + 1] as number); l++) n += st.laneCars[l] as number;
    return n;
  }

  /** Holds car i (it brakes at its comfortable rate to a stop and stays: a breakdown) or releases it. */
  holdCar(i: number, held: boolean): void {
    if (!(i >= 0 && i < this.state.count)) throw new RangeError(`no car ${i}`);
    this.state.held[i] = held ? 1 : 0;
  }

  /** Caps car i's desired speed (a remote speed limit), m/s; Infinity or 0 removes the cap. */
  capSpeed(i: number, mps: number): void {
    if (!(i >= 0 && i < this.state.count)) throw new RangeError(`no car ${i}`);
    this.state.speedCap[i] = mps > 0 ? mps : Number.POSITIVE_INFINITY;
  }

  /**
   * A driver warned of a jam on `segmentIds` takes a detour if its route runs through one of them
   * (simulator/traffic/rerouting.ts rerouteAround); returns true when it rerouted. Unknown ids are ignored.
   */
  rerouteAround(i: number, segmentIds: readonly string[]): boolean {
    if (!(i >= 0 && i < this.state.count)) throw new RangeError(`no car ${i}`);
    const avoid: number[] = [];
    for (const id of segmentIds) {
      const s = this.network.segmentIndexById.get(id);
      if (s !== undefined) avoid.push(s);
    }
    return avoid.length > 0 && rerouteAround(this.state, this.planner, i, avoid);
  }

  /** Places one car by hand (tests, replays); returns its index. */
  addCar(o: AddCarOptions): number {
    const st = this.state;
    if (st.count >= st.capacity) throw new V2xError('SCENARIO_INVALID', `cars: no room for more than ${st.capacity} cars`);
    const s = this.network.segmentIndexById.get(o.segmentId);
    if (s === undefined) throw new V2xError('SCENARIO_INVALID', `no segment with id ${o.segmentId}`);
    const lanes = this.network.segLanes[s] as number;
    const lane = o.lane ?? 0;
    if (!(lane >= 0 && lane < lanes)) throw new V2xError('SCENARIO_INVALID', `lane ${lane} not on segment ${o.segmentId}`);
    const c = st.count++;
    st.setDriver(c, { ...sampleDriver(this.#rngCars), ...o.driver });
    st.pos[c] = o.positionM;
    st.speed[c] = o.speedMps ?? 0;
    st.insertOrdered(c, (st.laneBase[s] as number) + lane);
    if (o.route !== undefined) {
      const route = Int32Array.from(o.route, (id) => {
        const k = this.network.segmentIndexById.get(id);
        if (k === undefined) throw new V2xError('SCENARIO_INVALID', `route: no segment with id ${id}`);
        return k;
      });
      if (route[0] !== s) throw new V2xError('SCENARIO_INVALID', "route: must start with the car's segment");
      st.routes[c] = route;
    } else {
      st.routes[c] = this.planner.plan(s);
    }
    st.routeIdx[c] = 0;
    return c;
  }

  #runTick(): void {
    this.#tick++;
    const tick = this.#tick;
    const dt = this.tickSeconds;
    const t = this.#timeMs / 1000;
    const inc = this.incidents;
    inc.update(t, this.#incidentOut);
    if (this.#incidentOut.length > 0) {
      for (const r of this.#incidentOut) this.#records.push(r);
      this.#incidentOut.length = 0;
    }
    if (inc.version !== this.#incidentVersionSeen) {
      this.#incidentVersionSeen = inc.version;
      this.#blockedLanes = inc.blockedLanes();
    }
    if (inc.closureEpoch !== this.#closureEpochSeen) {
      this.#closureEpochSeen = inc.closureEpoch;
      this.planner.refreshCosts(this.#live ? this.#truth.lastMean : undefined);
    }
    this.signals.update(t);
    if (this.#blockedLanes.length > 0) changeLanesAtIncidents(this.state, this.#blockedLanes);

    const net = this.network;
    const st = this.state;
    const segLength = net.segLength;
    const segFree = net.segFreeFlow;
    const { pos, speed, accel, odometer, ahead, behind, length, seg, movedTick, obstacle } = st;
    const { speedFactor, headway, minGap, maxAccel, comfortDecel, speedCap } = st;
    const speedSum = this.#truth.speedSum;
    const samples = this.#truth.samples;
    const lanes = st.laneCount;
    const invDt = 1 / dt;
    const la = this.#lookahead;
    for (let l = 0; l < lanes; l++) {
      let c = st.laneFirst[l] as number;
      while (c !== NONE) {
        const next = behind[c] as number;
        if (movedTick[c] === tick) {
          c = next;
          continue;
        }
        movedTick[c] = tick;
        const s = seg[c] as number;
        const p = pos[c] as number;
        const v = speed[c] as number;
        let gap: number;
        let vL: number;
        let cap = Infinity;
        const a = ahead[c] as number;
        if (a !== NONE) {
          gap = (pos[a] as number) - (length[a] as number) - p;
          vL = speed[a] as number;
        } else {
          la.look(c, s, p, v);
          gap = la.gap;
          vL = la.vLeader;
          cap = la.cap;
        }
        const obs = obstacle[l] as number;
        if (obs < Infinity && p < obs && obs - p < gap) {
          gap = obs - p;
          vL = 0;
        }
        const desired = (speedFactor[c] as number) * (segFree[s] as number);
        const capV = speedCap[c] as number;
        let acc = idmAccel(
          v,
          desired < capV ? desired : capV,
          gap,
          vL,
          maxAccel[c] as number,
          comfortDecel[c] as number,
          headway[c] as number,
          minGap[c] as number,
        );
        if (cap < acc) acc = cap < -MAX_BRAKE ? -MAX_BRAKE : cap;
        if (st.held[c] === 1 && acc > -(comfortDecel[c] as number)) acc = v > 0 ? -(comfortDecel[c] as number) : 0;
        let nv = v + acc * dt;
        let dx: number;
        if (nv <= 0) {
          dx = acc < 0 ? (-v * v) / (2 * acc) : 0;
          nv = 0;
        } else {
          dx = (v + nv) * 0.5 * dt;
        }
        if (dx > gap - SAFETY_M) {
          dx = gap - SAFETY_M > 0 ? gap - SAFETY_M : 0;
          if (nv > vL) nv = vL;
        }
        const np = p + dx;
        pos[c] = np;
        speed[c] = nv;
        accel[c] = (nv - v) * invDt;
        odometer[c] = (odometer[c] as number) + dx;
        if (a === NONE) {
          if (la.kind === LIMIT_ENTRY && nv < 0.3) {
            const w = (st.waitS[c] as number) + dt;
            st.waitS[c] = w;
            if (w > (st.patience[c] as number) && divert(net, st, this.planner, inc.segClosed, c)) this.diversions++;
          } else st.waitS[c] = 0;
        }
        if (np >= (segLength[s] as number)) crossJunction(net, st, this.planner, inc, dt, c);
        const sNow = seg[c] as number;
        speedSum[sNow] = (speedSum[sNow] as number) + (speed[c] as number);
        samples[sNow] = (samples[sNow] as number) + 1;
        c = next;
      }
    }

    this.#timeMs += this.#tickMs;
    if (this.#timeMs % this.#truthMs === 0) {
      this.#truth.close(this.#timeMs / 1000, this.#startEpochMs, (s) => this.carsOnSegment(s), this.#emitTruth ? this.#records : undefined);
      if (this.#live) this.planner.refreshCosts(this.#truth.lastMean);
    }
  }
}
