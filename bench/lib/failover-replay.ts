/**
 * The geofence events a run's own telemetry implies (bench/failover.ts): every fix the cars got into
 * Kafka, replayed through the geofence evaluator (the service's pure core) with the run's fences,
 * gives the event ids the service should have written. Against the `geofence-events` topic this
 * counts events missing within one run, free of the noise between two runs of one seed.
 *
 * Exact when every geofencing instance had every fence before the first fix (the bench makes the
 * fences, and waits for each instance to apply them, before the cars start): each car's events then
 * depend only on its own fixes in seq order, here as in the service. The fences used to be made
 * while the cars drove and put here at the wall-clock time the API answered, against fix times of
 * the cars' clocks: a car inside a fence then got its enter on another fix here than in the
 * instance, which applied the fence when it read the geofences topic (a missing id and an
 * unexpected one for the same car and fence: 76 and 80 of 1,762 in the 1,000-car run).
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

  /** The ids of the events the fixes give with `fences` in place before the first fix (each car's fixes in seq order). */
  expectedIds(fences: readonly Fence[], options: Partial<EvaluatorOptions>): Set<string> {
    const inputs: GeofenceInput[] = [];
    for (const car of this.#fixes.values()) for (const seq of [...car.keys()].sort((a, b) => a - b)) inputs.push(car.get(seq)!);
    // by time across cars (stable: a car's own fixes keep their seq order)
    inputs.sort((a, b) => a.ts - b.ts);
    let state = createGeofenceState(options, fences);
    const ids = new Set<string>();
    for (const input of inputs) {
      const r = evaluate(state, input);
      state = r.state;
      for (const o of r.outputs) if (o.kind === 'event') ids.add(geofenceEventId(o.event));
    }
    return ids;
  }
}

/** Events expected and not written, and written but not expected; the first few of each (by id) to tell why. */
export function replayDiff(
  expected: ReadonlySet<string>,
  written: ReadonlySet<string>,
  examples = 5,
): { missing: number; unexpected: number; examples: { missing: string[]; unexpected: string[] } } {
  const missing = [...expected].filter((id) => !written.has(id));
  const unexpected = [...written].filter((id) => !expected.has(id));
  const first = (ids: string[]): string[] => ids.sort().slice(0, examples);
  return { missing: missing.length, unexpected: unexpected.length, examples: { missing: first(missing), unexpected: first(unexpected) } };
}
