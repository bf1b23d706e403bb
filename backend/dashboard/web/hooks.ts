/**
 * `window.__v2x`: read-only hooks for tests and benchmarks (nothing here changes the app). Car and
 * cluster positions are page (client) coordinates of the last drawn frame, so a test can click a car
 * exactly; fps comes from the requestAnimationFrame timestamps of the map's render loop.
 */
import type { ClusterTuple, Viewport } from '../hub/events.js';
import type { CarsLayer } from './layers/cars-layer.js';
import type { TrafficLayer } from './layers/traffic-layer.js';
import type { MapView } from './map-view.js';
import { mercX, mercY, scaleOf, viewportOf } from './projection.js';
import type { Role } from './types.js';

export interface V2xHooks {
  readonly role: Role;
  readonly principal: string;
  /** Cars drawn in the last frame, in page coordinates. */
  cars(): { vin: string; x: number; y: number; moving: boolean }[];
  /** Clusters of the last positions frame, in page coordinates. */
  clusters(): { x: number; y: number; count: number }[];
  /** Positions frames received, and the last one's counts. */
  positions(): { frames: number; cars: number; clusters: number; inView: number; total: number };
  /** Animation frames rendered so far, and their timestamps (performance.now, oldest first; the last 1200). */
  frameCount(): number;
  frameTimes(): number[];
  /** Main-thread ms each of those frames took to draw (aligned with frameTimes). */
  drawTimes(): number[];
  /** Frames per second over the last `windowMs`. */
  fps(windowMs?: number): number;
  viewport(): Viewport;
  /** Page coordinates of a lon/lat point on the map. */
  project(lon: number, lat: number): { x: number; y: number };
  traffic(): { coloured: number; jams: string[]; predicted: string[]; maxJamFactor: number };
  selectedVin(): string | undefined;
  socketConnected(): boolean;
}

declare global {
  interface Window {
    __v2x?: V2xHooks;
  }
}

export function installHooks(deps: {
  role: Role;
  principal: string;
  map: MapView;
  cars: CarsLayer;
  traffic: TrafficLayer;
  selected: () => string | undefined;
  connected: () => boolean;
}): void {
  const { map, cars, traffic } = deps;
  const origin = (): { left: number; top: number } => {
    const r = map.top.getBoundingClientRect();
    return { left: r.left, top: r.top };
  };
  const project = (lon: number, lat: number): { x: number; y: number } => {
    const v = map.view;
    const k = scaleOf(v.zoom);
    const o = origin();
    return { x: o.left + (mercX(lon) - v.cx) * k + v.width / 2, y: o.top + (mercY(lat) - v.cy) * k + v.height / 2 };
  };
  const hooks: V2xHooks = {
    role: deps.role,
    principal: deps.principal,
    cars: () => {
      const o = origin();
      return cars.onScreen().map((c) => ({ vin: c.vin, x: o.left + c.x, y: o.top + c.y, moving: c.moving }));
    },
    clusters: () => cars.clusters().map((c: ClusterTuple) => ({ ...project(c[0], c[1]), count: c[2] })),
    positions: () => ({
      frames: cars.frames,
      cars: cars.vins.length,
      clusters: cars.clusters().length,
      inView: cars.inView,
      total: cars.total,
    }),
    frameCount: () => map.frameCount,
    frameTimes: () => map.frameTimes(),
    drawTimes: () => map.drawTimes(),
    fps: (windowMs = 1000) => {
      const times = map.frameTimes();
      const last = times[times.length - 1];
      if (last === undefined) return 0;
      const inWindow = times.filter((t) => t > last - windowMs).length;
      return (inWindow * 1000) / windowMs;
    },
    viewport: () => viewportOf(map.view),
    project,
    traffic: () => ({
      coloured: traffic.colouredCount(),
      jams: [...traffic.jams.keys()],
      predicted: [...traffic.predicted.keys()],
      maxJamFactor: Math.max(0, ...traffic.factors.values()),
    }),
    selectedVin: deps.selected,
    socketConnected: deps.connected,
  };
  Object.defineProperty(window, '__v2x', { value: Object.freeze(hooks), writable: false, configurable: false });
}
