/**
 * The cars of one worker thread: their vehicle state, one lean MQTT session each on one shared
 * TimerWheel, and the loop that drives them. Every wheel tick the slice brings the world (the
 * process's shared traffic model, its own model, or a trace) up to the simulated present, tick by
 * tick; before each model tick it sends the telemetry due in that tick's window (PhaseSchedule), so
 * a message reads the model state of the tick it falls in, whatever the wall clock or worker count.
 * After each tick: the vehicle step of the cars whose turn it is (each car once per simulated
 * second, staggered), their events, sleep and wake of parked cars, coverage holes while driving.
 * A replay's `presence` decides when each car connects (first fix) and leaves (after its last fix:
 * `offline` shutdown and DISCONNECT); a replayed car has no GPS error and does not sleep.
 */
import type { Clock } from '../../core/clock.js';
import { encode, type CodecName } from '../../protocol/codec/index.js';
import { eventsTopic, statusTopic, telemetryTopic } from '../../protocol/topics.js';
import type { SimSettings } from '../config.js';
import { carRng, FleetGenerator, type CarSpec } from '../fleet/generate.js';
import {
  EncodedTopic,
  SessionPool,
  TimerNode,
  type IncomingMessage,
  type MqttSession,
  type QoS,
  type SessionEvents,
  type TimerTarget,
} from '../../mqtt/index.js';
import { Rng } from '../../core/random.js';
import type { GroundTruthRecord } from '../traffic/ground-truth.js';
import { emptyKinematics, type CarKinematics } from '../traffic/kinematics.js';
import { vehicleConfig, type VehicleConfig } from '../vehicle/config.js';
import { environmentAt, type Environment } from '../vehicle/environment.js';
import { toEvent, type EventDraft } from '../vehicle/events.js';
import { gpsErrorOf, type GpsError } from '../vehicle/gps-error.js';
import { F, initVehicle, VehicleState } from '../vehicle/state.js';
import { birthMessage, offlineMessage } from '../vehicle/status.js';
import { startTrip } from '../vehicle/body.js';
import { stepVehicle } from '../vehicle/step.js';
import { nextTelemetrySeq, telemetryPayload, type TelemetryOptions } from '../vehicle/telemetry.js';
import { CommandHandler, type CommandHost } from './command-handler.js';
import { paced } from './paced.js';
import { Connectivity, unitHash } from './connectivity.js';
import { emptyCounters, type SimCounters } from './counters.js';
import type { UnitControl } from './messages.js';
import { PhaseSchedule, telemetryIntervalMsOf } from './schedule.js';
import { carSessionOptions } from './session-options.js';
import type { SimWorld } from './sim-world.js';
import { receiveWarning } from './warning-receiver.js';
import { seedOf } from './world.js';

export interface SliceOptions {
  readonly settings: SimSettings;
  readonly world: SimWorld;
  /** Global car indices [start, end). */
  readonly start: number;
  readonly end: number;
  readonly rampPerSecond: number;
  readonly clock: Clock;
  /** Called when a car's speed limit changes (to cap it in the other replicas). */
  readonly onSpeedCap?: (global: number, mps: number) => void;
  /** Called with ground-truth records after a model tick (only if the world keeps them). */
  readonly onTruth?: (records: readonly GroundTruthRecord[]) => void;
  /** The unit's cars (a replay's); default: cars [start, end) of the seed's fleet. */
  readonly cars?: readonly CarSpec[];
}

export class FleetSlice implements TimerTarget, CommandHost, SessionEvents<number> {
  readonly settings: SimSettings;
  readonly world: SimWorld;
  readonly start: number;
  readonly cars: readonly CarSpec[];
  readonly state: VehicleState;
  readonly config: VehicleConfig;
  readonly pool: SessionPool<number>;
  readonly counters: SimCounters = emptyCounters();
  readonly codec: CodecName;
  readonly qos: QoS;
  readonly #options: SliceOptions;
  readonly #clock: Clock;
  readonly #stateRng: Rng[];
  readonly #gpsRng: Rng[];
  readonly #gpsError: GpsError;
  readonly #telemetryOptions: { -readonly [K in keyof TelemetryOptions]: TelemetryOptions[K] };
  readonly #topics: EncodedTopic[];
  #schedule: PhaseSchedule;
  readonly #connectivity: Connectivity;
  readonly #commands: CommandHandler;
  readonly #node = new TimerNode(this);
  readonly #kin: CarKinematics = emptyKinematics();
  readonly #events: EventDraft[] = [];
  readonly #stepEvery: number;
  /** Replay: cars whose trace has ended, waiting to be connected before they leave. */
  #leaving: number[] = [];
  #env: Environment;
  #startWallMs = 0;
  #startEpochMs = 0;
  #running = false;
  /** A load test (begin(..., controlled)): control() says how many cars run; idle cars make no telemetry. */
  #controlled = false;
  #active = 0;
  /** Simulated ms the telemetry schedule has been drained up to. */
  #drainedMs = -1;

  constructor(options: SliceOptions) {
    const s = options.settings;
    this.#options = options;
    this.settings = s;
    this.world = options.world;
    this.start = options.start;
    this.#clock = options.clock;
    this.codec = s.codec;
    this.qos = s.qos;
    const n = options.end - options.start;
    const replay = options.world.presence !== undefined;
    const cars = options.cars ?? new FleetGenerator({ seed: seedOf(s.seed) }).cars(options.start, options.end);
    if (cars.length !== n) throw new RangeError(`${cars.length} car specs for ${n} cars`);
    this.cars = cars;
    this.config = vehicleConfig({
      gpsNoiseM: replay ? 0 : s.gpsNoiseM,
      parking: replay ? 'trace' : 'still', // a replayed car is on while it is in the trace (issue 20)
      rates: { telemetryHz: s.rateHz },
      commandDelayScale: s.commandDelayScale,
    });
    const { lat, lon } = this.world.anchor;
    this.#env = environmentAt(s.startEpochMs ?? Date.now(), lat, lon);
    this.state = new VehicleState(n);
    this.#stateRng = cars.map((c) => carRng(c).fork('state'));
    this.#gpsRng = cars.map((c) => carRng(c).fork('gps'));
    this.#gpsError = gpsErrorOf(s, n, replay);
    this.#telemetryOptions = { gpsNoiseM: this.config.gpsNoiseM, rng: new Rng(0), gpsError: this.#gpsError };
    cars.forEach((c, k) => initVehicle(this.state, k, c, this.#stateRng[k] as Rng, this.#env.ambientC));
    this.#topics = cars.map((c) => new EncodedTopic(telemetryTopic(c.vin)));
    this.#schedule = PhaseSchedule.ofCars(s.seed, options.start, n, s.rateHz);
    this.#connectivity = new Connectivity(n, {
      seedHash: new Rng(`${s.seed}:net`).uint32(),
      sleep: s.sleep && !replay ? this.config.sleep : undefined,
      holesPerHour: s.coverageHolesPerHour,
      holeS: s.coverageHoleS,
    });
    this.#stepEvery = Math.max(1, Math.round(1000 / this.world.tickMs));
    this.#commands = new CommandHandler(this);
    this.pool = new SessionPool<number>({ clock: options.clock, rampPerSecond: options.rampPerSecond, events: this });
    cars.forEach((c, k) => this.pool.add(carSessionOptions(s, c, options.start + k), k));
  }

  /** Starts the clock of the simulation and the connection ramp (`controlled`: no ramp; control() starts cars). */
  begin(startWallMs: number, startEpochMs: number, controlled = false): Promise<void> {
    this.#startWallMs = startWallMs;
    this.#startEpochMs = startEpochMs;
    this.#running = true;
    this.#controlled = controlled;
    this.pool.wheel.schedule(this.#node, this.pool.wheel.tickMs);
    if (this.world.presence === undefined && !controlled) return this.pool.start();
    this.pool.wheel.start(); // a replay starts each car at its first fix (onTimer)
    return Promise.resolve();
  }

  /** Load-test control: how many of this slice's cars run (the first N), their telemetry rate, connections to cut. */
  control(c: UnitControl): void {
    if (c.rateHz !== undefined && telemetryIntervalMsOf(c.rateHz) !== this.#schedule.intervalMs) {
      this.#schedule = PhaseSchedule.ofCars(this.settings.seed, this.start, this.cars.length, c.rateHz);
      this.#schedule.seek(this.#drainedMs);
    }
    const sessions = this.pool.sessions;
    if (c.activeCars !== undefined) {
      const want = Math.max(0, Math.min(c.activeCars, sessions.length));
      for (let k = this.#active; k < want; k++) sessions[k]?.start();
      for (let k = want; k < this.#active; k++) this.#leave(sessions[k] as MqttSession<number>, 'shutdown', () => k >= this.#active);
      this.#active = want;
    }
    if (c.dropShare !== undefined && c.dropShare > 0) {
      // a pseudo-random share of the connected cars (a function of the seed, the car and the time)
      const seedHash = new Rng(`${this.settings.seed}:drop`).uint32();
      for (const session of sessions) {
        if (session.state === 'connected' && unitHash(seedHash, this.start + session.tag, this.#drainedMs) < c.dropShare)
          session.dropConnection();
      }
    }
  }

  /** `offline` (shutdown) from every connected car, spread over a second (paced.ts), acks awaited up to sim.drainTimeoutS, then DISCONNECT (no will). */
  async stop(): Promise<void> {
    this.#running = false;
    this.#node.cancel();
    const sessions = this.pool.sessions;
    await paced(this.pool.wheel, sessions.length, 1000, (k) => this.#offline(sessions[k]!, this.carNowMs(), 'shutdown'));
    await this.pool.close(this.settings.drainTimeoutMs);
  }

  /** `offline`, then DISCONNECT once all is acknowledged (or the link is gone), if `still` meant to be gone. */
  #leave(session: MqttSession<number>, reason: 'shutdown' | 'sleep', still: () => boolean): void {
    this.#offline(session, this.carNowMs(), reason);
    void session.drained().then(() => (still() ? session.close() : undefined));
  }

  /** A connected car's own `offline` status (retained), before it disconnects cleanly. */
  #offline(session: MqttSession<number>, now: number, reason: 'shutdown' | 'sleep'): void {
    if (session.state !== 'connected') return;
    const car = this.cars[session.tag] as CarSpec;
    session.publish(statusTopic(car.vin), encode('status', offlineMessage(car, now, reason), this.codec), 1, { retain: true });
    this.counters.published.status++;
  }

  /** Simulated ms now. */
  simNowMs(): number {
    return (this.#clock.now() - this.#startWallMs) * this.settings.speedup;
  }

  // ---- CommandHost ----------------------------------------------------------------------------
  get wheel() {
    return this.pool.wheel;
  }
  carNowMs(): number {
    return this.#startEpochMs + this.simNowMs();
  }
  realDelayMs(epochMs: number): number {
    return (epochMs - this.carNowMs()) / this.settings.speedup;
  }
  car(local: number): CarSpec {
    return this.cars[local] as CarSpec;
  }
  session(local: number): MqttSession<number> {
    return this.pool.sessions[local] as MqttSession<number>;
  }
  kinematics(local: number): CarKinematics {
    return this.world.read(local, this.world.timeMs, this.#kin);
  }
  emitEvents(local: number, drafts: readonly EventDraft[]): void {
    const car = this.cars[local] as CarSpec;
    const kin = this.kinematics(local);
    const ts = this.#startEpochMs + this.world.timeMs;
    for (const d of drafts) {
      const ev = toEvent(car, this.state, local, d, ts, kin);
      this.session(local).publish(eventsTopic(car.vin), encode('event', ev, this.codec), this.qos);
      this.counters.published.event++;
    }
  }
  speedLimited(local: number, kmh: number): void {
    const mps = kmh > 0 ? kmh / 3.6 : 0;
    this.world.capSpeed(local, mps);
    if (this.settings.traffic === 'fleet') this.#options.onSpeedCap?.(this.start + local, mps);
  }

  // ---- session events -------------------------------------------------------------------------
  connected(session: MqttSession<number>): void {
    this.#connectivity.connected(session.tag);
    // `online` once the broker has the car's subscriptions (SUBACK): a command sent on it reaches the car
    session.afterSubscribed(() => {
      const [car, now] = [this.cars[session.tag] as CarSpec, this.carNowMs()];
      session.publish(statusTopic(car.vin), encode('status', birthMessage(car, now, now, this.codec), this.codec), 1, { retain: true });
      this.counters.published.status++;
    });
  }
  message(session: MqttSession<number>, message: IncomingMessage): void {
    if (message.topic.endsWith('/cmd/req')) this.#commands.onRequest(session.tag, message);
    else if (message.topic.endsWith('/warnings')) receiveWarning(this, session.tag, message);
  }

  // ---- the loop -------------------------------------------------------------------------------
  onTimer(): void {
    if (!this.#running) return;
    const simNow = this.simNowMs();
    const world = this.world;
    const presence = world.presence;
    for (;;) {
      const end = world.timeMs + world.tickMs;
      const until = Math.min(simNow, end - 1);
      presence?.arrivals(until + 1, this.#arrive);
      this.#schedule.drain(until, this.#emit);
      this.#drainedMs = until;
      if (simNow < end || !world.tick()) break; // a shared model not that far yet: next wheel tick
      this.#afterTick(world.timeMs);
    }
    this.counters.simTimeS = world.timeMs / 1000;
    this.pool.wheel.schedule(this.#node, this.pool.wheel.tickMs);
  }

  /** Replay: car k appears (its first fix at atMs): it connects, and the vehicle model catches up (ignition on when moving). */
  readonly #arrive = (k: number, atMs: number): void => {
    (this.pool.sessions[k] as MqttSession<number>).start();
    const events = this.#events;
    events.length = 0;
    const kin = this.world.read(k, atMs, this.#kin);
    stepVehicle(this.state, k, this.cars[k] as CarSpec, kin, 0, this.#env, this.#stateRng[k] as Rng, this.config, events);
    // in the trace = on, also when its first fix stands in a queue
    if (((this.state.flags[k] as number) & F.IGNITION) === 0)
      startTrip(this.state, k, this.cars[k] as CarSpec, this.#stateRng[k] as Rng, events);
    if (events.length > 0) this.emitEvents(k, events);
    this.#telemetry(k, atMs);
  };

  readonly #emit = (k: number, dueMs: number): void => {
    const presence = this.world.presence;
    if (presence === undefined || presence.present(k, dueMs)) this.#telemetry(k, dueMs);
  };

  #telemetry(k: number, dueMs: number): void {
    const session = this.pool.sessions[k] as MqttSession<number>;
    if (this.#connectivity.isAsleep(k) || session.state === 'closed' || (this.#controlled && session.state === 'idle')) {
      this.counters.skipped++;
      return;
    }
    // A car's values and sequence numbers do not depend on when its connection comes up: the message
    // is always made. Before the ramp has started the car's session it is not sent (counted as
    // skipped; the car's first seq is then above 0); while connecting or reconnecting it is queued.
    const kin = this.world.read(k, dueMs, this.#kin);
    const seq = nextTelemetrySeq(this.state, k);
    const o = this.#telemetryOptions;
    o.rng = this.#gpsRng[k] as Rng;
    const payload = telemetryPayload(this.codec, this.cars[k] as CarSpec, this.state, k, kin, seq, this.#startEpochMs + dueMs, o);
    if (session.state === 'idle') {
      this.counters.skipped++;
      return;
    }
    session.publish(this.#topics[k] as EncodedTopic, payload, this.qos);
    this.counters.published.telemetry++;
  }

  #afterTick(timeMs: number): void {
    const world = this.world;
    const tick = Math.round(timeMs / world.tickMs);
    const every = this.#stepEvery;
    const dt = (every * world.tickMs) / 1000;
    const second = Math.floor(timeMs / 1000);
    const newSecond = timeMs % 1000 < world.tickMs;
    if (newSecond) this.#env = environmentAt(this.#startEpochMs + timeMs, world.anchor.lat, world.anchor.lon);
    const kin = this.#kin;
    const events = this.#events;
    const n = this.cars.length;
    for (let k = 0; k < n; k++) {
      const g = this.start + k;
      if ((g + tick) % every !== 0) continue;
      world.readMotion(k, kin);
      events.length = 0;
      stepVehicle(this.state, k, this.cars[k] as CarSpec, kin, dt, this.#env, this.#stateRng[k] as Rng, this.config, events);
      if (events.length > 0) this.emitEvents(k, events);
      const ignition = ((this.state.flags[k] as number) & F.IGNITION) !== 0;
      const action = this.#connectivity.sleepAction(k, g, ignition, timeMs);
      if (action !== 'none') this.#sleepOrWake(k, action);
      else if (ignition && kin.speedMps > 1) this.#maybeHole(k, g, second);
    }
    this.counters.asleepNow = this.#connectivity.asleep;
    if (world.presence !== undefined) this.#departures(timeMs);
    if (this.#options.onTruth !== undefined) {
      const records = world.takeRecords();
      if (records.length > 0) this.#options.onTruth(records);
    }
  }

  #sleepOrWake(k: number, action: 'disconnect' | 'connect'): void {
    const session = this.pool.sessions[k] as MqttSession<number>;
    if (action === 'disconnect') {
      this.#leave(session, 'sleep', () => this.#connectivity.isAsleep(k));
      this.counters.sleeps++;
    } else {
      session.start();
      this.counters.wakes++;
    }
  }

  #maybeHole(k: number, g: number, second: number): void {
    const holeMs = this.#connectivity.holeMs(g, second);
    if (holeMs <= 0) return;
    const session = this.pool.sessions[k] as MqttSession<number>;
    if (session.state !== 'connected') return;
    session.dropConnection(holeMs / this.settings.speedup);
    this.#connectivity.startHole(k, this.world.timeMs + holeMs);
    this.counters.coverageHoles++;
  }

  /** Replay: cars whose last fix is before `timeMs` leave (`offline`, DISCONNECT), once connected. */
  #departures(timeMs: number): void {
    const leaving = this.#leaving;
    const presence = this.world.presence;
    presence?.departures(timeMs, (k, lastMs) => {
      if (lastMs > presence.firstMs(k)) this.#telemetry(k, lastMs); // the last fix
      leaving.push(k);
    });
    if (leaving.length === 0) return;
    this.#leaving = leaving.filter((k) => {
      const session = this.pool.sessions[k] as MqttSession<number>;
      if (session.state === 'connecting' || session.state === 'waiting') return true;
      this.#leave(session, 'shutdown', () => true);
      return false;
    });
  }

  /** Applies a speed cap decided by another worker's car to this replica. */
  capSpeed(global: number, mps: number): void {
    this.world.capSpeedOfFleetCar(global, mps);
  }

  /** Counters that are a look at the cars now (parked, in a coverage hole, connected once), refreshed. */
  refreshCounters(): SimCounters {
    const c = this.counters;
    c.parkedNow = this.cars.reduce((p, _c, k) => (this.world.isParked(k) ? p + 1 : p), 0);
    c.inHoleNow = this.#connectivity.inHole(this.world.timeMs);
    c.connectedOnce = this.#connectivity.connectedOnce;
    return c;
  }
}
