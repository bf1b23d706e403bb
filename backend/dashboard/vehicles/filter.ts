/**
 * The vehicle list's filters: status, make, a free-text `q` over VIN, plate and model, and a
 * bounding box; parsing of the query string values the schema cannot check (bbox).
 */
import { V2xError } from '../../../core/errors.js';
import type { Telemetry } from '../../../protocol/index.js';

export interface VehicleFilter {
  readonly online?: boolean;
  /** Lower case. */
  readonly make?: string;
  /** Lower case. */
  readonly q?: string;
  readonly bbox?: { readonly west: number; readonly south: number; readonly east: number; readonly north: number };
}

export interface Filterable {
  readonly vin: string;
  readonly make: string;
  readonly model: string;
  readonly plate: string | undefined;
  readonly online: boolean;
  readonly telemetry: Telemetry | undefined;
}

export function matches(f: VehicleFilter, e: Filterable): boolean {
  if (f.online !== undefined && e.online !== f.online) return false;
  if (f.make !== undefined && e.make.toLowerCase() !== f.make) return false;
  if (f.q !== undefined) {
    const q = f.q;
    if (!e.vin.toLowerCase().includes(q) && !e.model.toLowerCase().includes(q) && !(e.plate?.toLowerCase().includes(q) ?? false))
      return false;
  }
  if (f.bbox !== undefined) {
    const g = e.telemetry?.gps;
    if (g === undefined) return false;
    const b = f.bbox;
    const lonIn = b.west <= b.east ? g.lon >= b.west && g.lon <= b.east : g.lon >= b.west || g.lon <= b.east;
    if (!lonIn || g.lat < b.south || g.lat > b.north) return false;
  }
  return true;
}

/** "w,s,e,n" in degrees; throws VALIDATION_FAILED naming querystring.bbox and the rule. */
export function parseBbox(text: string): NonNullable<VehicleFilter['bbox']> {
  const bad = (rule: string): V2xError =>
    new V2xError('VALIDATION_FAILED', `querystring.bbox: ${rule} (got ${JSON.stringify(text)})`, {
      details: { field: 'querystring.bbox', rule, value: text },
    });
  const parts = text.split(',');
  if (parts.length !== 4) throw bad('must be west,south,east,north (four numbers)');
  const n = parts.map((p) => (p.trim() === '' ? Number.NaN : Number(p)));
  if (n.some((x) => !Number.isFinite(x))) throw bad('must be four finite numbers');
  const [west, south, east, north] = n as [number, number, number, number];
  if (Math.abs(west) > 180 || Math.abs(east) > 180) throw bad('longitudes must be within -180..180');
  if (Math.abs(south) > 90 || Math.abs(north) > 90) throw bad('latitudes must be within -90..90');
  if (south > north) throw bad('south must be <= north');
  return { west, south, east, north };
}
