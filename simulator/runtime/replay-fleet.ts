/**
 * The trace side of a replay run: loading the trace `--replay` names (with its options), and the
 * fleet it drives: one car per trace vehicle, car g's spec generated from (seed, g) like any fleet
 * car's (make, model, powertrain, owner...) but carrying the trace's VIN.
 */
import { V2xError } from '../../core/errors.js';
import type { ReplaySettings } from '../config.js';
import { FleetGenerator, type CarSpec } from '../fleet/generate.js';
import { KAFKA_TOPICS } from '../../protocol/kafka.js';
import { loadTrace } from '../replay/load.js';
import { replayTimestampsWithin } from '../replay/retention.js';
import type { Trace } from '../replay/trace.js';
import { seedOf } from './world.js';

/** Reads and checks the trace (TRACE_INVALID / TRACE_UNREADABLE with the file and line). */
export async function loadReplayTrace(r: ReplaySettings): Promise<Trace> {
  const trace = await loadTrace(r.file, {
    ...(r.vehicleIds !== undefined && { vehicleIds: r.vehicleIds }),
    ...(r.beginEpochMs !== undefined && { beginEpochMs: r.beginEpochMs }),
  });
  if (trace.format === 'fcd' && r.timestamps === 'recorded' && r.beginEpochMs === undefined) {
    throw new V2xError(
      'CONFIG_INVALID',
      `sim.replayBegin: a SUMO FCD trace has no calendar time; give --replay-begin ISO with --replay-timestamps recorded`,
    );
  }
  return trace;
}

/**
 * Recorded timestamps older than the Kafka retention of the topics a replay feeds are rebased
 * (simulator/replay/retention.ts): the trace gets a warning, the settings 'rebased'.
 */
export function keepWithinRetention(
  trace: Trace,
  r: ReplaySettings,
  speed: number,
  nowMs: number,
): { trace: Trace; replay: ReplaySettings } {
  if (r.timestamps !== 'recorded' || trace.stats.fixes === 0) return { trace, replay: r };
  let firstMs = Number.POSITIVE_INFINITY;
  let lastMs = Number.NEGATIVE_INFINITY;
  for (const v of trace.vehicles) {
    firstMs = Math.min(firstMs, trace.timeMs[v.start] as number);
    lastMs = Math.max(lastMs, trace.timeMs[v.end - 1] as number);
  }
  const topics = [KAFKA_TOPICS.telemetry, KAFKA_TOPICS.traffic, KAFKA_TOPICS.jams, KAFKA_TOPICS.warnings];
  const d = replayTimestampsWithin({
    requested: 'recorded',
    firstMs,
    lastMs,
    nowMs,
    retentionMs: Math.min(...topics.map((t) => t.retentionMs)),
    topics: topics.map((t) => t.name),
    speed,
  });
  if (d.warning === undefined) return { trace, replay: r };
  return { trace: { ...trace, warnings: [...trace.warnings, d.warning] }, replay: { ...r, timestamps: d.timestamps } };
}

/** Cars [start, start + vins.length) of a replay fleet: spec from (seed, index), VIN from the trace. */
export function replayCars(seed: string, start: number, vins: readonly string[]): CarSpec[] {
  const gen = new FleetGenerator({ seed: seedOf(seed) });
  return vins.map((vin, k) => ({ ...gen.car(start + k), vin }));
}
