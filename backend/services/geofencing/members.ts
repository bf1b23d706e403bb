/**
 * Per-car membership bookkeeping shared by fixes, fence changes and ticks: does a fence apply to a
 * car, and the enter / exit / dwell transitions that keep `car.members` and `state.occupants` in step
 * and record the event.
 */
import type { CompiledFence } from './shape.js';
import type { CarState, ExitReason, GeofenceEvent, GeofenceState, LatLon, Membership } from './types.js';

/** True when the fence's vehicle filter admits the car (no filter: every car). */
export function applies(f: CompiledFence, vin: string, tags: readonly string[]): boolean {
  if (!f.filtered) return true;
  if (f.vins !== undefined) return f.vins.has(vin);
  return f.fleetTag !== undefined && tags.includes(f.fleetTag);
}

export function findMember(car: CarState, fenceId: string): Membership | undefined {
  const ms = car.members;
  for (let i = 0; i < ms.length; i++) {
    const m = ms[i] as Membership;
    if (m.fenceId === fenceId) return m;
  }
  return undefined;
}

export function dropMember(car: CarState, m: Membership): void {
  const i = car.members.indexOf(m);
  if (i >= 0) car.members.splice(i, 1);
}

export function enter(state: GeofenceState, vin: string, m: Membership, ts: number, position: LatLon, out: GeofenceEvent[]): void {
  m.inside = true;
  m.since = ts;
  m.streak = 0;
  m.dwellFired = false;
  let set = state.occupants.get(m.fenceId);
  if (set === undefined) state.occupants.set(m.fenceId, (set = new Set()));
  set.add(vin);
  out.push({ type: 'enter', fenceId: m.fenceId, vin, ts, position });
}

export function exit(
  state: GeofenceState,
  car: CarState,
  vin: string,
  m: Membership,
  ts: number,
  position: LatLon,
  reason: ExitReason,
  out: GeofenceEvent[],
): void {
  dropMember(car, m);
  const set = state.occupants.get(m.fenceId);
  if (set !== undefined) {
    set.delete(vin);
    if (set.size === 0) state.occupants.delete(m.fenceId);
  }
  out.push({ type: 'exit', fenceId: m.fenceId, vin, ts, position, reason });
}

/** Fires the dwell event of a confirmed membership when the fence's dwell time has passed (once per visit). */
export function maybeDwell(f: CompiledFence, vin: string, m: Membership, ts: number, position: LatLon, out: GeofenceEvent[]): void {
  if (f.dwellMs < 0 || m.dwellFired || !m.inside || ts - m.since < f.dwellMs) return;
  m.dwellFired = true;
  out.push({ type: 'dwell', fenceId: m.fenceId, vin, ts, position, dwellS: (ts - m.since) / 1000 });
}
