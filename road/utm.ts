/**
 * Inverse projections for imported networks that are stored in metres: UTM on the WGS84 ellipsoid
 * (what SUMO's netconvert writes for OpenStreetMap and `--proj.utm` input: `projParameter="+proj=utm
 * +zone=32 +ellps=WGS84 +datum=WGS84 +units=m +no_defs"`), from Snyder, "Map Projections: A Working
 * Manual" (1987), eq. 8-18 ff.; sub-millimetre within a zone. Pure functions.
 */
const A = 6_378_137;
const F = 1 / 298.257223563;
const E2 = F * (2 - F);
const EP2 = E2 / (1 - E2);
const K0 = 0.9996;

export interface UtmZone {
  readonly zone: number;
  readonly south: boolean;
}

/** Reads a proj string; undefined when it is not a plain WGS84 UTM projection. */
export function parseUtmProj(proj: string): UtmZone | undefined {
  const parts = new Map<string, string>();
  for (const tok of proj.trim().split(/\s+/)) {
    const m = /^\+([a-z_]+)(?:=(.*))?$/.exec(tok);
    if (m !== null) parts.set(m[1] as string, m[2] ?? '');
  }
  if (parts.get('proj') !== 'utm') return undefined;
  const zone = Number(parts.get('zone'));
  if (!Number.isInteger(zone) || zone < 1 || zone > 60) return undefined;
  const ellps = parts.get('ellps') ?? parts.get('datum') ?? 'WGS84';
  if (ellps !== 'WGS84') return undefined;
  const units = parts.get('units') ?? 'm';
  if (units !== 'm') return undefined;
  return { zone, south: parts.has('south') };
}

/** Easting and northing (metres, false easting 500 km, false northing 10,000 km in the south) to [lon, lat]. */
export function utmToLonLat(easting: number, northing: number, z: UtmZone): [number, number] {
  const x = easting - 500_000;
  const y = z.south ? northing - 10_000_000 : northing;
  const lon0 = ((z.zone - 1) * 6 - 180 + 3) * (Math.PI / 180);
  const m = y / K0;
  const mu = m / (A * (1 - E2 / 4 - (3 * E2 * E2) / 64 - (5 * E2 ** 3) / 256));
  const e1 = (1 - Math.sqrt(1 - E2)) / (1 + Math.sqrt(1 - E2));
  const phi1 =
    mu +
    ((3 * e1) / 2 - (27 * e1 ** 3) / 32) * Math.sin(2 * mu) +
    ((21 * e1 * e1) / 16 - (55 * e1 ** 4) / 32) * Math.sin(4 * mu) +
    ((151 * e1 ** 3) / 96) * Math.sin(6 * mu) +
    ((1097 * e1 ** 4) / 512) * Math.sin(8 * mu);
  const sin1 = Math.sin(phi1);
  const cos1 = Math.cos(phi1);
  const tan1 = Math.tan(phi1);
  const c1 = EP2 * cos1 * cos1;
  const t1 = tan1 * tan1;
  const n1 = A / Math.sqrt(1 - E2 * sin1 * sin1);
  const r1 = (A * (1 - E2)) / (1 - E2 * sin1 * sin1) ** 1.5;
  const d = x / (n1 * K0);
  const lat =
    phi1 -
    ((n1 * tan1) / r1) *
      ((d * d) / 2 -
        ((5 + 3 * t1 + 10 * c1 - 4 * c1 * c1 - 9 * EP2) * d ** 4) / 24 +
        ((61 + 90 * t1 + 298 * c1 + 45 * t1 * t1 - 252 * EP2 - 3 * c1 * c1) * d ** 6) / 720);
  const lon =
    lon0 + (d - ((1 + 2 * t1 + c1) * d ** 3) / 6 + ((5 - 2 * c1 + 28 * t1 - 3 * c1 * c1 + 8 * EP2 + 24 * t1 * t1) * d ** 5) / 120) / cos1;
  return [(lon * 180) / Math.PI, (lat * 180) / Math.PI];
}
