/**
 * The one typed channel between a simulator unit (a worker thread, or a child process that runs
 * worker threads of its own) and its parent. Both directions are discriminated unions on `type`;
 * `UnitToParent` and `ParentToUnit` are all that crosses a thread or process boundary.
 */
import type { GroundTruthRecord } from '../traffic/ground-truth.js';
import type { DriverWarning } from '../traffic/warned-drivers.js';
import type { StatsSnapshot } from '../../mqtt/stats.js';
import type { SimSettings } from '../config.js';
import type { SimCounters } from './counters.js';
import type { ReplayUnitData } from './replay-source.js';
import type { SharedTrafficBuffers } from './shared-traffic.js';

/** What a unit is given when it starts (workerData, or the first IPC message of a child). */
export interface UnitInit {
  readonly settings: SimSettings;
  /** Global car indices [start, end) this unit drives. */
  readonly start: number;
  readonly end: number;
  /** Keep and forward ground-truth records (one unit of a run does). */
  readonly groundTruth: boolean;
  /** Connections per second for this unit. */
  readonly rampPerSecond: number;
  readonly label: string;
  /** A replay: the unit's part of the trace (vehicle 0 = car `start`). */
  readonly replay?: ReplayUnitData;
  /** The process's shared traffic model (a worker thread only), and this worker's reader slot in it. */
  readonly traffic?: { readonly buffers: SharedTrafficBuffers; readonly reader: number };
}

export interface UnitStats {
  readonly mqtt: StatsSnapshot;
  readonly sim: SimCounters;
  /** Set by processes: CPU microseconds (user + system) and peak RSS in KB of the process. */
  readonly cpuUs?: number;
  readonly maxRssKb?: number;
}

/**
 * Load-test control of a unit's cars (loadtest/runner): how many run, their telemetry rate, and a
 * share of connections to cut. Only after a 'start' with `controlled: true`.
 */
export interface UnitControl {
  /** The first N of the unit's cars run (their sessions started); the others are closed (offline, DISCONNECT). */
  readonly activeCars?: number;
  /** Telemetry per car per simulated second from now on. */
  readonly rateHz?: number;
  /** Cut this share (0..1] of the connected cars' connections without DISCONNECT (the will fires; they reconnect). */
  readonly dropShare?: number;
}

export type UnitToParent =
  | { readonly type: 'ready'; readonly cars: number }
  | { readonly type: 'stats'; readonly stats: UnitStats; readonly final: boolean }
  | { readonly type: 'truth'; readonly records: readonly GroundTruthRecord[] }
  | { readonly type: 'speedCap'; readonly car: number; readonly mps: number }
  /**
   * A car received a warning: for the shared model thread (via the coordinator), or decided in this
   * unit's replica of the fleet's model and relayed to the other replicas (as speed caps are).
   */
  | { readonly type: 'warning'; readonly warning: DriverWarning }
  | { readonly type: 'fatal'; readonly code: string; readonly message: string };

export type ParentToUnit =
  | { readonly type: 'init'; readonly init: UnitInit }
  | {
      readonly type: 'start';
      readonly startWallMs: number;
      readonly startEpochMs: number;
      /** A load test: no session starts by itself; 'control' messages say how many cars run. */
      readonly controlled?: boolean;
    }
  | { readonly type: 'control'; readonly control: UnitControl }
  | { readonly type: 'speedCap'; readonly car: number; readonly mps: number }
  /** A warning decided in another unit: apply it to this unit's model of the fleet. */
  | { readonly type: 'warning'; readonly warning: DriverWarning }
  | { readonly type: 'stop' };

export function isUnitMessage(v: unknown): v is UnitToParent {
  return typeof v === 'object' && v !== null && typeof (v as { type?: unknown }).type === 'string';
}

export function isParentMessage(v: unknown): v is ParentToUnit {
  return typeof v === 'object' && v !== null && typeof (v as { type?: unknown }).type === 'string';
}
