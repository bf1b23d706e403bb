/**
 * One fix of one car against the fences: the hot path. See evaluator.ts for the rules; this file
 * applies them. Per fix: one index query over the box of the segment from the car's last fix
 * (grown by H), then per candidate a bbox test, a point-in-shape test and, only where a transition
 * or a crossing is possible, a signed distance or a segment test. Memberships the query did not
 * reach (the car is now far from the fence, or the fence no longer applies to it) are closed after.
 */
import { applies, enter, exit, findMember, maybeDwell } from './members.js';
import { M_PER_DEG } from './projection.js';
import { containsLocal, depthLocal, passageLocal, type CompiledFence } from './shape.js';
import type { CarState, FixInput, GeofenceEvent, GeofenceState, Membership } from './types.js';

const NO_TAGS: readonly string[] = Object.freeze([]);
const DEG = Math.PI / 180;

/** Degrees to 1e-7 (about 1 cm), the protocol's precision: interpolated positions stay short and stable. */
function round7(v: number): number {
  return Math.round(v * 1e7) / 1e7;
}

function crossEvent(f: CompiledFence, car: CarState, fix: FixInput, out: GeofenceEvent[], h: number): void {
  // Both fixes are outside and depth is 1-Lipschitz (signed distance, r - |p|, half - distance to the
  // line), so no point of the segment is deeper than half its length: a segment shorter than 2H
  // cannot pass H deep (1 um of slack for rounding).
  const dx = (fix.lon - car.lastLon) * f.kx;
  const dy = (fix.lat - car.lastLat) * f.ky;
  const reach = 2 * h - 1e-6;
  if (reach > 0 && dx * dx + dy * dy < reach * reach) return;
  // segment box vs fence box
  if (Math.max(car.lastLon, fix.lon) < f.minLon || Math.min(car.lastLon, fix.lon) > f.maxLon) return;
  if (Math.max(car.lastLat, fix.lat) < f.minLat || Math.min(car.lastLat, fix.lat) > f.maxLat) return;
  const { lon0, lat0, kx, ky } = f;
  const x0 = (car.lastLon - lon0) * kx;
  const y0 = (car.lastLat - lat0) * ky;
  if (containsLocal(f, x0, y0)) return; // the last fix was inside: not a crossing between fixes
  const p = passageLocal(f, x0, y0, (fix.lon - lon0) * kx, (fix.lat - lat0) * ky);
  if (p === undefined || p.depth < h) return; // a graze shallower than H is noise
  const t = p.t;
  out.push({
    type: 'cross',
    fenceId: f.id,
    vin: fix.vin,
    ts: Math.round(car.lastTs + t * (fix.ts - car.lastTs)),
    position: { lat: round7(car.lastLat + t * (fix.lat - car.lastLat)), lon: round7(car.lastLon + t * (fix.lon - car.lastLon)) },
  });
}

function newMember(fenceId: string, ts: number, epoch: number): Membership {
  return { fenceId, inside: false, since: ts, dwellFired: false, streak: 0, seen: epoch };
}

/** Applies a fix; pushes its events (unordered) to `out`. Fixes not newer than the car's last are ignored. */
export function applyFix(state: GeofenceState, fix: FixInput, out: GeofenceEvent[]): void {
  const { options, fences } = state;
  const h = options.hysteresisM;
  const confirm = options.confirmFixes;
  const vin = fix.vin;
  let car = state.cars.get(vin);
  if (car !== undefined && fix.ts <= car.lastTs) return;
  const epoch = ++state.epoch;
  const seg = car !== undefined && fix.ts - car.lastTs <= options.maxGapMs;
  if (car === undefined) {
    car = { lastTs: fix.ts, lastLat: fix.lat, lastLon: fix.lon, tags: fix.tags ?? NO_TAGS, members: [] };
    state.cars.set(vin, car);
  } else if (fix.tags !== undefined) car.tags = fix.tags;
  const tags = car.tags;
  const lat = fix.lat;
  const lon = fix.lon;

  const dLat = h / M_PER_DEG;
  const dLon = dLat / Math.max(0.01, Math.cos(lat * DEG));
  const fromLat = seg ? car.lastLat : lat;
  const fromLon = seg ? car.lastLon : lon;
  const index = fences.index;
  const n = index.query(
    Math.min(lon, fromLon) - dLon,
    Math.min(lat, fromLat) - dLat,
    Math.max(lon, fromLon) + dLon,
    Math.max(lat, fromLat) + dLat,
  );
  const slots = index.slots;
  for (let i = 0; i < n; i++) {
    const f = fences.at(slots[i] as number) as CompiledFence;
    if (!applies(f, vin, tags)) continue;
    let m = findMember(car, f.id);
    if (m !== undefined) m.seen = epoch;
    const inBox = lon >= f.minLon && lon <= f.maxLon && lat >= f.minLat && lat <= f.maxLat;
    if (!inBox && m === undefined && !seg) continue;
    const x = (lon - f.lon0) * f.kx;
    const y = (lat - f.lat0) * f.ky;
    const inside = inBox && containsLocal(f, x, y);
    if (m !== undefined && m.inside) {
      if (inside) {
        m.streak = 0;
        if (f.dwellMs >= 0) maybeDwell(f, vin, m, fix.ts, { lat, lon }, out); // (no position object per fix without dwell)
      } else if (++m.streak >= confirm || depthLocal(f, x, y) <= -h) {
        exit(state, car, vin, m, fix.ts, { lat, lon }, 'left', out);
      }
    } else if (inside) {
      if (m === undefined) car.members.push((m = newMember(f.id, fix.ts, epoch)));
      if (++m.streak >= confirm || depthLocal(f, x, y) >= h) enter(state, vin, m, fix.ts, { lat, lon }, out);
    } else if (m !== undefined) {
      car.members.splice(car.members.indexOf(m), 1); // a pending entry broken by a fix outside
    } else if (seg) {
      crossEvent(f, car, fix, out, h);
    }
  }

  // memberships the query did not reach: the car is more than H away, or the fence no longer applies
  const ms = car.members;
  for (let i = ms.length - 1; i >= 0; i--) {
    const m = ms[i] as Membership;
    if (m.seen === epoch) continue;
    if (!m.inside) {
      ms.splice(i, 1);
      continue;
    }
    const f = fences.get(m.fenceId);
    const reason = f !== undefined && f.fence.enabled && !applies(f, vin, tags) ? 'fence_changed' : 'left';
    exit(state, car, vin, m, fix.ts, { lat, lon }, reason, out);
  }
  car.lastTs = fix.ts;
  car.lastLat = lat;
  car.lastLon = lon;
}
