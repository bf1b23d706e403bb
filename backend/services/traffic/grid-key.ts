/**
 * Fallback cell key for traces on an unknown network: a Web-Mercator tile key at a fixed zoom,
 * `grid:<zoom>:<x>:<y>`. At zoom 17 a cell is about 306 m x cos(lat) wide (about 200 m in Munich),
 * close to an H3 resolution-9 hexagon (about 174 m edge). Unlike H3 its cells are not equal-area and
 * neighbours are 8-connected, not 6. Issue 7 named H3 cells; h3-js is deliberately not used
 * (decision record 0025): the windows and jam factor work on any key, this fallback only needs a
 * stable cell per fix, and a few lines of arithmetic do that without a 1 MB compiled library on
 * the per-fix path.
 */
export const DEFAULT_GRID_ZOOM = 17;

export function gridKey(lon: number, lat: number, zoom = DEFAULT_GRID_ZOOM): string {
  const n = 2 ** zoom;
  const clampedLat = Math.max(-85.05112878, Math.min(85.05112878, lat));
  const x = Math.floor(((lon + 180) / 360) * n);
  const r = (clampedLat * Math.PI) / 180;
  const y = Math.floor(((1 - Math.log(Math.tan(r) + 1 / Math.cos(r)) / Math.PI) / 2) * n);
  return `grid:${zoom}:${Math.min(n - 1, Math.max(0, x))}:${Math.min(n - 1, Math.max(0, y))}`;
}
