/**
 * Sleep schedule of a parked car's telematics unit: a car parked (ignition off) for a while
 * disconnects to save its 12 V battery, wakes every few minutes for a short check-in (the broker
 * then delivers what was queued for it), and wakes for good when a trip starts. Pure: the caller
 * asks what to do now and when to ask again.
 */
import type { Rng } from '../../core/random.js';
import type { SleepConfig } from './config.js';

export type SleepMode = 'awake' | 'asleep' | 'checkin';

export interface SleepState {
  readonly mode: SleepMode;
  /** End of the current sleep or check-in, ms (0 when awake). */
  readonly untilMs: number;
}

export const AWAKE: SleepState = Object.freeze({ mode: 'awake', untilMs: 0 });

export interface SleepInput {
  readonly ignition: boolean;
  /** How long the car has been parked (ignition off), ms. */
  readonly parkedForMs: number;
  /** The car's clock, ms. */
  readonly nowMs: number;
}

export interface SleepDecision {
  readonly state: SleepState;
  /** What the caller does now with the MQTT session. `disconnect` publishes offline/sleep first. */
  readonly action: 'none' | 'disconnect' | 'connect';
  /** Ask again at the latest then (Infinity: only when the ignition changes). */
  readonly nextCheckMs: number;
}

function sleepUntil(nowMs: number, rng: Rng, cfg: SleepConfig): number {
  const [lo, hi] = cfg.checkInEveryMin;
  return nowMs + Math.round(rng.range(lo, hi) * 60_000);
}

export function planSleep(state: SleepState, input: SleepInput, rng: Rng, cfg: SleepConfig): SleepDecision {
  const now = input.nowMs;
  if (input.ignition) {
    return { state: AWAKE, action: state.mode === 'asleep' ? 'connect' : 'none', nextCheckMs: Number.POSITIVE_INFINITY };
  }
  switch (state.mode) {
    case 'awake': {
      const after = cfg.afterParkedMin * 60_000;
      if (input.parkedForMs < after) return { state, action: 'none', nextCheckMs: now + (after - input.parkedForMs) };
      const until = sleepUntil(now, rng, cfg);
      return { state: { mode: 'asleep', untilMs: until }, action: 'disconnect', nextCheckMs: until };
    }
    case 'asleep': {
      if (now < state.untilMs) return { state, action: 'none', nextCheckMs: state.untilMs };
      const until = now + Math.round(cfg.checkInSeconds * 1000);
      return { state: { mode: 'checkin', untilMs: until }, action: 'connect', nextCheckMs: until };
    }
    case 'checkin': {
      if (now < state.untilMs) return { state, action: 'none', nextCheckMs: state.untilMs };
      const until = sleepUntil(now, rng, cfg);
      return { state: { mode: 'asleep', untilMs: until }, action: 'disconnect', nextCheckMs: until };
    }
  }
}
