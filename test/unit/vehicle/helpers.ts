/** Test helpers: fake kinematics traces and a harness that drives one or many cars through them. */
import { emptyKinematics, type CarKinematics } from '../../../simulator/traffic/kinematics.js';
import { carRng, FleetGenerator, type CarSpec } from '../../../simulator/fleet/generate.js';
import type { Rng } from '../../../core/random.js';
import { vehicleConfig, type VehicleConfig, type VehicleConfigInput } from '../../../simulator/vehicle/config.js';
import { environmentAt } from '../../../simulator/vehicle/environment.js';
import type { EventDraft } from '../../../simulator/vehicle/events.js';
import { initVehicle, VehicleState } from '../../../simulator/vehicle/state.js';
import { stepVehicle } from '../../../simulator/vehicle/step.js';

export const T0 = Date.UTC(2026, 5, 15, 10, 0, 0); // a June morning: daylight in Munich

/** A speed profile, m/s per second of simulated time. */
export type Profile = (t: number) => number;

/** Stop-and-go city driving: accelerate to `cruise`, hold, brake to a stop, wait; repeated. */
export function cityProfile(cruise = 13.9, cycleS = 60): Profile {
  return (t) => {
    const x = t % cycleS;
    if (x < 8) return (cruise * x) / 8;
    if (x < cycleS - 20) return cruise;
    if (x < cycleS - 12) return cruise * (1 - (x - (cycleS - 20)) / 8);
    return 0;
  };
}

/** Moves a kinematics object along `profile`: speed, acceleration, odometer (trapezoid), position heading east. */
export class FakeTrace {
  readonly kin: CarKinematics = emptyKinematics();
  t = 0;
  constructor(
    readonly profile: Profile,
    lat = 48.137,
    lon = 11.575,
  ) {
    this.kin.lat = lat;
    this.kin.lon = lon;
    this.kin.headingDeg = 90;
    this.kin.speedMps = profile(0);
  }
  advance(dt: number): CarKinematics {
    const v0 = this.kin.speedMps;
    this.t += dt;
    const v1 = Math.max(0, this.profile(this.t));
    const ds = ((v0 + v1) / 2) * dt;
    this.kin.speedMps = v1;
    this.kin.accelMps2 = (v1 - v0) / dt;
    this.kin.odometerM += ds;
    this.kin.lon += ds / (111_195 * Math.cos((this.kin.lat * Math.PI) / 180));
    return this.kin;
  }
}

/** One car stepped through a trace. */
export class OneCar {
  readonly config: VehicleConfig;
  readonly state = new VehicleState(1);
  readonly rng: Rng;
  readonly events: EventDraft[] = [];
  nowMs = T0;
  constructor(
    readonly car: CarSpec,
    readonly trace: FakeTrace,
    config: VehicleConfigInput = {},
  ) {
    this.config = vehicleConfig({
      gpsNoiseM: 0,
      commandFailureRate: 0,
      faults: { overheatPerDrivingHour: 0, tyreLeakPerHour: 0 },
      ...config,
    });
    this.rng = carRng(car).fork('state');
    initVehicle(this.state, 0, car, this.rng, 15);
  }
  step(dt = 1): void {
    const kin = this.trace.advance(dt);
    this.nowMs += dt * 1000;
    stepVehicle(this.state, 0, this.car, kin, dt, environmentAt(this.nowMs, kin.lat, kin.lon, 15), this.rng, this.config, this.events);
  }
  run(seconds: number, dt = 1): void {
    for (let t = 0; t < seconds; t += dt) this.step(dt);
  }
}

/** The first car of a fleet with the given powertrain. */
export function findCar(powertrain: 'ice' | 'bev', seed = 7): CarSpec {
  const gen = new FleetGenerator({ seed, evShare: 0.5 });
  for (let i = 0; ; i++) {
    const c = gen.car(i);
    if (c.powertrain === powertrain) return c;
  }
}
