/**
 * Powertrain: road-load power, fuel or battery energy, gearbox and engine speed.
 *
 * Road load on a flat road: P = m a v + 1/2 rho CdA v^3 + Crr m g v (rho 1.2, Crr 0.011).
 * Combustion: fuel power = P / eta (0.30 petrol, 0.35 diesel) + idle 6 kW while the engine runs,
 *   with overrun fuel cut-off (no fuel when coasting or braking above 18 km/h); 8.9 kWh per litre
 *   of petrol, 9.9 of diesel. That gives ~0.7 l/h idling, ~4.5 l/100 km at a steady 50 km/h and
 *   6-9 l/100 km in stop-and-go city traffic.
 * Electric: battery power = P / 0.88 when driving, P x 0.65 when braking (regeneration above 5 km/h,
 *   at most 60 kW), + 350 W auxiliaries while on, + climate (300 W + 120 W per degC between
 *   target and ambient, at most 4 kW). ~11 kWh/100 km at a steady 50 km/h, 14-18 in the city.
 * Automatic gearbox (combustion): ratios 4.7 ... 0.67, final drive 3.3, wheel circumference 2.0 m;
 *   up-shift above 1,900-3,500 rpm (by load), down-shift under 1,150 rpm; idle 750 rpm (1,000 cold).
 */
import type { CarSpec } from '../fleet/generate.js';

const RHO = 1.2;
const CRR = 0.011;
const G = 9.81;
const RATIOS_8 = [4.7, 3.14, 2.1, 1.67, 1.29, 1.0, 0.84, 0.67] as const;
const RATIOS_7 = [4.38, 2.86, 1.92, 1.37, 1.0, 0.82, 0.71] as const;
const FINAL_DRIVE = 3.3;
const WHEEL_CIRCUMFERENCE_M = 2.0;
const RPM_PER_MPS = (60 / WHEEL_CIRCUMFERENCE_M) * FINAL_DRIVE;
export const IDLE_RPM = 750;
const IDLE_FUEL_W = 6000;
const REGEN_MAX_W = 60_000;
const AUX_W = 350;

export const KWH_PER_LITRE = { petrol: 8.9, diesel: 9.9, electric: 1 } as const;

/** Power at the wheels on a flat road, W (negative when braking harder than the road load). */
export function roadLoadW(car: CarSpec, v: number, a: number): number {
  return car.massKg * a * v + 0.5 * RHO * car.cdA * v * v * v + CRR * car.massKg * G * v;
}

/** Combustion: fuel burnt over dt, litres (engine running). */
export function fuelUsedL(car: CarSpec, wheelW: number, v: number, dt: number): number {
  const eta = car.fuel === 'diesel' ? 0.35 : 0.3;
  const idle = wheelW <= 0 && v > 5 ? 0 : IDLE_FUEL_W;
  const fuelW = idle + (wheelW > 0 ? wheelW / eta : 0);
  return (fuelW * dt) / 3.6e6 / (car.fuel === 'diesel' ? KWH_PER_LITRE.diesel : KWH_PER_LITRE.petrol);
}

/** Heating or cooling the cabin, W. */
export function climatePowerW(targetC: number, ambientC: number): number {
  return Math.min(4000, 300 + 120 * Math.abs(targetC - ambientC));
}

/** Electric: battery energy used over dt, kWh (negative when regeneration wins). */
export function batteryUsedKWh(wheelW: number, v: number, dt: number, extraW: number): number {
  let w: number;
  if (wheelW >= 0) w = wheelW / 0.88;
  else w = v > 1.4 ? Math.max(-REGEN_MAX_W, wheelW * 0.65) : 0;
  return ((w + AUX_W + extraW) * dt) / 3.6e6;
}

/** Engine speed for a gearbox ratio (1-based), rpm. */
export function engineRpm(gears: number, ratio: number, v: number): number {
  const table = gears >= 8 ? RATIOS_8 : RATIOS_7;
  return v * RPM_PER_MPS * (table[ratio - 1] ?? 1);
}

/** The automatic gearbox's choice of ratio from the current one, speed and load (0..1). */
export function selectRatio(gears: number, current: number, v: number, load: number): number {
  if (v < 0.5) return 1;
  const upAt = 1900 + 1600 * load;
  let r = current < 1 ? 1 : current > gears ? gears : current;
  while (r < gears && engineRpm(gears, r, v) > upAt && engineRpm(gears, r + 1, v) > 1150) r++;
  while (r > 1 && engineRpm(gears, r, v) < 1150) r--;
  return r;
}

/** Engine load 0..1 from wheel power (a peak of ~55 W per kg). */
export function engineLoad(car: CarSpec, wheelW: number): number {
  const l = wheelW / (car.massKg * 55);
  return l < 0 ? 0 : l > 1 ? 1 : l;
}
