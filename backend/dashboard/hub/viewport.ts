/**
 * Viewports as clients send them: checked (finite numbers, latitudes in range, a zoom), clamped,
 * and split in two when they cross the antimeridian, so every query below is a plain box.
 */
import type { Viewport } from './events.js';

/** A lon/lat box with west <= east. */
export interface Box {
  readonly west: number;
  readonly south: number;
  readonly east: number;
  readonly north: number;
}

export const MAX_ZOOM = 24;

/** The viewport, or the reason it is refused. */
export function checkViewport(raw: unknown): { ok: true; viewport: Viewport } | { ok: false; problem: string } {
  if (typeof raw !== 'object' || raw === null) return { ok: false, problem: 'viewport must be an object {west, south, east, north, zoom}' };
  const v = raw as Record<string, unknown>;
  for (const k of ['west', 'south', 'east', 'north', 'zoom'] as const) {
    const n = v[k];
    if (typeof n !== 'number' || !Number.isFinite(n)) return { ok: false, problem: `viewport.${k} must be a finite number` };
  }
  const [west, south, east, north, zoom] = [v.west, v.south, v.east, v.north, v.zoom] as number[] as [
    number,
    number,
    number,
    number,
    number,
  ];
  if (south > north) return { ok: false, problem: 'viewport.south must be <= viewport.north' };
  if (zoom < 0 || zoom > MAX_ZOOM) return { ok: false, problem: `viewport.zoom must be within 0..${MAX_ZOOM}` };
  const clampLat = (x: number): number => Math.max(-90, Math.min(90, x));
  // a box wider than the world is the world
  const wide = east - west >= 360;
  return {
    ok: true,
    viewport: {
      west: wide ? -180 : wrapLon(west),
      east: wide ? 180 : wrapLon(east),
      south: clampLat(south),
      north: clampLat(north),
      zoom,
    },
  };
}

/** Longitude into [-180, 180]. */
export function wrapLon(lon: number): number {
  if (lon >= -180 && lon <= 180) return lon;
  return ((((lon + 180) % 360) + 360) % 360) - 180;
}

/** One box, or two when the viewport crosses the antimeridian (west > east). */
export function boxesOf(v: Viewport): Box[] {
  if (v.west <= v.east) return [v];
  return [
    { west: v.west, south: v.south, east: 180, north: v.north },
    { west: -180, south: v.south, east: v.east, north: v.north },
  ];
}

export function inBox(b: Box, lon: number, lat: number): boolean {
  return lon >= b.west && lon <= b.east && lat >= b.south && lat <= b.north;
}
