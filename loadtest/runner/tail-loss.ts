/**
 * Loss including the tail: the sequence tracker counts the gaps between the first and the last
 * message it saw of each car, not the messages after the last one (or before the first). When the
 * probe follows every car, the fleet's own count of telemetry published (sent or queued) is the
 * number expected, so lost = published - distinct received, if that is more than the gaps.
 */
import type { SeqSnapshot } from '../metrics/seq-tracker.js';

export function tailLoss(seq: SeqSnapshot, publishedTelemetry: number): SeqSnapshot {
  return { ...seq, lost: Math.max(seq.lost, publishedTelemetry - seq.distinct) };
}
