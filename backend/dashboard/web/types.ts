/**
 * The REST shapes the dashboard reads (the agreed API: docs/dashboard.md). The socket.io payloads
 * come from backend/dashboard/hub/events.ts, imported type-only so the browser bundle holds no backend code.
 */
import type { JamMsg, SystemMetricsMsg } from '../hub/events.js';
import type { VehicleSummary } from '../vehicles/summary.js';

export type { VehicleSummary } from '../vehicles/summary.js';

export type Role = 'viewer' | 'operator' | 'admin';

export interface Me {
  readonly principal: string;
  readonly role: Role;
}

/** The part of a decoded telemetry message the panel shows (protocol/schemas/telemetry.ts). */
export interface TelemetryView {
  readonly ts: number;
  readonly gps: { readonly lat: number; readonly lon: number; readonly speedKmh: number; readonly heading: number };
  readonly fuelPct?: number;
  readonly socPct?: number;
  readonly rangeKm?: number;
  readonly ignition?: boolean;
  readonly gear?: string;
  readonly body?: {
    readonly doorsOpen: { readonly fl: boolean; readonly fr: boolean; readonly rl: boolean; readonly rr: boolean };
    readonly locked: boolean;
    readonly trunkOpen: boolean;
    readonly lights: string;
  };
  readonly climate?: { readonly on: boolean; readonly targetC?: number; readonly cabinC?: number };
}

export interface VehicleDetail extends VehicleSummary {
  readonly telemetry?: TelemetryView;
}

export interface TelemetryList {
  readonly items: readonly TelemetryView[];
}

export type LonLat = readonly [number, number] | readonly [number, number, number];

export type FenceGeometry =
  | { readonly type: 'Polygon'; readonly coordinates: readonly (readonly LonLat[])[] }
  | { readonly type: 'MultiPolygon'; readonly coordinates: readonly (readonly (readonly LonLat[])[])[] }
  | { readonly type: 'Circle'; readonly center: LonLat; readonly radiusM: number }
  | { readonly type: 'Corridor'; readonly coordinates: readonly LonLat[]; readonly widthM: number };

export interface Fence {
  readonly id: string;
  readonly name: string;
  readonly enabled: boolean;
  readonly tags?: readonly string[];
  readonly geometry: FenceGeometry;
  readonly [key: string]: unknown;
}

export interface PredictedJam {
  readonly segmentId: string;
  readonly expectedMs: number;
  readonly jamId?: string;
}

export interface JamsResponse {
  readonly jams: readonly JamMsg[];
  readonly predicted: readonly PredictedJam[];
}

export interface SegmentProps {
  readonly segmentId: string;
  readonly roadClass: string;
  readonly name: string;
  readonly lanes: number;
  readonly freeFlowMps: number;
  readonly lengthM: number;
}

export interface NetworkFeature {
  readonly type: 'Feature';
  readonly geometry:
    | { readonly type: 'LineString'; readonly coordinates: readonly (readonly [number, number])[] }
    | { readonly type: 'Point'; readonly coordinates: readonly [number, number] };
  readonly properties: Partial<SegmentProps> & Record<string, unknown>;
}

export interface NetworkGeoJson {
  readonly type: 'FeatureCollection';
  readonly features: readonly NetworkFeature[];
}

export interface CommandAccepted {
  readonly commandId: string;
  readonly status: string;
}

export type SystemMetrics = SystemMetricsMsg;
