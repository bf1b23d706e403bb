/**
 * Web-Mercator-like projection of the dashboard map, pure functions only. Positions are kept in
 * "mercator units" (the world is the unit square, x east, y south); a view is the mercator centre,
 * a fractional web-map zoom (the world is 256 * 2^zoom pixels wide) and the canvas size in CSS pixels.
 * No tiles: the base map is the road network itself.
 */
import type { Viewport } from '../hub/events.js';

export const TILE_PX = 256;
export const MIN_ZOOM = 3;
export const MAX_ZOOM = 20;

export interface View {
  /** Centre, mercator units (0..1). */
  readonly cx: number;
  readonly cy: number;
  readonly zoom: number;
  /** Canvas size, CSS pixels. */
  readonly width: number;
  readonly height: number;
}

const RAD = Math.PI / 180;
const MAX_LAT = 85.05112878;

export function mercX(lon: number): number {
  return (lon + 180) / 360;
}

export function mercY(lat: number): number {
  const s = Math.sin(Math.max(-MAX_LAT, Math.min(MAX_LAT, lat)) * RAD);
  return 0.5 - Math.log((1 + s) / (1 - s)) / (4 * Math.PI);
}

export function lonOf(mx: number): number {
  return mx * 360 - 180;
}

export function latOf(my: number): number {
  return (Math.atan(Math.sinh(Math.PI * (1 - 2 * my))) * 180) / Math.PI;
}

/** Pixels per mercator unit at this zoom. */
export function scaleOf(zoom: number): number {
  return TILE_PX * 2 ** zoom;
}

export function clampZoom(zoom: number): number {
  return Math.max(MIN_ZOOM, Math.min(MAX_ZOOM, zoom));
}

/** Screen x of a mercator x (CSS pixels from the canvas's left edge). */
export function screenX(view: View, mx: number): number {
  return (mx - view.cx) * scaleOf(view.zoom) + view.width / 2;
}

export function screenY(view: View, my: number): number {
  return (my - view.cy) * scaleOf(view.zoom) + view.height / 2;
}

/** Screen point to [lon, lat]. */
export function toLonLat(view: View, x: number, y: number): [number, number] {
  const s = scaleOf(view.zoom);
  return [lonOf(view.cx + (x - view.width / 2) / s), latOf(view.cy + (y - view.height / 2) / s)];
}

/** The view moved by a drag of (dx, dy) pixels. */
export function panBy(view: View, dx: number, dy: number): View {
  const s = scaleOf(view.zoom);
  return { ...view, cx: view.cx - dx / s, cy: view.cy - dy / s };
}

/** The view at `zoom`, keeping the point under screen (x, y) where it is. */
export function zoomAround(view: View, zoom: number, x: number, y: number): View {
  const z = clampZoom(zoom);
  const before = scaleOf(view.zoom);
  const after = scaleOf(z);
  const mx = view.cx + (x - view.width / 2) / before;
  const my = view.cy + (y - view.height / 2) / before;
  return { ...view, zoom: z, cx: mx - (x - view.width / 2) / after, cy: my - (y - view.height / 2) / after };
}

/** The view showing a lon/lat box whole, with `paddingPx` around it. */
export function fitBounds(
  size: { readonly width: number; readonly height: number },
  box: { readonly west: number; readonly south: number; readonly east: number; readonly north: number },
  paddingPx = 20,
): View {
  const x0 = mercX(box.west);
  const x1 = mercX(box.east);
  const y0 = mercY(box.north);
  const y1 = mercY(box.south);
  const w = Math.max(1, size.width - 2 * paddingPx);
  const h = Math.max(1, size.height - 2 * paddingPx);
  const span = Math.max((x1 - x0) / w, (y1 - y0) / h, 1e-12);
  const zoom = clampZoom(Math.log2(1 / (span * TILE_PX)));
  return { cx: (x0 + x1) / 2, cy: (y0 + y1) / 2, zoom, width: size.width, height: size.height };
}

/** The lon/lat box the view shows, as the hub's viewport message. */
export function viewportOf(view: View): Viewport {
  const [west, north] = toLonLat(view, 0, 0);
  const [east, south] = toLonLat(view, view.width, view.height);
  const r = (v: number): number => Math.round(v * 1e6) / 1e6;
  return { west: r(west), south: r(south), east: r(east), north: r(north), zoom: Math.round(view.zoom * 100) / 100 };
}
