/**
 * Kafka records of the geofencing service. `geofences` (compacted, key fence id): the fence as
 * JSON, a tombstone (null value) when deleted; header v2x-write-id lets the instance that wrote it
 * answer the REST call once it has read it back. `geofence-events` (key VIN): the event as JSON with
 * its deterministic id (event-id.ts), also in the v2x-event-id header.
 * Telemetry values are decoded into evaluator fixes here.
 */
import { randomUUID } from 'node:crypto';
import { HEADERS, kafkaTopicName, tryDecode } from '../../../protocol/index.js';
import type { InRecord, OutRecord } from '../../kafka/types.js';
import type { GeofenceEventMsg } from '../../dashboard/hub/events.js';
import { EVENT_ID_HEADER, geofenceEventId } from './event-id.js';
import type { FleetTags } from './fleet-tags.js';
import type { Fence } from './schema.js';
import type { FixInput, GeofenceEvent } from './types.js';
import { validateFence, type GeofenceIssue } from './validate.js';

export const WRITE_ID_HEADER = 'v2x-write-id';
export const FENCE_KIND = 'geofence';
export const EVENT_KIND = 'geofenceEvent';

export function fenceRecord(fence: Fence, prefix: string, writeId: string = randomUUID()): OutRecord {
  return {
    topic: kafkaTopicName('geofences', prefix),
    key: fence.id,
    value: JSON.stringify(fence),
    headers: { 'content-type': 'application/json', 'v2x-kind': FENCE_KIND, [WRITE_ID_HEADER]: writeId },
  };
}

export function tombstoneRecord(id: string, prefix: string, writeId: string = randomUUID()): OutRecord {
  return { topic: kafkaTopicName('geofences', prefix), key: id, value: null, headers: { [WRITE_ID_HEADER]: writeId } };
}

/** Header of a geofence event record: the car timestamp of the fix that fired it (hop latencies, decision 0030). */
export const CAUSE_TS_HEADER = HEADERS.causeTs;

export function eventRecord(e: GeofenceEvent, prefix: string, causeTs?: number): OutRecord {
  return {
    topic: kafkaTopicName('geofenceEvents', prefix),
    key: e.vin,
    value: JSON.stringify({ id: geofenceEventId(e), ...e }),
    headers: {
      'content-type': 'application/json',
      'v2x-kind': EVENT_KIND,
      [EVENT_ID_HEADER]: geofenceEventId(e),
      ...(causeTs === undefined ? {} : { [CAUSE_TS_HEADER]: String(causeTs) }),
    },
  };
}

/** What a geofences record means: an upsert of a valid fence, a delete, or a record to skip (with why). */
export type FenceChange =
  | { readonly kind: 'upsert'; readonly fence: Fence }
  | { readonly kind: 'delete'; readonly id: string }
  | { readonly kind: 'invalid'; readonly key: string | null; readonly problem: string; readonly issue?: GeofenceIssue };

export function decodeFenceRecord(r: Pick<InRecord, 'key' | 'value'>): FenceChange {
  if (r.key === null || r.key === '') return { kind: 'invalid', key: r.key, problem: 'a geofences record without a key' };
  if (r.value === null || r.value.length === 0) return { kind: 'delete', id: r.key };
  let v: unknown;
  try {
    v = JSON.parse(r.value.toString('utf8'));
  } catch (err) {
    return { kind: 'invalid', key: r.key, problem: `not JSON: ${(err as Error).message}` };
  }
  const checked = validateFence(v);
  if (!checked.ok) return { kind: 'invalid', key: r.key, problem: checked.issue.message, issue: checked.issue };
  if (checked.value.id !== r.key)
    return { kind: 'invalid', key: r.key, problem: `the fence's id ${checked.value.id} differs from the key` };
  return { kind: 'upsert', fence: checked.value };
}

/** A telemetry record as an evaluator fix (JSON or binary, told by the first byte); the problem when it is not telemetry. */
export function decodeFix(
  value: Buffer | null,
  tags: FleetTags,
): { readonly ok: true; readonly fix: FixInput } | { readonly ok: false; readonly problem: string } {
  if (value === null || value.length === 0) return { ok: false, problem: 'empty value' };
  const d = tryDecode('telemetry', value);
  if (!d.ok) return { ok: false, problem: d.issue.message };
  const t = d.value;
  const carTags = tags.get(t.vin);
  return {
    ok: true,
    fix: {
      kind: 'fix',
      vin: t.vin,
      ts: t.ts,
      lat: t.gps.lat,
      lon: t.gps.lon,
      speedKmh: t.gps.speedKmh,
      ...(carTags === undefined ? {} : { tags: carTags }),
    },
  };
}

/** The socket.io message for an event; exit reasons as events.ts names them (fence_deleted -> deleted, ...). */
export function eventMessage(e: GeofenceEvent, fenceName: string | undefined): GeofenceEventMsg {
  return {
    type: e.type,
    fenceId: e.fenceId,
    ...(fenceName === undefined ? {} : { fenceName }),
    vin: e.vin,
    ts: e.ts,
    lat: e.position.lat,
    lon: e.position.lon,
    ...(e.dwellS === undefined ? {} : { dwellS: e.dwellS }),
    ...(e.reason === undefined ? {} : { reason: e.reason.replace(/^fence_/, '') }),
  };
}
