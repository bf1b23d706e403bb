/**
 * The evaluator's channel types: what goes in (a fix, a fence change, a tick), what comes out (an
 * event, a command to send), and the per-car state it keeps. Plain data: the shell decodes Kafka
 * records into inputs and encodes outputs onto the geofence-events topic and the command service.
 */
import type { CommandType } from '../../../protocol/schemas/commands.js';
import type { FenceSet } from './fence-set.js';
import type { Fence } from './schema.js';

export interface LatLon {
  readonly lat: number;
  readonly lon: number;
}

/** A position fix of one car (from telemetry: vin, ts, gps.lat, gps.lon, gps.speedKmh). */
export interface FixInput {
  readonly kind: 'fix';
  readonly vin: string;
  /** Car's clock, ms since epoch. */
  readonly ts: number;
  readonly lat: number;
  readonly lon: number;
  readonly speedKmh?: number;
  /** Fleet tags of the car (for fences filtered by fleetTag); the last ones seen are kept. */
  readonly tags?: readonly string[];
}

export type FenceChangeInput =
  | { readonly kind: 'upsert'; readonly ts: number; readonly fence: Fence }
  | { readonly kind: 'delete'; readonly ts: number; readonly id: string }
  | { readonly kind: 'set-enabled'; readonly ts: number; readonly id: string; readonly enabled: boolean };

/** Time passing without fixes: fires dwell events that fell due. */
export interface TickInput {
  readonly kind: 'tick';
  readonly ts: number;
}

export type GeofenceInput = FixInput | FenceChangeInput | TickInput;

export const EVENT_TYPES = ['enter', 'exit', 'dwell', 'cross'] as const;
export type GeofenceEventType = (typeof EVENT_TYPES)[number];

/** Why an exit happened: the car left, or the fence went away under it. */
export type ExitReason = 'left' | 'fence_deleted' | 'fence_disabled' | 'fence_changed';

export interface GeofenceEvent {
  readonly type: GeofenceEventType;
  readonly fenceId: string;
  readonly vin: string;
  /** ms since epoch: the fix's ts; a cross is interpolated to where the car passed deepest. */
  readonly ts: number;
  readonly position: LatLon;
  /** dwell only: seconds inside when it fired (>= the fence's dwellS). */
  readonly dwellS?: number;
  /** exit only. */
  readonly reason?: ExitReason;
}

/** An enter/exit action that fired: the shell hands it to the command service (audited there). */
export interface CommandToSend {
  readonly vin: string;
  readonly fenceId: string;
  readonly trigger: 'enter' | 'exit';
  readonly ts: number;
  readonly type: CommandType;
  readonly params: Readonly<Record<string, unknown>>;
  /** Deterministic: fenceId/vin/trigger/ts/action index; the shell can derive a commandId from it and dedupe on replay. */
  readonly key: string;
}

export type GeofenceOutput =
  { readonly kind: 'event'; readonly event: GeofenceEvent } | { readonly kind: 'command'; readonly command: CommandToSend };

export interface EvaluatorOptions {
  /** Hysteresis margin H, metres (default 10). */
  readonly hysteresisM: number;
  /** Consecutive fixes on the other side that switch state even within H (default 3). */
  readonly confirmFixes: number;
  /** Crossings are looked for only between fixes at most this far apart, ms (default 120,000). */
  readonly maxGapMs: number;
  /** Grid cell, degrees (default 0.0025). */
  readonly cellDeg: number;
}

export const DEFAULT_OPTIONS: EvaluatorOptions = Object.freeze({ hysteresisM: 10, confirmFixes: 3, maxGapMs: 120_000, cellDeg: 0.0025 });

/** One car against one fence it is inside of, or about to enter. */
export interface Membership {
  readonly fenceId: string;
  /** Confirmed inside (an enter was emitted and no exit since). */
  inside: boolean;
  /** ts of the enter event (inside) or of the first of the pending fixes (not inside). */
  since: number;
  dwellFired: boolean;
  /** Consecutive fixes on the other side of the boundary, within H (counts up to confirmFixes). */
  streak: number;
  /** Evaluation stamp (internal). */
  seen: number;
}

export interface CarState {
  lastTs: number;
  lastLat: number;
  lastLon: number;
  tags: readonly string[];
  members: Membership[];
}

/**
 * Everything the evaluator knows. Updated in place by evaluate() and returned: treat the state you
 * passed in as consumed (a reducer that owns its state; copying 5,000 cars per fix would cost more
 * than the evaluation).
 */
export interface GeofenceState {
  readonly options: EvaluatorOptions;
  readonly fences: FenceSet;
  readonly cars: Map<string, CarState>;
  /** fenceId -> VINs confirmed inside. */
  readonly occupants: Map<string, Set<string>>;
  epoch: number;
}
