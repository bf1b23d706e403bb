/**
 * Live cars from the hub's 'positions' frames, drawn with two batched paths (moving, stopped) and
 * no DOM per car. Between frames each car glides from where it was drawn to its new position over
 * the measured frame interval, so 2 frames a second still look smooth. When the hub sends clusters
 * instead (zoomed out), they are drawn as circles with their count. The screen positions of the
 * last drawn frame are kept for hit-testing and the test hooks.
 */
import type { ClusterTuple, PositionsFrame } from '../../hub/events.js';
import type { Layer } from '../map-view.js';
import { mercX, mercY, scaleOf, type View } from '../projection.js';

/** Beyond this jump (mercator units, ~1 km) a car is placed, not animated. */
const TELEPORT = 4e-5;
const HIT_PX = 12;

export interface CarOnScreen {
  readonly vin: string;
  readonly x: number;
  readonly y: number;
  readonly moving: boolean;
}

export class CarsLayer implements Layer {
  vins: string[] = [];
  #index = new Map<string, number>();
  #fromX = new Float64Array(0);
  #fromY = new Float64Array(0);
  #toX = new Float64Array(0);
  #toY = new Float64Array(0);
  #moving = new Uint8Array(0);
  #speed = new Float32Array(0);
  #t0 = 0;
  #duration = 500;
  #lastArrival = 0;
  #clusters: readonly ClusterTuple[] = [];
  /** Screen positions of the last drawn frame (NaN = off screen). */
  #sx = new Float32Array(0);
  #sy = new Float32Array(0);
  selected: string | undefined;
  inView = 0;
  total = 0;
  frames = 0;

  update(frame: PositionsFrame, now: number): void {
    const n = frame.cars.length;
    const fromX = new Float64Array(n);
    const fromY = new Float64Array(n);
    const toX = new Float64Array(n);
    const toY = new Float64Array(n);
    const moving = new Uint8Array(n);
    const speed = new Float32Array(n);
    const vins: string[] = new Array<string>(n);
    const index = new Map<string, number>();
    // Until the next draw, a car keeps the screen position it was last drawn at (a new car has none),
    // so a click or a test hook between a frame's arrival and its first draw still finds the cars.
    const sx = new Float32Array(n).fill(NaN);
    const sy = new Float32Array(n).fill(NaN);
    const p = this.#progress(now);
    for (let i = 0; i < n; i++) {
      const c = frame.cars[i]!;
      const x = mercX(c[1]);
      const y = mercY(c[2]);
      vins[i] = c[0];
      index.set(c[0], i);
      toX[i] = x;
      toY[i] = y;
      moving[i] = c[5];
      speed[i] = c[4];
      const j = this.#index.get(c[0]);
      if (j === undefined) {
        fromX[i] = x;
        fromY[i] = y;
        continue;
      }
      sx[i] = this.#sx[j] as number;
      sy[i] = this.#sy[j] as number;
      const ox = (this.#fromX[j] as number) + ((this.#toX[j] as number) - (this.#fromX[j] as number)) * p;
      const oy = (this.#fromY[j] as number) + ((this.#toY[j] as number) - (this.#fromY[j] as number)) * p;
      const far = Math.abs(ox - x) > TELEPORT || Math.abs(oy - y) > TELEPORT;
      fromX[i] = far ? x : ox;
      fromY[i] = far ? y : oy;
    }
    if (this.#lastArrival > 0) this.#duration = Math.max(100, Math.min(1500, now - this.#lastArrival));
    this.#lastArrival = now;
    this.#t0 = now;
    this.vins = vins;
    this.#index = index;
    this.#fromX = fromX;
    this.#fromY = fromY;
    this.#toX = toX;
    this.#toY = toY;
    this.#moving = moving;
    this.#speed = speed;
    this.#sx = sx;
    this.#sy = sy;
    this.#clusters = frame.clusters;
    this.inView = frame.inView;
    this.total = frame.total;
    this.frames++;
  }

  #progress(now: number): number {
    return Math.max(0, Math.min(1, (now - this.#t0) / this.#duration));
  }

  draw(ctx: CanvasRenderingContext2D, view: View, now: number): void {
    const k = scaleOf(view.zoom);
    const ox = view.width / 2 - view.cx * k;
    const oy = view.height / 2 - view.cy * k;
    const p = this.#progress(now);
    const n = this.vins.length;
    const size = view.zoom >= 16 ? 7 : view.zoom >= 14 ? 5 : 4;
    const half = size / 2;
    const w = view.width + size;
    const h = view.height + size;
    const movingPath = new Path2D();
    const stoppedPath = new Path2D();
    let sel = -1;
    for (let i = 0; i < n; i++) {
      const fx = this.#fromX[i] as number;
      const fy = this.#fromY[i] as number;
      const x = (fx + ((this.#toX[i] as number) - fx) * p) * k + ox;
      const y = (fy + ((this.#toY[i] as number) - fy) * p) * k + oy;
      if (x < -size || y < -size || x > w || y > h) {
        this.#sx[i] = NaN;
        this.#sy[i] = NaN;
        continue;
      }
      this.#sx[i] = x;
      this.#sy[i] = y;
      (this.#moving[i] === 1 ? movingPath : stoppedPath).rect(x - half, y - half, size, size);
      if (this.vins[i] === this.selected) sel = i;
    }
    ctx.fillStyle = '#ff9f43';
    ctx.fill(stoppedPath);
    ctx.fillStyle = '#38c6ff';
    ctx.fill(movingPath);
    if (sel >= 0) {
      ctx.beginPath();
      ctx.arc(this.#sx[sel] as number, this.#sy[sel] as number, size + 4, 0, Math.PI * 2);
      ctx.lineWidth = 2;
      ctx.strokeStyle = '#ffffff';
      ctx.stroke();
    }
    this.#drawClusters(ctx, k, ox, oy);
  }

  #drawClusters(ctx: CanvasRenderingContext2D, k: number, ox: number, oy: number): void {
    if (this.#clusters.length === 0) return;
    ctx.font = '600 11px system-ui, sans-serif';
    ctx.textAlign = 'center';
    ctx.textBaseline = 'middle';
    for (const [lon, lat, count] of this.#clusters) {
      const x = mercX(lon) * k + ox;
      const y = mercY(lat) * k + oy;
      const r = 9 + 4 * Math.log10(Math.max(1, count));
      ctx.beginPath();
      ctx.arc(x, y, r, 0, Math.PI * 2);
      ctx.fillStyle = 'rgba(56, 198, 255, 0.55)';
      ctx.fill();
      ctx.lineWidth = 1.5;
      ctx.strokeStyle = '#38c6ff';
      ctx.stroke();
      ctx.fillStyle = '#0b1320';
      ctx.fillText(String(count), x, y);
    }
  }

  /** The car drawn nearest to a screen point, within a few pixels. */
  carAt(x: number, y: number): string | undefined {
    let best = -1;
    let bestD = HIT_PX * HIT_PX;
    for (let i = 0; i < this.vins.length; i++) {
      const dx = (this.#sx[i] as number) - x;
      const dy = (this.#sy[i] as number) - y;
      const d = dx * dx + dy * dy;
      if (d < bestD) {
        bestD = d;
        best = i;
      }
    }
    return best < 0 ? undefined : this.vins[best];
  }

  /** The cluster under a screen point, as [lon, lat, count]. */
  clusterAt(view: View, x: number, y: number): ClusterTuple | undefined {
    const k = scaleOf(view.zoom);
    for (const c of this.#clusters) {
      const cx = (mercX(c[0]) - view.cx) * k + view.width / 2;
      const cy = (mercY(c[1]) - view.cy) * k + view.height / 2;
      const r = 9 + 4 * Math.log10(Math.max(1, c[2]));
      if (Math.hypot(cx - x, cy - y) <= r) return c;
    }
    return undefined;
  }

  /** Cars on screen in the last drawn frame. */
  onScreen(): CarOnScreen[] {
    const out: CarOnScreen[] = [];
    for (let i = 0; i < this.vins.length; i++) {
      const x = this.#sx[i] as number;
      if (Number.isNaN(x)) continue;
      out.push({ vin: this.vins[i] as string, x, y: this.#sy[i] as number, moving: this.#moving[i] === 1 });
    }
    return out;
  }

  clusters(): readonly ClusterTuple[] {
    return this.#clusters;
  }

  speedOf(vin: string): number | undefined {
    const i = this.#index.get(vin);
    return i === undefined ? undefined : this.#speed[i];
  }
}
