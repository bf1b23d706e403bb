/**
 * Dropping a car from the evaluator state without events: the shell forgets cars it has not heard
 * from for a while (gone offline, or their partition moved to another instance after a rebalance),
 * so the state does not grow without bound and a stale membership is not acted on later.
 */
import type { GeofenceState } from './types.js';

/** Removes the car and its memberships; true when it was known. */
export function forgetCar(state: GeofenceState, vin: string): boolean {
  const car = state.cars.get(vin);
  if (car === undefined) return false;
  for (const m of car.members) {
    if (!m.inside) continue;
    const set = state.occupants.get(m.fenceId);
    if (set === undefined) continue;
    set.delete(vin);
    if (set.size === 0) state.occupants.delete(m.fenceId);
  }
  state.cars.delete(vin);
  return true;
}
