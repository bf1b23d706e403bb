/**
 * The project's one Earth model and its small geodesy helpers: a sphere of the IUGG mean radius,
 * great-circle distance and bearing, metres per degree, and a local equirectangular projection
 * (metres east/north of a centre) that is accurate to well under 0.1% across a city a few km wide.
 * Every metres <-> degrees conversion in the tree (simulator, backend services, dashboard, benches)
 * uses these constants. Dependency-free, so the browser bundle imports it too.
 */

export type LonLat = readonly [lon: number, lat: number];

/** Mean Earth radius (IUGG), metres. */
export const EARTH_RADIUS_M = 6_371_008.8;
const RAD = Math.PI / 180;
/** Metres per degree of latitude (and of longitude at the equator): about 111,195 m. */
export const M_PER_DEG = EARTH_RADIUS_M * RAD;

/** Metres per degree of longitude at latitude `lat` (degrees). */
export function mPerDegLon(lat: number): number {
  return M_PER_DEG * Math.cos(lat * RAD);
}

/** Degrees of latitude and longitude that `metres` spans at `lat` (for offsets and bounding boxes). */
export function metresToDegrees(metres: number, lat: number): { readonly dLat: number; readonly dLon: number } {
  const c = Math.max(0.01, Math.cos(lat * RAD));
  return { dLat: metres / M_PER_DEG, dLon: metres / (M_PER_DEG * c) };
}

/** Great-circle distance in metres (haversine). */
export function distanceM(lon1: number, lat1: number, lon2: number, lat2: number): number {
  const dLat = (lat2 - lat1) * RAD;
  const dLon = (lon2 - lon1) * RAD;
  const s1 = Math.sin(dLat / 2);
  const s2 = Math.sin(dLon / 2);
  const h = s1 * s1 + Math.cos(lat1 * RAD) * Math.cos(lat2 * RAD) * s2 * s2;
  return 2 * EARTH_RADIUS_M * Math.asin(Math.min(1, Math.sqrt(h)));
}

/** Initial bearing from point 1 to point 2 in degrees clockwise from north, in [0, 360). */
export function bearingDeg(lon1: number, lat1: number, lon2: number, lat2: number): number {
  const p1 = lat1 * RAD;
  const p2 = lat2 * RAD;
  const dl = (lon2 - lon1) * RAD;
  const y = Math.sin(dl) * Math.cos(p2);
  const x = Math.cos(p1) * Math.sin(p2) - Math.sin(p1) * Math.cos(p2) * Math.cos(dl);
  const deg = Math.atan2(y, x) / RAD;
  return deg < 0 ? deg + 360 : deg;
}

/** Smallest absolute difference between two bearings, in [0, 180]. */
export function angleDiffDeg(a: number, b: number): number {
  const d = Math.abs(a - b) % 360;
  return d > 180 ? 360 - d : d;
}

/** Local equirectangular projection around a centre: x metres east, y metres north. */
export class LocalProjection {
  readonly lon0: number;
  readonly lat0: number;
  readonly #mPerDegLon: number;
  readonly #mPerDegLat: number;

  constructor(lon0: number, lat0: number) {
    this.lon0 = lon0;
    this.lat0 = lat0;
    this.#mPerDegLat = M_PER_DEG;
    this.#mPerDegLon = mPerDegLon(lat0);
  }

  x(lon: number): number {
    return (lon - this.lon0) * this.#mPerDegLon;
  }

  y(lat: number): number {
    return (lat - this.lat0) * this.#mPerDegLat;
  }

  lon(x: number): number {
    return this.lon0 + x / this.#mPerDegLon;
  }

  lat(y: number): number {
    return this.lat0 + y / this.#mPerDegLat;
  }

  toLonLat(x: number, y: number): [number, number] {
    return [round7(this.lon(x)), round7(this.lat(y))];
  }
}

/** Rounds a coordinate to 7 decimals (about 1 cm), so exported coordinates are stable text. */
export function round7(v: number): number {
  return Math.round(v * 1e7) / 1e7;
}
