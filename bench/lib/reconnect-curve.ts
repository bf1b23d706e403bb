/**
 * A fleet's way back after its broker restarted, from the broker's connected-clients count sampled
 * over time (pure). Once the restarted broker is up nobody disconnects, so the count only rises and
 * its curve is the distribution of the cars' reconnect times: the time at which it first reaches
 * q x cars is the q-quantile of the reconnect times (measured from the restart). The connect rate is
 * the rise over each one-second window.
 */

export interface CountSample {
  /** ms since the broker was stopped */
  readonly t: number;
  /** clients connected (cars only: the caller removes its own and the backend's) */
  readonly connected: number;
}

export interface ReconnectFigures {
  /** Cars connected again at the last sample. */
  readonly reconnected: number;
  /** The q-quantile of the reconnect times, seconds from the restart; null when fewer came back. */
  readonly p50_s: number | null;
  readonly p99_s: number | null;
  /** When the last car came back (all of them); null when not all did. */
  readonly max_s: number | null;
  /** The most connections within any one second (between samples at most a second apart). */
  readonly peak_connect_rate_per_s: number;
}

const r1 = (x: number): number => Math.round(x * 10) / 10;

function firstReaching(samples: readonly CountSample[], n: number): number | null {
  for (const s of samples) if (s.connected >= n) return r1(s.t / 1000);
  return null;
}

/** A counter (or a count that only rises) sampled over time. */
export interface CounterSample {
  /** ms on any one clock */
  readonly t: number;
  readonly value: number;
}

/**
 * The most the count rose within any one second: from each sample to the last one at most a second
 * after it (`samples` in time order). A lower bound of the true peak, exact when the samples are dense.
 */
export function peakPerSecond(samples: readonly CounterSample[]): number {
  let peak = 0;
  let j = 0;
  for (let i = 0; i < samples.length; i++) {
    const a = samples[i] as CounterSample;
    if (j < i) j = i;
    while (j + 1 < samples.length && (samples[j + 1] as CounterSample).t - a.t <= 1000) j++;
    const rise = (samples[j] as CounterSample).value - a.value;
    if (rise > peak) peak = rise;
  }
  return Math.round(peak);
}

/** `samples` in time order, from the restart on. */
export function reconnectFigures(samples: readonly CountSample[], cars: number): ReconnectFigures {
  const peak = peakPerSecond(samples.map((s) => ({ t: s.t, value: s.connected })));
  const last = samples.at(-1)?.connected ?? 0;
  return {
    reconnected: Math.min(cars, last),
    p50_s: firstReaching(samples, Math.ceil(0.5 * cars)),
    p99_s: firstReaching(samples, Math.ceil(0.99 * cars)),
    max_s: firstReaching(samples, cars),
    peak_connect_rate_per_s: peak,
  };
}
