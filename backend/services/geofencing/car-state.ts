/**
 * The geofencing service's per-car state as a changelog value (the `geofencing-state` topic, key
 * VIN, compacted): which fences the car is inside or about to enter, since when, dwell fired, the
 * hysteresis streak, and its last fix. Restored into the evaluator's state when the car's partition
 * is assigned to this instance (backend/kafka/state-store.ts), dropped when it is revoked.
 */
import type { StateCodec } from '../../kafka/state-store.js';
import { forgetCar } from './forget.js';
import type { CarState, GeofenceState, Membership } from './types.js';

export const CAR_STATE_KIND = 'geofencingCarState';

interface StoredCar {
  readonly v: 1;
  readonly lastTs: number;
  readonly lastLat: number;
  readonly lastLon: number;
  readonly tags: readonly string[];
  readonly members: readonly { f: string; i: boolean; s: number; d: boolean; k: number }[];
}

const finite = (x: unknown): x is number => typeof x === 'number' && Number.isFinite(x);

export const carStateCodec: StateCodec<CarState> = {
  encode(c) {
    const stored: StoredCar = {
      v: 1,
      lastTs: c.lastTs,
      lastLat: c.lastLat,
      lastLon: c.lastLon,
      tags: c.tags,
      members: c.members.map((m) => ({ f: m.fenceId, i: m.inside, s: m.since, d: m.dwellFired, k: m.streak })),
    };
    return JSON.stringify(stored);
  },
  decode(value) {
    let s: Partial<StoredCar>;
    try {
      s = JSON.parse(value.toString('utf8')) as Partial<StoredCar>;
    } catch {
      return undefined;
    }
    if (s.v !== 1 || !finite(s.lastTs) || !finite(s.lastLat) || !finite(s.lastLon) || !Array.isArray(s.members)) return undefined;
    const members: Membership[] = [];
    for (const m of s.members) {
      if (typeof m?.f !== 'string' || typeof m.i !== 'boolean' || !finite(m.s) || typeof m.d !== 'boolean' || !finite(m.k))
        return undefined;
      members.push({ fenceId: m.f, inside: m.i, since: m.s, dwellFired: m.d, streak: m.k, seen: 0 });
    }
    const tags = Array.isArray(s.tags) ? s.tags.filter((t): t is string => typeof t === 'string') : [];
    return { lastTs: s.lastTs, lastLat: s.lastLat, lastLon: s.lastLon, tags, members };
  },
};

/**
 * Puts a restored car into the evaluator's state (replacing what was there). Memberships of fences
 * that no longer exist are dropped without events: the fence's delete was evaluated while no
 * instance held the car (its exits went out from none), documented in docs/scale-out.md.
 */
export function installCar(state: GeofenceState, vin: string, car: CarState): void {
  forgetCar(state, vin);
  car.members = car.members.filter((m) => state.fences.get(m.fenceId) !== undefined);
  state.cars.set(vin, car);
  for (const m of car.members) {
    if (!m.inside) continue;
    let set = state.occupants.get(m.fenceId);
    if (set === undefined) state.occupants.set(m.fenceId, (set = new Set()));
    set.add(vin);
  }
}
