/**
 * The road network as the map holds it: each directed segment's polyline projected once to mercator
 * units (Float64Array x0,y0,x1,y1...), its road class and extent, looked up by segment id for the
 * traffic overlay. Signals are ignored (not drawn).
 */
import { mercX, mercY } from './projection.js';
import type { NetworkGeoJson } from './types.js';

export interface SegmentShape {
  readonly id: string;
  readonly roadClass: string;
  readonly name: string;
  readonly xy: Float64Array;
  readonly minX: number;
  readonly minY: number;
  readonly maxX: number;
  readonly maxY: number;
}

export interface RoadNetworkView {
  readonly segments: readonly SegmentShape[];
  readonly byId: ReadonlyMap<string, SegmentShape>;
  /** lon/lat extent of every segment. */
  readonly bounds: { readonly west: number; readonly south: number; readonly east: number; readonly north: number };
}

export function buildNetworkView(geojson: NetworkGeoJson): RoadNetworkView {
  const segments: SegmentShape[] = [];
  const byId = new Map<string, SegmentShape>();
  let west = Infinity;
  let south = Infinity;
  let east = -Infinity;
  let north = -Infinity;
  for (const f of geojson.features) {
    if (f.geometry.type !== 'LineString') continue;
    const coords = f.geometry.coordinates;
    const xy = new Float64Array(coords.length * 2);
    let minX = Infinity;
    let minY = Infinity;
    let maxX = -Infinity;
    let maxY = -Infinity;
    coords.forEach(([lon, lat], i) => {
      const x = mercX(lon);
      const y = mercY(lat);
      xy[i * 2] = x;
      xy[i * 2 + 1] = y;
      minX = Math.min(minX, x);
      maxX = Math.max(maxX, x);
      minY = Math.min(minY, y);
      maxY = Math.max(maxY, y);
      west = Math.min(west, lon);
      east = Math.max(east, lon);
      south = Math.min(south, lat);
      north = Math.max(north, lat);
    });
    const id = String(f.properties.segmentId ?? '');
    const seg: SegmentShape = {
      id,
      roadClass: String(f.properties.roadClass ?? 'residential'),
      name: String(f.properties.name ?? ''),
      xy,
      minX,
      minY,
      maxX,
      maxY,
    };
    segments.push(seg);
    if (id !== '') byId.set(id, seg);
  }
  if (segments.length === 0) return { segments, byId, bounds: { west: -10, south: 35, east: 30, north: 60 } };
  return { segments, byId, bounds: { west, south, east, north } };
}
