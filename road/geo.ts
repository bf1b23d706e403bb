/**
 * Small geodesy helpers: great-circle distance and bearing, and a local equirectangular projection
 * (metres east/north of a centre) that is accurate to well under 0.1% across a city a few km wide.
 */

export type LonLat = readonly [lon: number, lat: number];

export const EARTH_RADIUS_M = 6_371_008.8;
const RAD = Math.PI / 180;

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
    this.#mPerDegLat = EARTH_RADIUS_M * RAD;
    this.#mPerDegLon = EARTH_RADIUS_M * RAD * Math.cos(lat0 * RAD);
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
