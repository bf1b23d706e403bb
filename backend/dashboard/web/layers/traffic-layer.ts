/**
 * The jam overlay: segments coloured by their latest jam factor (0..10, from 'segments' frames and
 * GET /api/v1/traffic/segments), drawn a little right of travel so the two directions of a road
 * stay apart; current jams outlined under them; predicted jams as dashed violet lines. One batched
 * stroke per colour band.
 */
import type { JamEventMsg, JamMsg, SegmentsFrame } from '../../hub/events.js';
import type { Layer } from '../map-view.js';
import type { RoadNetworkView } from '../network.js';
import type { View } from '../projection.js';
import type { JamsResponse, PredictedJam } from '../types.js';
import { segmentVisible, traceSegment } from './path.js';

/** Jam factor bands: [lower bound, colour]; below the first nothing is drawn (free flow). */
export const BANDS: readonly (readonly [number, string])[] = [
  [2, '#4cd964'],
  [4, '#ffd60a'],
  [6, '#ff9500'],
  [8, '#ff3b30'],
  [9.5, '#8b0000'],
];

export function bandOf(jamFactor: number): number {
  let b = -1;
  for (let i = 0; i < BANDS.length; i++) if (jamFactor >= (BANDS[i] as readonly [number, string])[0]) b = i;
  return b;
}

export class TrafficLayer implements Layer {
  readonly factors = new Map<string, number>();
  readonly jams = new Map<string, JamMsg>();
  readonly predicted = new Map<string, PredictedJam>();
  visible = true;
  onChange: () => void = () => {};

  constructor(private readonly network: RoadNetworkView) {}

  setSegments(frame: SegmentsFrame): void {
    for (const [id, jf] of frame.segments) this.factors.set(id, jf);
    this.onChange();
  }

  setJams(res: JamsResponse): void {
    this.jams.clear();
    for (const j of res.jams) this.jams.set(j.id, j);
    this.predicted.clear();
    for (const p of res.predicted) this.predicted.set(p.segmentId, p);
    this.onChange();
  }

  applyJamEvent(e: JamEventMsg): void {
    if (e.type === 'jam_predicted') {
      this.predicted.set(e.segmentId, { segmentId: e.segmentId, expectedMs: e.expectedMs, ...(e.jamId ? { jamId: e.jamId } : {}) });
    } else if (e.type === 'jam_cleared') {
      this.jams.delete(e.jam.id);
      for (const [seg, p] of this.predicted) if (p.jamId === e.jam.id) this.predicted.delete(seg);
    } else {
      this.jams.set(e.jam.id, e.jam);
      for (const s of e.jam.segments) this.predicted.delete(s);
    }
    this.onChange();
  }

  /** Segments drawn in a jam colour band (jam factor >= 2). */
  colouredCount(): number {
    let n = 0;
    for (const jf of this.factors.values()) if (bandOf(jf) >= 0) n++;
    return n;
  }

  draw(ctx: CanvasRenderingContext2D, view: View): void {
    if (!this.visible) return;
    const width = Math.max(2, Math.min(5, 2 ** ((view.zoom - 14) / 2) * 2));
    const offset = width * 0.9;
    ctx.lineCap = 'round';
    ctx.lineJoin = 'round';

    ctx.beginPath();
    for (const jam of this.jams.values()) this.#trace(ctx, view, jam.segments, offset);
    ctx.strokeStyle = 'rgba(255, 255, 255, 0.85)';
    ctx.lineWidth = width + 6;
    ctx.stroke();

    const bands: string[][] = BANDS.map(() => []);
    for (const [id, jf] of this.factors) {
      const b = bandOf(jf);
      if (b >= 0) bands[b]?.push(id);
    }
    bands.forEach((ids, b) => {
      if (ids.length === 0) return;
      ctx.beginPath();
      this.#trace(ctx, view, ids, offset);
      ctx.strokeStyle = (BANDS[b] as readonly [number, string])[1];
      ctx.lineWidth = width;
      ctx.stroke();
    });

    if (this.predicted.size > 0) {
      ctx.beginPath();
      this.#trace(ctx, view, [...this.predicted.keys()], offset);
      ctx.setLineDash([6, 5]);
      ctx.strokeStyle = '#c77dff';
      ctx.lineWidth = width + 1;
      ctx.stroke();
      ctx.setLineDash([]);
    }
  }

  #trace(ctx: CanvasRenderingContext2D, view: View, ids: Iterable<string>, offset: number): void {
    for (const id of ids) {
      const s = this.network.byId.get(id);
      if (s && segmentVisible(view, s)) traceSegment(ctx, view, s, offset);
    }
  }
}
