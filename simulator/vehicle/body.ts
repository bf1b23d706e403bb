/**
 * Body transitions of a trip: leaving a parked car (unlock, driver's door, ignition on) and
 * parking (ignition off, driver's door open for a few seconds, then closed and locked). These are
 * what the events come from; the step calls them on the moving/stopped edges.
 */
import type { CarSpec } from '../fleet/generate.js';
import type { Rng } from '../../core/random.js';
import type { EventDraft } from './events.js';
import { F, F2, PHASE, type VehicleState } from './state.js';

const GEAR_P = 0;
const GEAR_D = 3;

/** A parked car starts moving: the driver unlocks, gets in, closes the trunk, switches on. */
export function startTrip(s: VehicleState, i: number, car: CarSpec, rng: Rng, events: EventDraft[]): void {
  let f = s.flags[i] as number;
  if (s.phase[i] === PHASE.LEAVING) {
    f &= ~F.DOOR_FL;
    events.push({ type: 'door', door: 'fl', open: false });
  } else {
    if ((f & F.LOCKED) !== 0) {
      f &= ~F.LOCKED;
      events.push({ type: 'lock', locked: false, source: 'key' });
    }
    events.push({ type: 'door', door: 'fl', open: true }, { type: 'door', door: 'fl', open: false });
  }
  if ((f & F.TRUNK) !== 0) {
    f &= ~F.TRUNK;
    events.push({ type: 'door', door: 'trunk', open: false });
  }
  f |= F.IGNITION;
  const remote = ((s.flags2[i] as number) & F2.REMOTE_CLIMATE) !== 0;
  if (!remote && Math.abs((s.cabinC[i] as number) - car.comfortC) > 3 && rng.chance(0.8)) {
    f |= F.CLIMATE;
    s.targetC[i] = car.comfortC;
  }
  s.flags[i] = f;
  s.flags2[i] = 0; // unplugged, not charging; remote climate becomes ordinary climate
  s.climateS[i] = 0;
  s.phase[i] = PHASE.DRIVING;
  s.gear[i] = GEAR_D;
  s.ratio[i] = 1;
  s.stillS[i] = 0;
  s.phaseS[i] = 0;
  events.push({ type: 'ignition', on: true });
}

/** A car stopped long enough parks: ignition off, refuel or plug in, the driver gets out. */
export function park(s: VehicleState, i: number, car: CarSpec, rng: Rng, events: EventDraft[]): void {
  let f = s.flags[i] as number;
  f &= ~(F.IGNITION | F.CLIMATE);
  f |= F.DOOR_FL;
  s.flags[i] = f;
  s.gear[i] = GEAR_P;
  s.rpm[i] = 0;
  s.lights[i] = 0;
  s.stillS[i] = 0;
  s.phase[i] = PHASE.LEAVING;
  s.phaseS[i] = rng.range(4, 20);
  events.push({ type: 'ignition', on: false }, { type: 'door', door: 'fl', open: true });
  const share = (s.energy[i] as number) / car.capacity;
  if (car.powertrain === 'ice') {
    if (share < 0.15) s.energy[i] = car.capacity * rng.range(0.9, 1);
  } else if (share < 0.3 || rng.chance(0.25)) {
    s.flags2[i] = F2.PLUGGED | (share < 0.3 ? F2.CHARGING : 0);
  }
}

/** While parked: the driver closes the door and locks a few seconds after switching off. */
export function whileParked(s: VehicleState, i: number, dt: number, events: EventDraft[]): void {
  if (s.phase[i] !== PHASE.LEAVING) return;
  const left = (s.phaseS[i] as number) - dt;
  s.phaseS[i] = left;
  if (left > 0) return;
  let f = s.flags[i] as number;
  f &= ~F.DOOR_FL;
  events.push({ type: 'door', door: 'fl', open: false });
  if ((f & F.LOCKED) === 0) {
    f |= F.LOCKED;
    events.push({ type: 'lock', locked: true, source: 'key' });
  }
  s.flags[i] = f;
  s.phase[i] = PHASE.PARKED;
}
