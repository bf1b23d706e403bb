/**
 * The simulated world of one run: road network, traffic model over the whole fleet (car following
 * needs every car) and the parking controller, built deterministically from the settings (seed,
 * city, scenario). With `--traffic fleet` one thread per process steps it and shares its output
 * (model-thread.ts, decision 0029); with `--traffic slice` each worker models its own cars.
 */
import { V2xError } from '../../core/errors.js';
import type { SimSettings } from '../config.js';
import { generateCity } from '../../road/city.js';
import { loadNetworkFile } from '../../road/load-network.js';
import type { RoadNetwork } from '../../road/network.js';
import type { Seed } from '../../core/random.js';
import { modelOptionsForScenario } from '../scenario/build.js';
import { loadScenarioFile, type Scenario } from '../scenario/scenario.js';
import type { GroundTruthRecord } from '../traffic/ground-truth.js';
import type { CarKinematics } from '../traffic/kinematics.js';
import { TrafficModel } from '../traffic/model.js';
import { WarnedDrivers, type DriverWarning, type ReceivedWarning } from '../traffic/warned-drivers.js';
import { ParkingController } from './parking.js';
import type { SimWorld } from './sim-world.js';

/** A numeric seed text is the number (so --seed 42 equals `seed: 42` in a scenario). */
export function seedOf(text: string): Seed {
  return /^\d{1,9}$/.test(text) ? Number(text) : text;
}

export type WorldSettings = Pick<
  SimSettings,
  'seed' | 'cars' | 'city' | 'scenario' | 'parkShare' | 'initialParkedShare' | 'parkMinutes' | 'traffic' | 'rerouteShare' | 'rerouteWhen'
>;

export interface WorldOptions {
  readonly groundTruth: boolean;
  /** The unit's cars [start, end): with traffic 'slice' the model holds only these. */
  readonly start: number;
  readonly end: number;
  /** A replica of the fleet's model (`--traffic fleet` without the model thread): a warning applied here, for the other replicas. */
  readonly onWarned?: (w: DriverWarning) => void;
}

export function loadNetwork(settings: Pick<SimSettings, 'seed' | 'city' | 'scenario'>, scenario?: Scenario): RoadNetwork {
  const seed = seedOf(settings.seed);
  if (settings.city !== 'builtin' && settings.city !== '') return loadNetworkFile(settings.city).network;
  if (scenario?.city.kind === 'file') return loadNetworkFile(scenario.city.path, scenario.city.import).network;
  return generateCity({ seed, ...(scenario?.city.kind === 'builtin' ? scenario.city.options : {}) });
}

export class World implements SimWorld {
  readonly network: RoadNetwork;
  readonly model: TrafficModel;
  readonly parking: ParkingController;
  /** Drivers who received a warning: their detours and the ground truth of each decision. */
  readonly warned: WarnedDrivers;
  readonly tickMs: number;
  /** Model index of fleet car g = g - offset (0 when the model holds the whole fleet). */
  readonly offset: number;
  readonly anchor: { readonly lon: number; readonly lat: number };
  readonly presence = undefined;
  /** Model index of the unit's car 0. */
  readonly #m0: number;
  readonly #fleet: boolean;
  readonly #onWarned: ((w: DriverWarning) => void) | undefined;

  constructor(settings: WorldSettings, options: WorldOptions) {
    const scenario = settings.scenario === '' ? undefined : loadScenarioFile(settings.scenario);
    this.network = loadNetwork(settings, scenario);
    const slice = settings.traffic === 'slice';
    this.offset = slice ? options.start : 0;
    this.#m0 = options.start - this.offset;
    this.#fleet = !slice;
    this.#onWarned = slice ? undefined : options.onWarned;
    const first = this.network.segments[0]?.geometry[0];
    this.anchor = { lon: first?.[0] ?? 11.575, lat: first?.[1] ?? 48.137 };
    const cars = slice ? options.end - options.start : settings.cars;
    // a slice model is seeded by its range too, so two slices do not place their cars alike
    const seed = slice ? `${settings.seed}:slice:${options.start}` : seedOf(settings.seed);
    const base = scenario === undefined ? { seed, cars } : modelOptionsForScenario(scenario, { seed, cars });
    try {
      this.model = new TrafficModel(this.network, { ...base, groundTruth: { ...base.groundTruth, records: options.groundTruth } });
    } catch (err) {
      if (err instanceof V2xError) throw err;
      throw new V2xError('SCENARIO_INVALID', (err as Error).message, { cause: err });
    }
    this.tickMs = Math.round(this.model.tickSeconds * 1000);
    this.parking = new ParkingController(this.model, {
      seed,
      share: settings.parkShare,
      initialShare: settings.initialParkedShare,
      minutes: settings.parkMinutes,
    });
    this.warned = new WarnedDrivers(this.model, {
      seed: settings.seed,
      share: settings.rerouteShare,
      onlyIfFaster: settings.rerouteWhen === 'faster',
      records: options.groundTruth,
      isParked: (c) => this.parking.isParked(c),
    });
  }

  /** Simulated ms since the start. */
  get timeMs(): number {
    return Math.round(this.model.timeS * 1000);
  }

  /** One model tick, then parking and the warned drivers' progress. */
  tick(): boolean {
    this.model.step(this.model.tickSeconds);
    this.parking.afterTick(this.model, this.timeMs);
    this.warned.afterTick();
    return true;
  }

  warn(k: number, w: ReceivedWarning): void {
    const warning = { ...w, car: this.#m0 + k };
    this.warned.receive(warning);
    this.#onWarned?.(warning);
  }

  warnFleetCar(w: DriverWarning): void {
    if (this.#fleet) this.warned.receive(w);
  }

  read(k: number, _atMs: number, out: CarKinematics): CarKinematics {
    return this.model.readCar(this.#m0 + k, out);
  }

  readMotion(k: number, out: CarKinematics): void {
    const st = this.model.state;
    const mi = this.#m0 + k;
    out.speedMps = st.speed[mi] as number;
    out.accelMps2 = st.accel[mi] as number;
    out.odometerM = st.odometer[mi] as number;
  }

  capSpeed(k: number, mps: number): void {
    this.model.capSpeed(this.#m0 + k, mps);
  }

  capSpeedOfFleetCar(global: number, mps: number): void {
    if (this.#fleet) this.model.capSpeed(global, mps);
  }

  isParked(k: number): boolean {
    return this.parking.isParked(this.#m0 + k);
  }

  takeRecords(): readonly GroundTruthRecord[] {
    const records: GroundTruthRecord[] = this.model.takeRecords();
    for (const r of this.warned.takeRecords()) records.push(r);
    return records;
  }
}
