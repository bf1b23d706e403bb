/**
 * The socket.io contract between the backend and dashboards: one map of event names to payloads
 * per direction, shared by the server (backend/dashboard/hub/hub.ts) and the browser bundle (type-only
 * import), so neither side can send the other a wrong shape. Payloads are plain JSON; positions are
 * packed as tuples because they are the bulk of the traffic (10,000+ cars).
 *
 * A client authenticates in the handshake (`auth: { token }`, the API's bearer tokens); a missing
 * or invalid token is refused with `connect_error` whose message names the problem. After
 * connecting it sends `viewport` whenever its map moves; until then it receives no positions.
 */

/** The part of the map a client shows; positions outside it are not sent to that client. */
export interface Viewport {
  readonly west: number;
  readonly south: number;
  readonly east: number;
  readonly north: number;
  /** Web-map zoom level (0 = whole world); below the hub's clustering zoom cars arrive grouped. */
  readonly zoom: number;
}

/** One car on the map: [vin, lon, lat, headingDeg, speedKmh, moving (1|0)]. */
export type CarTuple = readonly [vin: string, lon: number, lat: number, headingDeg: number, speedKmh: number, moving: 0 | 1];

/** A group of cars when zoomed out: [lon, lat, count] at the group's mean position. */
export type ClusterTuple = readonly [lon: number, lat: number, count: number];

export interface PositionsFrame {
  /** Backend clock, ms. */
  readonly t: number;
  /** Cars inside the viewport (empty when clustered). */
  readonly cars: readonly CarTuple[];
  /** Groups inside the viewport (empty when not clustered). */
  readonly clusters: readonly ClusterTuple[];
  /** Cars inside the viewport (counted before any cap); `total` is the whole fleet. */
  readonly inView: number;
  readonly total: number;
}

export interface GeofenceEventMsg {
  readonly type: 'enter' | 'exit' | 'dwell' | 'cross';
  readonly fenceId: string;
  readonly fenceName?: string;
  readonly vin: string;
  readonly ts: number;
  readonly lat: number;
  readonly lon: number;
  readonly dwellS?: number;
  /** exit only: left, deleted, disabled, changed. */
  readonly reason?: string;
}

export interface JamMsg {
  readonly id: string;
  /** Segment ids from tail (upstream) to head (downstream). */
  readonly segments: readonly string[];
  readonly lengthM: number;
  readonly growthMPerMin: number;
  readonly maxJamFactor: number;
  readonly startedMs: number;
  readonly updatedMs: number;
}

export type JamEventMsg =
  | { readonly type: 'jam_started' | 'jam_updated' | 'jam_cleared'; readonly atMs: number; readonly jam: JamMsg }
  | {
      readonly type: 'jam_predicted';
      readonly atMs: number;
      readonly segmentId: string;
      readonly expectedMs: number;
      readonly jamId?: string;
    };

/** Jam factor per segment, sent every window advance: [segmentId, jamFactor 0..10]. */
export interface SegmentsFrame {
  readonly atMs: number;
  readonly segments: readonly (readonly [segmentId: string, jamFactor: number])[];
}

export interface CommandTransitionMsg {
  readonly commandId: string;
  readonly vin: string;
  readonly type: string;
  readonly from: string | null;
  readonly to: string;
  readonly at: number;
  readonly principal: string;
  readonly reason?: string;
  readonly message?: string;
}

export interface SystemMetricsMsg {
  readonly t: number;
  /** Car messages per second into the bridge (all kinds). */
  readonly msgPerS: number;
  /** Records behind the latest offsets, summed over the dashboard's consumer. */
  readonly kafkaLag: number;
  /**
   * Live latency p99 over the last interval, ms: from the car's timestamp to the geofencing service
   * reading the fix (the `consumed` hop; the dashboard's own fleet feed when geofencing runs
   * elsewhere). Messages older than the stored threshold (a backlog) are left out and counted in `stored`.
   */
  readonly latencyP99Ms: number;
  /** What latencyP99Ms measures, in words (the panel shows it). */
  readonly latencyOf?: string;
  readonly connectedCars: number;
  /** The live waterfall over the last interval: per hop, p50 and p99 from the car's timestamp (decision 0030). */
  readonly hops?: readonly SystemHopRow[];
  /** Messages measured as stored (backlog) over the last interval, left out of the live figures. */
  readonly stored?: number;
}

export interface SystemHopRow {
  readonly hop: string;
  readonly label: string;
  readonly n: number;
  readonly p50Ms: number;
  readonly p99Ms: number;
}

export interface ServerToClientEvents {
  positions: (frame: PositionsFrame) => void;
  geofence: (event: GeofenceEventMsg) => void;
  jam: (event: JamEventMsg) => void;
  segments: (frame: SegmentsFrame) => void;
  command: (transition: CommandTransitionMsg) => void;
  system: (metrics: SystemMetricsMsg) => void;
}

export interface ClientToServerEvents {
  viewport: (viewport: Viewport) => void;
}

/** What the services push through: the hub when the dashboard role runs, a no-op otherwise. */
export interface RealtimeSink {
  emit<E extends keyof ServerToClientEvents>(event: E, ...args: Parameters<ServerToClientEvents[E]>): void;
}

export const nullRealtimeSink: RealtimeSink = { emit() {} };
