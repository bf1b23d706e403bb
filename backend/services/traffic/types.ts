/**
 * Shapes shared by the traffic service's pure cores: a position fix in, per-segment window stats,
 * jams and jam events, forecasts and warnings out. Plain JSON-ready objects (the shell puts them on
 * the Kafka topic 'traffic', keyed by segment id, and on socket.io).
 */

/** One GPS fix as telemetry carries it. */
export interface Fix {
  readonly vin: string;
  /** Epoch ms (the car's timestamp). */
  readonly ts: number;
  readonly lon: number;
  readonly lat: number;
  /** Degrees clockwise from north. */
  readonly headingDeg: number;
  readonly speedMps: number;
}

/** A fix matched to a segment (or to a grid cell when no network is known). */
export interface MatchedFix {
  readonly vin: string;
  readonly ts: number;
  /** Segment id, or a grid key `grid:<zoom>:<x>:<y>` on an unknown network. */
  readonly key: string;
  readonly speedMps: number;
  readonly distanceM: number;
}

/** One closed sliding window of one segment. */
export interface WindowStat {
  readonly key: string;
  /** Epoch ms at the end of the window. */
  readonly endMs: number;
  readonly windowMs: number;
  /** Distinct VINs seen in the window. */
  readonly count: number;
  /** Mean of per-car mean speeds, m/s (a car sampled n times counts once). */
  readonly meanSpeedMps: number;
  /** Median of per-car mean speeds, m/s. */
  readonly medianSpeedMps: number;
  /** Mean of every sample (no dedup: a car counts once per fix), m/s: the time-mean speed that
   * the simulator's ground truth measures. */
  readonly sampleMeanSpeedMps: number;
}

/** Per-segment state after a window: stats plus jam factor. */
export interface SegmentStatus extends WindowStat {
  readonly freeFlowMps: number;
  /** 0 (free) .. 10 (closed). */
  readonly jamFactor: number;
  readonly jammed: boolean;
}

export interface Jam {
  readonly id: string;
  /** Segment ids from tail (upstream end) to head (downstream end). */
  readonly segments: readonly string[];
  readonly headSegment: string;
  readonly tailSegment: string;
  readonly lengthM: number;
  /** Change of length per minute since the previous update (m/min; 0 on start). */
  readonly growthMPerMin: number;
  readonly maxJamFactor: number;
  readonly startedMs: number;
  readonly updatedMs: number;
}

export type JamEvent =
  | { readonly type: 'jam_started'; readonly atMs: number; readonly jam: Jam }
  | { readonly type: 'jam_updated'; readonly atMs: number; readonly jam: Jam }
  | { readonly type: 'jam_cleared'; readonly atMs: number; readonly jam: Jam };

/** Forecast horizons, minutes. */
export const HORIZONS_MIN = [5, 10, 15] as const;
export type HorizonMin = (typeof HORIZONS_MIN)[number];

export interface SpeedForecast {
  readonly segmentId: string;
  readonly atMs: number;
  readonly horizonMin: HorizonMin;
  /** Forecast speeds, m/s: the model and the two baselines. */
  readonly model: number;
  readonly ha: number;
  readonly last: number;
}

/** "Jam expected on segment X within N min". */
export interface JamWarning {
  readonly segmentId: string;
  readonly atMs: number;
  /** Expected arrival of the queue, epoch ms. */
  readonly expectedMs: number;
  /** The jam whose queue is expected to spill back here, if any. */
  readonly jamId: string | undefined;
  readonly reason: 'queue_spillback' | 'forecast';
}
