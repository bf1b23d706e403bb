/**
 * Deterministic geofence event ids and the duplicate filter for consumers of `geofence-events`.
 * The evaluator is a pure function of its inputs, so the same car crossing the same fence at the
 * same fix time gives the same event after a replay (an instance died after producing its events
 * and before committing its telemetry offsets; the new owner evaluates those fixes again from the
 * restored state). The id names that event: VIN, fence, type and fix time (ms), and it is both in
 * the record's value (`id`) and in its `v2x-event-id` header, so a consumer drops repeats by it.
 */
import type { InRecord } from '../../kafka/types.js';
import type { GeofenceEvent } from './types.js';

export const EVENT_ID_HEADER = 'v2x-event-id';

/** `vin/fenceId/type/ts`, with the fence id URI-encoded (fence ids may hold '/'). */
export function geofenceEventId(e: Pick<GeofenceEvent, 'vin' | 'fenceId' | 'type' | 'ts'>): string {
  return `${e.vin}/${encodeURIComponent(e.fenceId)}/${e.type}/${e.ts}`;
}

/** The id of a geofence-events record: its v2x-event-id header, else the value's `id`; undefined when it has neither. */
export function geofenceEventIdOf(r: Pick<InRecord, 'headers' | 'value'>): string | undefined {
  const h = r.headers[EVENT_ID_HEADER];
  if (h !== undefined && h !== '') return h;
  if (r.value === null) return undefined;
  try {
    const id = (JSON.parse(r.value.toString('utf8')) as { id?: unknown }).id;
    return typeof id === 'string' && id !== '' ? id : undefined;
  } catch {
    return undefined;
  }
}

/**
 * Remembers the last `capacity` event ids (insertion order, oldest forgotten first): firstSeen(id)
 * is true once per id within that window. A replay repeats at most one uncommitted batch per
 * partition, so a window of a few batches' events is enough; memory is bounded whatever the stream.
 */
export class EventDeduper {
  private readonly seen = new Set<string>();
  private dropped = 0;

  constructor(private readonly capacity = 100_000) {
    if (!(Number.isInteger(capacity) && capacity > 0)) throw new RangeError(`capacity must be a positive integer (got ${capacity})`);
  }

  firstSeen(id: string): boolean {
    if (this.seen.has(id)) {
      this.dropped++;
      return false;
    }
    this.seen.add(id);
    if (this.seen.size > this.capacity) {
      const oldest = this.seen.values().next().value;
      if (oldest !== undefined) this.seen.delete(oldest);
    }
    return true;
  }

  /** Duplicates dropped so far. */
  get duplicates(): number {
    return this.dropped;
  }
}
