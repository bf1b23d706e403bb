/**
 * Temperatures: engine coolant, cabin and tyres, each a first-order model (explicit Euler, stable
 * for the step sizes used: dt well under each time constant).
 *
 * Coolant (combustion): warms at 0.12 + 0.25 x load degC/s below the 90 degC thermostat (cold
 *   start to operating temperature in 5-9 minutes), then holds 90 + 6 x load; engine off, it cools
 *   towards ambient with a 30-minute time constant. An overheating fault adds a steady climb.
 * Cabin: towards the climate target with a 4-minute time constant when climate runs; otherwise
 *   towards ambient (+6 degC of sun through the glass by day) with 30 minutes.
 * Tyres: towards ambient + 0.22 degC per km/h (+ braking) with 7 minutes when moving, back to
 *   ambient with 15 minutes; pressure follows the gas law from the cold (15 degC) pressure.
 */
import { OVERHEAT_CLIMB_C_PER_S, OVERHEAT_MAX_C } from './faults.js';

export const THERMOSTAT_C = 90;

export function nextCoolantC(c: number, dt: number, running: boolean, load: number, ambientC: number, overheating: boolean): number {
  if (!running) return c + (ambientC - c) * Math.min(1, dt / 1800);
  if (overheating) return Math.min(OVERHEAT_MAX_C, c + OVERHEAT_CLIMB_C_PER_S * dt);
  if (c < THERMOSTAT_C) return Math.min(THERMOSTAT_C + 6 * load, c + (0.12 + 0.25 * load) * dt);
  const target = THERMOSTAT_C + 6 * load;
  return c + (target - c) * Math.min(1, dt / 30);
}

export function nextCabinC(c: number, dt: number, climateOn: boolean, targetC: number, ambientC: number, dark: boolean): number {
  if (climateOn) return c + (targetC - c) * Math.min(1, dt / 240);
  const rest = ambientC + (dark ? 0 : 6);
  return c + (rest - c) * Math.min(1, dt / 1800);
}

export function nextTyreTempC(t: number, dt: number, v: number, decel: number, ambientC: number): number {
  if (v > 0.5) {
    const target = ambientC + 0.22 * v * 3.6 + 3 * decel;
    return t + (target - t) * Math.min(1, dt / 420);
  }
  return t + (ambientC - t) * Math.min(1, dt / 900);
}

/** Hot pressure from the cold (15 degC) pressure, kPa gauge (gas law on absolute pressure). */
export function tyrePressureKpa(coldKpa: number, tyreC: number): number {
  return (coldKpa + 101.3) * ((273.15 + tyreC) / 288.15) - 101.3;
}
