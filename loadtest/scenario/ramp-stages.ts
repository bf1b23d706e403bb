/**
 * The stages of a ramp-to-break scenario: from startCars, each level ramps up by stepCars over
 * rampMs and holds for holdMs, up to maxCars (the last level is maxCars even when the step does
 * not land on it). The controller (loadtest/ramp-to-break.ts) stops at the first level that fails.
 */
import type { RampToBreakSettings, Stage } from './scenario.js';

export function rampLevels(r: RampToBreakSettings): number[] {
  const levels: number[] = [];
  for (let cars = r.startCars; cars < r.maxCars; cars += r.stepCars) levels.push(cars);
  levels.push(r.maxCars);
  return levels;
}

export function rampToBreakStages(r: RampToBreakSettings): Stage[] {
  const stages: Stage[] = [];
  for (const target of rampLevels(r)) {
    stages.push({ durationMs: r.rampMs, target, rateHz: r.rateHz });
    stages.push({ durationMs: r.holdMs, target, rateHz: r.rateHz });
  }
  return stages;
}
