/**
 * The geofence events a run's own telemetry implies (bench/failover.ts): every fix the cars got into
 * Kafka, replayed through the geofence evaluator (the service's pure core) with the run's fences from
 * the moment they were made, gives the event ids the service should have written. Against the
 * `geofence-events` topic this counts events missing within one run, free of the noise between two
 * runs of one seed. Edge effects: a fix the service handled just before or after it read the fences
 * may be judged otherwise here (cars inside a fence when it was made).
 */
import { createGeofenceState, evaluate } from '../../backend/services/geofencing/evaluator.js';
import { geofenceEventId } from '../../backend/services/geofencing/event-id.js';
import type { Fence } from '../../backend/services/geofencing/schema.js';
import type { EvaluatorOptions, FixInput, GeofenceInput } from '../../backend/services/geofencing/types.js';

export class GeofenceReplay {
  /** Per car: seq -> fix (a duplicate seq is the same fix). */
  readonly #fixes = new Map<string, Map<number, FixInput>>();

  add(t: {
    readonly vin: string;
    readonly seq: number;
    readonly ts: number;
    readonly gps: { lat: number; lon: number; speedKmh?: number };
  }): void {
    let car = this.#fixes.get(t.vin);
    if (car === undefined) this.#fixes.set(t.vin, (car = new Map()));
    car.set(t.seq, {
      kind: 'fix',
      vin: t.vin,
      ts: t.ts,
      lat: t.gps.lat,
      lon: t.gps.lon,
      ...(t.gps.speedKmh !== undefined && { speedKmh: t.gps.speedKmh }),
    });
  }

  /** The ids of the events the fixes give with `fences` made at `fencesAtMs` (each car's fixes in seq order). */
  expectedIds(fences: readonly Fence[], fencesAtMs: number, options: Partial<EvaluatorOptions>): Set<string> {
    const inputs: GeofenceInput[] = [];
    for (const car of this.#fixes.values()) for (const seq of [...car.keys()].sort((a, b) => a - b)) inputs.push(car.get(seq)!);
    // by time across cars (stable: a car's own fixes keep their seq order), the fences at their time
    inputs.sort((a, b) => a.ts - b.ts);
    const at = inputs.findIndex((i) => i.ts >= fencesAtMs);
    inputs.splice(at < 0 ? inputs.length : at, 0, ...fences.map((fence): GeofenceInput => ({ kind: 'upsert', ts: fencesAtMs, fence })));
    let state = createGeofenceState(options, []);
    const ids = new Set<string>();
    for (const input of inputs) {
      const r = evaluate(state, input);
      state = r.state;
      for (const o of r.outputs) if (o.kind === 'event') ids.add(geofenceEventId(o.event));
    }
    return ids;
  }
}

/** Events expected and not written, and written but not expected. */
export function replayDiff(expected: ReadonlySet<string>, written: ReadonlySet<string>): { missing: number; unexpected: number } {
  let missing = 0;
  let unexpected = 0;
  for (const id of expected) if (!written.has(id)) missing++;
  for (const id of written) if (!expected.has(id)) unexpected++;
  return { missing, unexpected };
}
