/**
 * Fence changes and ticks. A fence deleted or disabled with cars inside gives each of them an exit
 * (reason fence_deleted / fence_disabled) at the change's ts and at the car's last known position;
 * an upsert that changes the vehicle filter so a car inside no longer matches gives it an exit
 * (fence_changed). A geometry change takes effect at each car's next fix, under the usual rules.
 * Deleting or disabling an unknown fence is a no-op (a compacted topic replays tombstones).
 */
import { applies, exit, findMember, maybeDwell } from './members.js';
import type { ExitReason, GeofenceEvent, GeofenceState } from './types.js';
import type { Fence } from './schema.js';

function sortedOccupants(state: GeofenceState, fenceId: string): string[] {
  const set = state.occupants.get(fenceId);
  return set === undefined ? [] : [...set].sort();
}

function exitAll(
  state: GeofenceState,
  fenceId: string,
  ts: number,
  reason: ExitReason,
  out: GeofenceEvent[],
  keep?: (vin: string) => boolean,
): void {
  for (const vin of sortedOccupants(state, fenceId)) {
    const car = state.cars.get(vin);
    const m = car === undefined ? undefined : findMember(car, fenceId);
    if (car === undefined || m === undefined || keep?.(vin) === true) continue;
    exit(state, car, vin, m, ts, { lat: car.lastLat, lon: car.lastLon }, reason, out);
  }
}

/** Drops pending (not yet confirmed) entries into a fence, so they restart against its new definition. */
function dropPending(state: GeofenceState, fenceId: string): void {
  for (const car of state.cars.values()) {
    const m = findMember(car, fenceId);
    if (m !== undefined && !m.inside) car.members.splice(car.members.indexOf(m), 1);
  }
}

export function applyUpsert(state: GeofenceState, fence: Fence, ts: number, out: GeofenceEvent[]): void {
  const before = state.fences.get(fence.id);
  state.fences.upsert(fence);
  if (before === undefined) return;
  const after = state.fences.get(fence.id);
  if (after === undefined) return;
  if (!fence.enabled) {
    exitAll(state, fence.id, ts, 'fence_disabled', out);
  } else {
    exitAll(state, fence.id, ts, 'fence_changed', out, (vin) => applies(after, vin, state.cars.get(vin)?.tags ?? []));
  }
  if (JSON.stringify(before.fence.geometry) !== JSON.stringify(fence.geometry) || !fence.enabled) dropPending(state, fence.id);
}

export function applyDelete(state: GeofenceState, id: string, ts: number, out: GeofenceEvent[]): void {
  if (state.fences.get(id) === undefined) return;
  exitAll(state, id, ts, 'fence_deleted', out);
  dropPending(state, id);
  state.fences.delete(id);
}

export function applySetEnabled(state: GeofenceState, id: string, enabled: boolean, ts: number, out: GeofenceEvent[]): void {
  const f = state.fences.get(id);
  if (f === undefined || f.fence.enabled === enabled) return;
  if (!enabled) {
    exitAll(state, id, ts, 'fence_disabled', out);
    dropPending(state, id);
  }
  state.fences.setEnabled(id, enabled);
}

/** Dwell events that fell due by `ts` for cars that sent no fix since. */
export function applyTick(state: GeofenceState, ts: number, out: GeofenceEvent[]): void {
  for (const [fenceId, vins] of state.occupants) {
    const f = state.fences.get(fenceId);
    if (f === undefined || f.dwellMs < 0) continue;
    for (const vin of vins) {
      const car = state.cars.get(vin);
      const m = car === undefined ? undefined : findMember(car, fenceId);
      if (car === undefined || m === undefined || ts < car.lastTs) continue;
      maybeDwell(f, vin, m, ts, { lat: car.lastLat, lon: car.lastLon }, out);
    }
  }
}
