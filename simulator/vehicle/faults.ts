/**
 * Fault scenarios with correlated signals, and the DTCs they raise.
 *
 * - Overheating (combustion, warm engine, driving): the coolant climbs 0.1 degC/s above its
 *   thermostat level for a few minutes; at 115 degC the car reports P0217 (critical). It clears
 *   once the engine is off and the coolant is back under 95 degC (the code goes inactive).
 * - Slow tyre leak (any car, any time): one tyre loses 0.5-3 kPa a minute; under 75 % of the
 *   owner's pressure the car reports C0750 (warning). A car parked for 30 minutes gets it fixed.
 * - Low energy: fuel or charge under 10 % (low_fuel / low_battery traction), once until above 15 %.
 */
import type { EventDraft } from './events.js';

export const OVERHEAT_CLIMB_C_PER_S = 0.1;
export const OVERHEAT_CODE_AT_C = 115;
export const OVERHEAT_MAX_C = 125;
export const OVERHEAT_CLEAR_BELOW_C = 95;
export const TYRE_LOW_FRACTION = 0.75;
export const TYRE_FLAT_FRACTION = 0.45;
export const TYRE_FIX_AFTER_PARKED_S = 1800;
export const LOW_ENERGY_PCT = 10;
export const LOW_ENERGY_RESET_PCT = 15;

export const DTC = {
  P0217: { code: 'P0217', description: 'Engine coolant over temperature condition', severity: 'critical' },
  C0750: { code: 'C0750', description: 'Tire pressure monitor: low tire pressure', severity: 'warning' },
} as const;

export function dtcDraft(which: keyof typeof DTC, active: boolean): EventDraft {
  const d = DTC[which];
  return { type: 'dtc', code: d.code, severity: d.severity, description: d.description, active };
}
