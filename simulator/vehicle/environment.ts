/**
 * What the car's surroundings are at a time and place: ambient temperature (a seasonal and daily
 * curve for central Europe unless fixed) and whether it is dark (sun more than 3 degrees below the
 * horizon, from a low-precision solar position). Computed once per tick for the whole fleet.
 */

export interface Environment {
  /** The car's clock, ms since epoch. */
  readonly nowMs: number;
  readonly ambientC: number;
  /** Headlights on. */
  readonly dark: boolean;
}

const DAY_MS = 86_400_000;
const RAD = Math.PI / 180;

/** Sun elevation in degrees at a time and place (error below a degree; enough for headlights). */
export function sunElevationDeg(nowMs: number, lat: number, lon: number): number {
  const days = nowMs / DAY_MS - 10_957.5; // days since J2000.0
  const g = (357.529 + 0.98560028 * days) * RAD;
  const q = 280.459 + 0.98564736 * days;
  const L = (q + 1.915 * Math.sin(g) + 0.02 * Math.sin(2 * g)) * RAD;
  const e = (23.439 - 0.00000036 * days) * RAD;
  const decl = Math.asin(Math.sin(e) * Math.sin(L));
  const ra = Math.atan2(Math.cos(e) * Math.sin(L), Math.cos(L));
  const gmst = (18.697374558 + 24.06570982441908 * days) % 24;
  const hourAngle = ((gmst * 15 + lon) * RAD - ra) % (2 * Math.PI);
  const phi = lat * RAD;
  return Math.asin(Math.sin(phi) * Math.sin(decl) + Math.cos(phi) * Math.cos(decl) * Math.cos(hourAngle)) / RAD;
}

/** Ambient temperature: 9 degC mean, +-9 over the year (coldest mid-January), +-4 over the day (warmest 15:00 local solar time). */
export function seasonalAmbientC(nowMs: number, lon: number): number {
  const dayOfYear = (nowMs / DAY_MS) % 365.25;
  const solarHour = ((((nowMs % DAY_MS) / 3_600_000 + lon / 15) % 24) + 24) % 24;
  const season = -Math.cos(((dayOfYear - 15) / 365.25) * 2 * Math.PI);
  const daily = Math.cos(((solarHour - 15) / 24) * 2 * Math.PI);
  return 9 + 9 * season + 4 * daily;
}

export function environmentAt(nowMs: number, lat: number, lon: number, fixedAmbientC?: number): Environment {
  return {
    nowMs,
    ambientC: fixedAmbientC ?? seasonalAmbientC(nowMs, lon),
    dark: sunElevationDeg(nowMs, lat, lon) < -3,
  };
}
