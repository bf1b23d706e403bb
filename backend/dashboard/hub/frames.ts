/**
 * Building 'positions' frames, the pure core of the hub's ticker. A FrameSource is made once per
 * tick from the fleet's latest positions (a grid index, clusterings computed lazily per integer
 * zoom and cached for the tick); `frame(viewport)` then costs what is in that viewport:
 *   - zoom >= clusterZoom and at most maxCars cars in view: the cars themselves;
 *   - otherwise: clusters (grid clustering at the viewport's zoom), never more than the grid has.
 * `inView` counts the cars in the viewport either way; `total` is the whole fleet on the map.
 */
import type { CarTuple, ClusterTuple, PositionsFrame, Viewport } from './events.js';
import { cellDegrees, clusterCars, clustersInView, mercatorY } from './cluster.js';
import { PositionGrid } from './position-grid.js';

export interface FrameRules {
  /** Below this zoom, clusters. */
  readonly clusterZoom: number;
  /** Cluster grid cell, screen pixels. */
  readonly cellPx: number;
  /** Most single cars in a frame; above it, clusters. */
  readonly maxCars: number;
}

export class FrameSource {
  readonly t: number;
  readonly grid: PositionGrid;
  readonly #rules: FrameRules;
  readonly #clusters = new Map<number, ClusterTuple[]>();
  /** The cars' Web Mercator y, computed on the first clustering of the tick. */
  #ys: Float64Array | undefined;

  constructor(t: number, cars: readonly CarTuple[], rules: FrameRules) {
    this.t = t;
    this.grid = new PositionGrid(cars);
    this.#rules = rules;
  }

  get total(): number {
    return this.grid.cars.length;
  }

  frame(v: Viewport): PositionsFrame {
    if (v.zoom >= this.#rules.clusterZoom) {
      const cars = this.grid.query(v);
      if (cars.length <= this.#rules.maxCars) return { t: this.t, cars, clusters: [], inView: cars.length, total: this.total };
    }
    const { clusters, cars } = clustersInView(this.#clustersAt(v.zoom), v);
    return { t: this.t, cars: [], clusters, inView: cars, total: this.total };
  }

  #clustersAt(zoom: number): ClusterTuple[] {
    const z = Math.max(0, Math.floor(zoom));
    let c = this.#clusters.get(z);
    if (c === undefined) {
      if (this.#ys === undefined) {
        const cars = this.grid.cars;
        this.#ys = new Float64Array(cars.length);
        for (let i = 0; i < cars.length; i++) this.#ys[i] = mercatorY((cars[i] as CarTuple)[2]);
      }
      this.#clusters.set(z, (c = clusterCars(this.grid.cars, cellDegrees(z, this.#rules.cellPx), this.#ys)));
    }
    return c;
  }
}

/** A car on the map from its latest telemetry (positions to 1e-6 degree, heading and speed rounded). */
export function toCarTuple(vin: string, t: { readonly gps: { lat: number; lon: number; heading: number; speedKmh: number } }): CarTuple {
  const g = t.gps;
  return [
    vin,
    Math.round(g.lon * 1e6) / 1e6,
    Math.round(g.lat * 1e6) / 1e6,
    Math.round(g.heading),
    Math.round(g.speedKmh * 10) / 10,
    g.speedKmh >= 1 ? 1 : 0,
  ];
}
