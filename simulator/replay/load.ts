/**
 * `v2x sim --replay FILE`: reads a trace in whichever format it is. The format comes from the name
 * (.csv, .xml, each optionally .gz) or, failing that, from the first character ('<' is XML).
 */
import { parseCsvTrace } from './csv.js';
import { parseFcdTrace } from './fcd.js';
import { firstChar } from './source.js';
import type { Trace } from './trace.js';
import type { VehicleIdMode } from './vin-map.js';

export type TraceFormat = 'csv' | 'fcd';

export interface LoadTraceOptions {
  /** Default: from the file name, else from its content. */
  readonly format?: TraceFormat;
  /** Default 'vin' for CSV, 'map' for FCD. */
  readonly vehicleIds?: VehicleIdMode;
  /** FCD only: epoch ms of simulation time 0; default 0. */
  readonly beginEpochMs?: number;
}

export async function detectTraceFormat(path: string): Promise<TraceFormat> {
  const name = path.toLowerCase().replace(/\.gz$/, '');
  if (name.endsWith('.csv')) return 'csv';
  if (name.endsWith('.xml')) return 'fcd';
  return (await firstChar(path)) === '<' ? 'fcd' : 'csv';
}

export async function loadTrace(path: string, options: LoadTraceOptions = {}): Promise<Trace> {
  const format = options.format ?? (await detectTraceFormat(path));
  const ids = options.vehicleIds === undefined ? {} : { vehicleIds: options.vehicleIds };
  if (format === 'csv') return parseCsvTrace(path, ids);
  return parseFcdTrace(path, options.beginEpochMs === undefined ? ids : { ...ids, beginEpochMs: options.beginEpochMs });
}
