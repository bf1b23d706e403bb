/** The `traffic` config section: the jam detection service (issue 7, docs/traffic.md). */
import { Type } from '@sinclair/typebox';

export const trafficConfigSchema = Type.Object(
  {
    groupId: Type.String({
      default: 'v2x-traffic',
      minLength: 1,
      description: "Kafka consumer group for telemetry (the repartition topic's group is <groupId>-segments)",
    }),
    fromBeginning: Type.Boolean({
      default: false,
      description: 'a telemetry group without committed offsets starts at the oldest record (tests, replays), else at the newest',
    }),
    stepMs: Type.Integer({ minimum: 1000, maximum: 60_000, default: 10_000, description: 'window advance, ms of record time' }),
    latenessMs: Type.Integer({
      minimum: 0,
      maximum: 60_000,
      default: 2000,
      description: 'how long past a window end (record time) to wait for late fixes before closing it',
    }),
    idleAdvanceMs: Type.Integer({
      minimum: 0,
      maximum: 600_000,
      default: 15_000,
      description: 'with no telemetry for this long (wall time), the record clock advances with the wall clock (0 = never)',
    }),
    signalCycleS: Type.Integer({
      minimum: 10,
      maximum: 600,
      default: 60,
      description:
        "signal cycle of the network, s: a segment ending at a signal is confirmed as jammed after this long slow (a queue that outlives a cycle, decision 0037); the bundled city runs 60 s, netconvert's static programs 90 s",
    }),
    warningDistanceM: Type.Integer({
      minimum: 0,
      maximum: 20_000,
      default: 800,
      description: 'cars within this graph distance upstream of a jam (or predicted jam) get a warning',
    }),
    warningTtlSeconds: Type.Integer({ minimum: 10, maximum: 3600, default: 600, description: 'expiry of a warning to a car' }),
    replayMs: Type.Integer({
      minimum: 60_000,
      maximum: 86_400_000,
      default: 300_000,
      description:
        'retention of the repartition topic (matched fixes keyed by road), which an instance replays to restore the partitions it is assigned',
    }),
    segmentsEverySteps: Type.Integer({
      minimum: 1,
      maximum: 60,
      default: 1,
      description: 'write per-segment status and predictions to Kafka every N window steps',
    }),
  },
  { additionalProperties: false, default: {} },
);

/** The detector's options from the traffic config: a signal approach confirms after one cycle of slow slots. */
export function detectorOptionsFor(tc: { readonly signalCycleS: number; readonly stepMs: number }): { signalConfirmSlots: number } {
  return { signalConfirmSlots: Math.max(1, Math.ceil((tc.signalCycleS * 1000) / tc.stepMs)) };
}
