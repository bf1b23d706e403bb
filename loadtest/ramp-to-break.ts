/**
 * The ramp-to-break controller, pure: it hands the runner one level at a time (ramp to N cars,
 * hold), takes the thresholds evaluated on that level's measurement window (the hold minus its
 * settle time) and decides: next level, or done. The answer is the last level that held: the
 * largest number of cars the broker sustained within every threshold.
 *
 *   let { state, action } = startRampToBreak(settings);
 *   while (action.kind === 'run-level') {
 *     await runner.rampTo(action.cars, action.rampMs); await runner.hold(action.holdMs);
 *     ({ state, action } = levelMeasured(state, evaluateThresholds(specs, summarize(snap, action.window))));
 *   }
 *   action.lastHeld  // e.g. 7000 cars; action.brokeAt 8000, action.failed = the thresholds that broke
 */
import type { RampToBreakSettings } from './scenario/scenario.js';
import { rampLevels } from './scenario/ramp-stages.js';
import type { ThresholdResult } from './thresholds/evaluate.js';

export interface RampLevel {
  readonly cars: number;
  readonly pass: boolean;
  /** Expressions of the thresholds that failed at this level. */
  readonly failed: readonly string[];
}

export interface RampState {
  readonly settings: RampToBreakSettings;
  readonly levels: readonly number[];
  readonly measured: readonly RampLevel[];
}

export type RampAction =
  | {
      readonly kind: 'run-level';
      readonly index: number;
      readonly cars: number;
      readonly rampMs: number;
      readonly holdMs: number;
      /** The window to evaluate thresholds on, ms since the run started. */
      readonly window: { readonly fromMs: number; readonly toMs: number };
    }
  | {
      readonly kind: 'done';
      /** Largest level that held, or null when the first level already failed. */
      readonly lastHeld: number | null;
      /** The level that failed, or null when every level up to maxCars held. */
      readonly brokeAt: number | null;
      readonly failed: readonly string[];
      readonly levels: readonly RampLevel[];
    };

function levelAction(state: RampState): RampAction {
  const i = state.measured.length;
  const cars = state.levels[i];
  const s = state.settings;
  if (cars === undefined) return done(state);
  const levelStart = i * (s.rampMs + s.holdMs);
  return {
    kind: 'run-level',
    index: i,
    cars,
    rampMs: s.rampMs,
    holdMs: s.holdMs,
    window: { fromMs: levelStart + s.rampMs + s.settleMs, toMs: levelStart + s.rampMs + s.holdMs },
  };
}

function done(state: RampState): RampAction {
  const held = state.measured.filter((l) => l.pass);
  const broke = state.measured.find((l) => !l.pass);
  return {
    kind: 'done',
    lastHeld: held.length === 0 ? null : (held[held.length - 1] as RampLevel).cars,
    brokeAt: broke?.cars ?? null,
    failed: broke?.failed ?? [],
    levels: state.measured,
  };
}

export function startRampToBreak(settings: RampToBreakSettings): { state: RampState; action: RampAction } {
  const state: RampState = { settings, levels: rampLevels(settings), measured: [] };
  return { state, action: levelAction(state) };
}

/** Feed the thresholds of the level just held; get the next level or the verdict. */
export function levelMeasured(state: RampState, results: readonly ThresholdResult[]): { state: RampState; action: RampAction } {
  const cars = state.levels[state.measured.length];
  if (cars === undefined) return { state, action: done(state) };
  const failed = results.filter((r) => !r.pass).map((r) => r.expression);
  const next: RampState = { ...state, measured: [...state.measured, { cars, pass: failed.length === 0, failed }] };
  return { state: next, action: failed.length > 0 ? done(next) : levelAction(next) };
}
