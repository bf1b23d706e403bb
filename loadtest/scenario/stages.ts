/**
 * Stage planning, k6-style: the number of connected cars moves linearly from the previous stage's
 * target (0 before the first) to the stage's target over its duration; the telemetry rate is the
 * stage's rateHz (the profile's telemetryHz when the stage names none) for the whole stage.
 * `planStages` returns a pure function of the time since the start.
 */
import type { Stage } from './scenario.js';

export interface StagePoint {
  /** Cars that should be connected at this moment. */
  readonly targetCars: number;
  readonly rateHz: number;
  /** Index of the current stage; stages.length once every stage is over. */
  readonly stage: number;
  readonly done: boolean;
}

export type StagePlan = (tMs: number) => StagePoint;

export function planStages(scenario: { readonly stages: readonly Stage[] }): StagePlan {
  const stages = scenario.stages;
  const starts: number[] = [];
  let acc = 0;
  for (const s of stages) {
    starts.push(acc);
    acc += s.durationMs;
  }
  const totalMs = acc;
  const last = stages[stages.length - 1];
  return (tMs: number): StagePoint => {
    if (last === undefined) return { targetCars: 0, rateHz: 0, stage: 0, done: true };
    if (tMs >= totalMs) return { targetCars: last.target, rateHz: last.rateHz, stage: stages.length, done: true };
    const t = Math.max(0, tMs);
    let i = 0;
    while (i + 1 < stages.length && (starts[i + 1] as number) <= t) i++;
    const s = stages[i] as Stage;
    const from = i === 0 ? 0 : (stages[i - 1] as Stage).target;
    const frac = s.durationMs === 0 ? 1 : (t - (starts[i] as number)) / s.durationMs;
    return { targetCars: Math.round(from + (s.target - from) * frac), rateHz: s.rateHz, stage: i, done: false };
  };
}
