/**
 * The base map: every road segment, one batched stroke per road class (wider and lighter for
 * bigger roads), culled to the view; line widths follow the zoom so the city reads at every scale.
 */
import type { Layer } from '../map-view.js';
import type { RoadNetworkView } from '../network.js';
import type { View } from '../projection.js';
import { segmentVisible, traceSegment } from './path.js';

const STYLES: Record<string, { readonly color: string; readonly width: number }> = {
  highway: { color: '#f2c36b', width: 4 },
  ramp: { color: '#e6b35a', width: 2.5 },
  arterial: { color: '#d8dde6', width: 3 },
  residential: { color: '#9aa3b2', width: 1.5 },
};
const ORDER = ['residential', 'ramp', 'arterial', 'highway'];

export class NetworkLayer implements Layer {
  constructor(private readonly network: RoadNetworkView) {}

  draw(ctx: CanvasRenderingContext2D, view: View): void {
    const zoomScale = Math.max(0.35, Math.min(2, 2 ** ((view.zoom - 15) / 2)));
    ctx.lineCap = 'round';
    ctx.lineJoin = 'round';
    for (const cls of ORDER) {
      const style = STYLES[cls] ?? { color: '#9aa3b2', width: 1.5 };
      ctx.beginPath();
      for (const s of this.network.segments) {
        if ((STYLES[s.roadClass] ? s.roadClass : 'residential') !== cls) continue;
        if (!segmentVisible(view, s)) continue;
        traceSegment(ctx, view, s);
      }
      ctx.strokeStyle = style.color;
      ctx.lineWidth = style.width * zoomScale;
      ctx.stroke();
    }
  }
}
