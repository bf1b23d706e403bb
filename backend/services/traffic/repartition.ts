/**
 * The traffic repartition topic's records (decision 0033): a fix matched where telemetry is consumed,
 * re-keyed by its segment's corridor (corridors.ts) so that the instance owning a partition sees
 * every car on its roads. The value is a compact JSON array [vin, ts, segmentId, speedMps, distanceM]
 * (about 60 bytes; the full telemetry stays on its own topic). Pure.
 */
import type { OutRecord } from '../../kafka/types.js';
import type { MatchedFix } from './types.js';

/** Kafka Streams' naming for internal topics: `<application id>-<name>-repartition`. */
export function repartitionTopic(prefix: string, groupId: string): string {
  return `${prefix}${groupId}-fixes-repartition`;
}

/** The topic the owners of jams write warning targets to; every instance reads all of it (warn-fanout.ts). */
export function targetsTopic(prefix: string, groupId: string): string {
  return `${prefix}${groupId}-warning-targets`;
}

export function matchedFixRecord(topic: string, corridorKey: string, m: MatchedFix): OutRecord {
  // no record timestamp of the fix's time: the broker refuses one far ahead of its clock (a replay at
  // speed-up), and the retention that bounds the restore must count from when the record was written
  return { topic, key: corridorKey, value: JSON.stringify([m.vin, m.ts, m.key, m.speedMps, m.distanceM]) };
}

/** The fix of a repartition record, or undefined when it is not one (the caller counts it). */
export function decodeMatchedFix(value: Buffer | null): MatchedFix | undefined {
  if (value === null) return undefined;
  let v: unknown;
  try {
    v = JSON.parse(value.toString('utf8'));
  } catch {
    return undefined;
  }
  if (!Array.isArray(v) || v.length !== 5) return undefined;
  const [vin, ts, key, speedMps, distanceM] = v as unknown[];
  if (typeof vin !== 'string' || typeof key !== 'string' || vin === '' || key === '') return undefined;
  if (!Number.isFinite(ts) || !Number.isFinite(speedMps) || !Number.isFinite(distanceM)) return undefined;
  return { vin, ts: ts as number, key, speedMps: speedMps as number, distanceM: distanceM as number };
}
