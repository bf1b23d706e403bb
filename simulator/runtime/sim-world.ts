/**
 * What a FleetSlice drives its cars through: the source of their motion. Two implementations: the
 * traffic model over a road network (world.ts, TrafficWorld) and a recorded trace (replay-source.ts,
 * ReplayWorld). Both advance in fixed ticks of simulated time and answer, per local car (index in
 * the unit, 0-based), the kinematics the vehicle model and the telemetry read.
 */
import type { GroundTruthRecord } from '../traffic/ground-truth.js';
import type { CarKinematics } from '../traffic/kinematics.js';
import type { DriverWarning, ReceivedWarning } from '../traffic/warned-drivers.js';

/** When cars come and go, for a world whose cars are not all there from the start (a replay). */
export interface CarPresence {
  /** Calls fn(k, atMs) once for every car that appears (at atMs) before `untilMs`, in time order. */
  arrivals(untilMs: number, fn: (k: number, atMs: number) => void): void;
  /** Calls fn(k, atMs) once for every car whose last appearance (at atMs) is before `afterMs`, in time order. */
  departures(afterMs: number, fn: (k: number, atMs: number) => void): void;
  /** Whether car k sends telemetry on its schedule at `atMs`: strictly between its appearance and its last one. */
  present(k: number, atMs: number): boolean;
  /** When car k appears, simulated ms. */
  firstMs(k: number): number;
  /** Simulated ms after which no car is present any more. */
  readonly endMs: number;
}

export interface SimWorld {
  readonly tickMs: number;
  /** Simulated ms since the start: the beginning of the current tick window. */
  readonly timeMs: number;
  /** Where the environment (ambient temperature, darkness) is taken, degrees. */
  readonly anchor: { readonly lon: number; readonly lat: number };
  /** Undefined: every car is there from the start (connects at the ramp rate). */
  readonly presence: CarPresence | undefined;
  /** Advances one tick; false when it cannot yet (a shared model not that far: try again later). */
  tick(): boolean;
  /**
   * Car k's kinematics at simulated time `atMs`, within the current tick window (the traffic model
   * answers with the state of its current tick; a trace is interpolated at `atMs`).
   */
  read(k: number, atMs: number, out: CarKinematics): CarKinematics;
  /** Fills only speedMps, accelMps2 and odometerM of car k now (the vehicle model's step). */
  readMotion(k: number, out: CarKinematics): void;
  /** A speed limit on car k of this unit (m/s, 0 = none). */
  capSpeed(k: number, mps: number): void;
  /** A speed limit on fleet car `global`, decided in another unit (relayed between replicas). */
  capSpeedOfFleetCar(global: number, mps: number): void;
  isParked(k: number): boolean;
  /**
   * Car k received a hazard warning: its driver decides whether to take a detour (the traffic
   * model's warned-drivers.ts, wherever the model runs; a replayed car ignores it).
   */
  warn(k: number, w: ReceivedWarning): void;
  /** A warning decided in another unit, for fleet car `w.car` (relayed between replicas of the fleet's model). */
  warnFleetCar(w: DriverWarning): void;
  /** Ground-truth records since the last call (empty when none are kept). */
  takeRecords(): readonly GroundTruthRecord[];
}
