/**
 * Local metres around an origin (equirectangular): x = (lon - lon0) * kx, y = (lat - lat0) * ky.
 * Each fence gets its own origin (its bounding-box centre), so distances inside a fence of a few
 * kilometres are right to well under 0.1% at Munich's latitude; fences of tens of kilometres stay
 * within about 1%. The projection is affine in degrees, so inside/outside answers equal the planar
 * test in degrees that turf's booleanPointInPolygon makes. Antimeridian-spanning fences are not
 * supported (validation does not catch them; they would be read as spanning the globe the other way).
 */
import { M_PER_DEG, mPerDegLon } from '../../../road/geo.js';

export { M_PER_DEG, metresToDegrees } from '../../../road/geo.js';

export interface LocalFrame {
  readonly lon0: number;
  readonly lat0: number;
  /** Metres per degree of longitude at lat0. */
  readonly kx: number;
  /** Metres per degree of latitude. */
  readonly ky: number;
}

export function localFrame(lon0: number, lat0: number): LocalFrame {
  return { lon0, lat0, kx: mPerDegLon(lat0), ky: M_PER_DEG };
}

/** Projects interleaved [lon, lat, ...] degrees to interleaved local metres. */
export function projectFlat(frame: LocalFrame, lonLat: ArrayLike<number>): Float64Array {
  const out = new Float64Array(lonLat.length);
  for (let i = 0; i < lonLat.length; i += 2) {
    out[i] = ((lonLat[i] as number) - frame.lon0) * frame.kx;
    out[i + 1] = ((lonLat[i + 1] as number) - frame.lat0) * frame.ky;
  }
  return out;
}
