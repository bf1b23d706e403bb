/** Adds a segment's polyline to the current canvas path, optionally shifted right of its direction. */
import { scaleOf, type View } from '../projection.js';
import type { SegmentShape } from '../network.js';

/** True when the segment's extent overlaps the view (with a margin in pixels). */
export function segmentVisible(view: View, s: SegmentShape, marginPx = 10): boolean {
  const k = scaleOf(view.zoom);
  const halfW = (view.width / 2 + marginPx) / k;
  const halfH = (view.height / 2 + marginPx) / k;
  return s.maxX >= view.cx - halfW && s.minX <= view.cx + halfW && s.maxY >= view.cy - halfH && s.minY <= view.cy + halfH;
}

/** `offsetPx` > 0 draws the line that many pixels to the right of travel (the two directions of a road apart). */
export function traceSegment(ctx: CanvasRenderingContext2D, view: View, s: SegmentShape, offsetPx = 0): void {
  const k = scaleOf(view.zoom);
  const ox = view.width / 2 - view.cx * k;
  const oy = view.height / 2 - view.cy * k;
  const xy = s.xy;
  const n = xy.length / 2;
  for (let i = 0; i < n; i++) {
    let x = (xy[i * 2] as number) * k + ox;
    let y = (xy[i * 2 + 1] as number) * k + oy;
    if (offsetPx !== 0) {
      const a = Math.max(0, Math.min(i, n - 2));
      const dx = ((xy[(a + 1) * 2] as number) - (xy[a * 2] as number)) * k;
      const dy = ((xy[(a + 1) * 2 + 1] as number) - (xy[a * 2 + 1] as number)) * k;
      const len = Math.hypot(dx, dy) || 1;
      // screen y points down: the right of travel is (-dy, dx) rotated, i.e. (−dy, dx) / len
      x += (-dy / len) * offsetPx;
      y += (dx / len) * offsetPx;
    }
    if (i === 0) ctx.moveTo(x, y);
    else ctx.lineTo(x, y);
  }
}
