/**
 * The geofence evaluator: a pure reducer, (state, input) -> (state, outputs). No I/O, no clock, no
 * randomness: time comes from the inputs (a fix's ts, a change's ts, a tick's ts), so a replay of
 * the same inputs gives the same outputs, byte for byte. For speed the state is updated in place and
 * returned: treat the state passed in as consumed.
 *
 * Inputs: a fix (vin, ts, lat, lon, optional speed and fleet tags), a fence change (upsert, delete,
 * set-enabled) or a tick (time passing, for dwell). Fence upserts must be validated first
 * (validate.ts); the evaluator trusts the Fence type.
 *
 * HYSTERESIS (H = hysteresisM, default 10 m; N = confirmFixes, default 3):
 *   - A car ENTERS a fence on a fix inside it that is either at least H metres inside (distance to
 *     the fence's boundary >= H) or the N-th consecutive fix inside.
 *   - A car EXITS a fence on a fix outside it that is either at least H metres outside or the N-th
 *     consecutive fix outside.
 *   - Otherwise its state holds. GPS noise of a few metres about a boundary therefore gives no
 *     events at all until the car is clearly on one side (H) or stays there (N fixes); a decisive
 *     crossing is reported on the first fix past H; a car parked just inside is reported on its
 *     N-th fix. Event ts and position are those of the fix that decided it.
 *
 * GEOMETRY: polygons are inside their shell and outside every hole; a hole is outside the fence,
 * so driving into a hole is an exit (same hysteresis: the hole's edge is part of the boundary) and
 * driving out of it back into the fence is an enter. A multipolygon is inside when inside any part.
 * A circle is inside within radiusM of its centre; a corridor within widthM / 2 of its line.
 *
 * CROSS: when the last fix and this one are both outside a fence (and no entry was pending) but the
 * straight segment between them passes through it at least H deep, a `cross` event is emitted at
 * the deepest point of the passage, its ts interpolated between the two fixes. Only between fixes
 * at most maxGapMs apart (default 120 s): beyond that the straight line is a guess. A cross fires
 * no actions and changes no state.
 *
 * DWELL: once per visit, when the car has been inside for the fence's dwellS since its enter event,
 * checked on each fix and on each tick input; the event carries the seconds inside when it fired.
 *
 * FENCE CHANGES: deleting or disabling a fence exits the cars inside it (reason fence_deleted /
 * fence_disabled, at the change's ts and each car's last position); an upsert whose vehicle filter
 * no longer admits a car inside exits it (fence_changed); a geometry change takes effect on each
 * car's next fix. The vehicle filter is checked on every fix; a car whose fleet tags change so a
 * fence no longer applies exits it (fence_changed).
 *
 * ORDER: a fix not newer than the car's last fix is ignored (duplicates, replays). Outputs are in
 * the total order of outputs.ts (ts, exit < cross < enter < dwell, fenceId, VIN), each enter or
 * exit followed by its actions' commands.
 */
import { V2xError } from '../../../core/errors.js';
import { applyDelete, applySetEnabled, applyTick, applyUpsert } from './changes.js';
import { FenceSet } from './fence-set.js';
import { applyFix } from './fix.js';
import { toOutputs } from './outputs.js';
import type { Fence } from './schema.js';
import {
  DEFAULT_OPTIONS,
  type EvaluatorOptions,
  type GeofenceEvent,
  type GeofenceInput,
  type GeofenceOutput,
  type GeofenceState,
} from './types.js';

export interface Evaluation {
  readonly state: GeofenceState;
  readonly outputs: readonly GeofenceOutput[];
}

function checkOptions(o: EvaluatorOptions): EvaluatorOptions {
  const bad = (field: string, rule: string, value: number): never => {
    throw new V2xError('CONFIG_INVALID', `geofencing.${field}: ${rule} (got ${value})`, { details: { field, rule, value } });
  };
  if (!(o.hysteresisM >= 0 && Number.isFinite(o.hysteresisM))) bad('hysteresisM', 'must be a number >= 0', o.hysteresisM);
  if (!(Number.isInteger(o.confirmFixes) && o.confirmFixes >= 1)) bad('confirmFixes', 'must be an integer >= 1', o.confirmFixes);
  if (!(o.maxGapMs >= 0)) bad('maxGapMs', 'must be >= 0', o.maxGapMs);
  if (!(o.cellDeg > 0 && o.cellDeg <= 1)) bad('cellDeg', 'must be in (0, 1]', o.cellDeg);
  return Object.freeze({ ...o });
}

/** A fresh state with the given (validated) fences. */
export function createGeofenceState(options: Partial<EvaluatorOptions> = {}, fences: readonly Fence[] = []): GeofenceState {
  const o = checkOptions({ ...DEFAULT_OPTIONS, ...options });
  const set = new FenceSet({ cellDeg: o.cellDeg });
  for (const f of fences) set.upsert(f);
  return { options: o, fences: set, cars: new Map(), occupants: new Map(), epoch: 0 };
}

/** Applies one input; returns the (same, updated) state and the outputs in their total order. */
/** Scratch list of one input's events (evaluate is synchronous and not re-entrant; toOutputs copies). */
const events: GeofenceEvent[] = [];

export function evaluate(state: GeofenceState, input: GeofenceInput): Evaluation {
  events.length = 0;
  switch (input.kind) {
    case 'fix':
      applyFix(state, input, events);
      break;
    case 'tick':
      applyTick(state, input.ts, events);
      break;
    case 'upsert':
      applyUpsert(state, input.fence, input.ts, events);
      break;
    case 'delete':
      applyDelete(state, input.id, input.ts, events);
      break;
    case 'set-enabled':
      applySetEnabled(state, input.id, input.enabled, input.ts, events);
      break;
  }
  return { state, outputs: toOutputs(events, state.fences) };
}

/** Which fences a car is confirmed inside of, sorted (for the API and tests). */
export function fencesOf(state: GeofenceState, vin: string): string[] {
  const car = state.cars.get(vin);
  return car === undefined
    ? []
    : car.members
        .filter((m) => m.inside)
        .map((m) => m.fenceId)
        .sort();
}
