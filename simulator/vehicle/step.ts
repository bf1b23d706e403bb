/**
 * The vehicle step: car i's state after dt seconds of the given kinematics. Deterministic (all
 * randomness from the car's own Rng), no I/O, no allocation unless an event happens. It updates
 * the row in place (the state is a struct of arrays; copying it per step would cost more than the
 * step) and appends event drafts to `events`.
 */
import type { CarSpec } from '../fleet/generate.js';
import type { Rng } from '../../core/random.js';
import type { CarKinematics } from '../traffic/kinematics.js';
import { park, startTrip, whileParked } from './body.js';
import type { VehicleConfig } from './config.js';
import type { Environment } from './environment.js';
import type { EventDraft } from './events.js';
import {
  dtcDraft,
  LOW_ENERGY_PCT,
  LOW_ENERGY_RESET_PCT,
  OVERHEAT_CLEAR_BELOW_C,
  OVERHEAT_CODE_AT_C,
  TYRE_FIX_AFTER_PARKED_S,
  TYRE_FLAT_FRACTION,
  TYRE_LOW_FRACTION,
} from './faults.js';
import { batteryUsedKWh, climatePowerW, engineLoad, engineRpm, fuelUsedL, IDLE_RPM, roadLoadW, selectRatio } from './powertrain.js';
import { F, F2, FAULT, L, PHASE, type VehicleState } from './state.js';
import { nextCabinC, nextCoolantC, nextTyreTempC, tyrePressureKpa } from './thermal.js';

const MOVING_MPS = 0.3;
const CHARGE_W = 11_000;
const CHARGE_STOP_SHARE = 0.9;
const HARSH_MPS2 = -4;
/** Window of the consumption average behind the range estimate, m. */
const RANGE_WINDOW_M = 20_000;

export function stepVehicle(
  s: VehicleState,
  i: number,
  car: CarSpec,
  kin: CarKinematics,
  dt: number,
  env: Environment,
  rng: Rng,
  config: VehicleConfig,
  events: EventDraft[],
): void {
  const v = kin.speedMps > 0 ? kin.speedMps : 0;
  const a = kin.accelMps2;
  const ev = car.powertrain === 'bev';

  // odometer: the traffic model's distance (the integral of speed), plus the car's past
  const last = s.lastKinOdoM[i] as number;
  let ds = kin.odometerM - last;
  if (Number.isNaN(last)) ds = 0;
  else if (!(ds >= 0)) ds = v * dt;
  s.lastKinOdoM[i] = kin.odometerM;
  s.odometerM[i] = (s.odometerM[i] as number) + ds;

  // ignition, trips and parking
  let f = s.flags[i] as number;
  const moving = v > MOVING_MPS;
  if ((f & F.IGNITION) === 0) {
    if (moving) {
      startTrip(s, i, car, rng, events);
      f = s.flags[i] as number;
    } else {
      s.stillS[i] = (s.stillS[i] as number) + dt;
      whileParked(s, i, dt, events);
      f = s.flags[i] as number;
    }
  } else {
    const still = moving ? 0 : (s.stillS[i] as number) + dt;
    s.stillS[i] = still;
    if (config.parking === 'still' && still >= config.parkAfterS) {
      park(s, i, car, rng, events);
      f = s.flags[i] as number;
    }
  }
  const on = (f & F.IGNITION) !== 0;
  let f2 = s.flags2[i] as number;

  // energy
  const wheelW = on ? roadLoadW(car, v, a) : 0;
  let used = 0;
  if (ev) {
    const climateW = (f & F.CLIMATE) !== 0 ? climatePowerW(s.targetC[i] as number, env.ambientC) : 0;
    if (on) used = batteryUsedKWh(wheelW, v, dt, climateW);
    else {
      used = (climateW * dt) / 3.6e6;
      if ((f2 & F2.CHARGING) !== 0) {
        used -= (CHARGE_W * dt) / 3.6e6;
        if ((s.energy[i] as number) - used >= car.capacity * CHARGE_STOP_SHARE) f2 &= ~F2.CHARGING;
      }
    }
  } else if (on) {
    used = fuelUsedL(car, wheelW, v, dt);
  }
  let energy = (s.energy[i] as number) - used;
  energy = energy < 0 ? 0 : energy > car.capacity ? car.capacity : energy;
  s.energy[i] = energy;
  if (on) {
    const rated = car.ratedPer100Km;
    let p = (s.per100[i] as number) + (used * 1e5 - (s.per100[i] as number) * ds) / RANGE_WINDOW_M;
    p = p < 0.4 * rated ? 0.4 * rated : p > 4 * rated ? 4 * rated : p;
    s.per100[i] = p;
  }

  // gearbox, engine speed, coolant
  const load = engineLoad(car, wheelW);
  let coolant = s.coolantC[i] as number;
  if (!ev) {
    if (on) {
      const r = selectRatio(car.gears, s.ratio[i] as number, v, load);
      s.ratio[i] = r;
      const idle = coolant < 40 ? 1000 : IDLE_RPM;
      const rpm = engineRpm(car.gears, r, v);
      s.rpm[i] = rpm > idle ? rpm : idle;
    }
    let fault = s.fault[i] as number;
    if (fault === FAULT.NONE && on && coolant > 85 && v > 1 && rng.float() < (config.faults.overheatPerDrivingHour * dt) / 3600) {
      fault = FAULT.OVERHEAT;
    }
    coolant = nextCoolantC(coolant, dt, on, load, env.ambientC, fault === FAULT.OVERHEAT);
    s.coolantC[i] = coolant;
    let latch = s.latch[i] as number;
    if (fault === FAULT.OVERHEAT) {
      if (coolant >= OVERHEAT_CODE_AT_C && (latch & L.P0217) === 0) {
        latch |= L.P0217;
        events.push(dtcDraft('P0217', true));
      } else if (!on && coolant < OVERHEAT_CLEAR_BELOW_C) {
        fault = FAULT.NONE;
        if ((latch & L.P0217) !== 0) {
          latch &= ~L.P0217;
          events.push(dtcDraft('P0217', false));
        }
      }
    }
    s.latch[i] = latch;
    s.fault[i] = fault;
  }

  // tyres: temperature, slow leaks, low-pressure code, repair after a long stop
  const tyreT = nextTyreTempC(s.tyreTempC[i] as number, dt, v, a < 0 ? -a : 0, env.ambientC);
  s.tyreTempC[i] = tyreT;
  let leak = s.leakKpaS[i] as number;
  if (leak === 0 && rng.float() < (config.faults.tyreLeakPerHour * dt) / 3600) {
    leak = rng.range(0.5, 3) / 60;
    s.leakTyre[i] = rng.int(0, 3);
  }
  let latch = s.latch[i] as number;
  if (leak > 0) {
    const k = i * 4 + (s.leakTyre[i] as number);
    const cold = (s.tyreColdKpa[k] as number) - leak * dt;
    s.tyreColdKpa[k] = cold;
    if (cold < TYRE_FLAT_FRACTION * car.tyreKpa) leak = 0;
    if ((latch & L.C0750) === 0 && tyrePressureKpa(cold, tyreT) < TYRE_LOW_FRACTION * car.tyreKpa) {
      latch |= L.C0750;
      events.push(dtcDraft('C0750', true));
    }
  }
  if (!on && (latch & L.C0750) !== 0 && (s.stillS[i] as number) >= TYRE_FIX_AFTER_PARKED_S) {
    for (let t = 0; t < 4; t++) s.tyreColdKpa[i * 4 + t] = car.tyreKpa;
    leak = 0;
    latch &= ~L.C0750;
    events.push(dtcDraft('C0750', false));
  }
  s.leakKpaS[i] = leak;

  // low fuel or charge, once until refilled
  const pct = (energy / car.capacity) * 100;
  if (pct < LOW_ENERGY_PCT && (latch & L.LOW_ENERGY) === 0) {
    latch |= L.LOW_ENERGY;
    const p = Math.round(pct * 100) / 100;
    if (ev) events.push({ type: 'low_battery', battery: 'traction', socPct: p });
    else events.push({ type: 'low_fuel', fuelPct: p, rangeKm: Math.min(6000, Math.round((energy / (s.per100[i] as number)) * 1000) / 10) });
  } else if (pct > LOW_ENERGY_RESET_PCT) latch &= ~L.LOW_ENERGY;

  // harsh braking
  if (a < HARSH_MPS2 && v > 2 && (latch & L.HARSH) === 0) {
    latch |= L.HARSH;
    events.push({
      type: 'harsh_braking',
      decelMs2: Math.min(100, Math.round(-a * 100) / 100),
      speedKmh: Math.min(500, Math.round((v - a * dt) * 360) / 100),
    });
  } else if (a > -1.5) latch &= ~L.HARSH;
  s.latch[i] = latch;

  // climate, cabin, lights
  if (!on && (f2 & F2.REMOTE_CLIMATE) !== 0) {
    const left = (s.climateS[i] as number) - dt;
    s.climateS[i] = left;
    if (left <= 0) {
      f &= ~F.CLIMATE;
      f2 &= ~F2.REMOTE_CLIMATE;
    }
  }
  s.cabinC[i] = nextCabinC(s.cabinC[i] as number, dt, (f & F.CLIMATE) !== 0, s.targetC[i] as number, env.ambientC, env.dark);
  s.lights[i] = on && env.dark ? 2 : 0;
  s.flags[i] = f;
  s.flags2[i] = f2;
  if (s.phase[i] === PHASE.DRIVING && !on) s.phase[i] = PHASE.PARKED;
}
