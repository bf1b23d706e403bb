/**
 * Geofences on the map: each fence's outline (polygons, multipolygons, circles; corridors as their
 * centre line), enabled ones filled, disabled ones dashed; and the polygon being drawn (points
 * clicked so far) on the top canvas through `DraftLayer`.
 */
import type { Layer } from '../map-view.js';
import { mercX, mercY, scaleOf, type View } from '../projection.js';
import type { Fence, LonLat } from '../types.js';
import { metresToDegrees } from '../../../../road/geo.js';

function ring(ctx: CanvasRenderingContext2D, view: View, points: readonly LonLat[], close: boolean): void {
  const k = scaleOf(view.zoom);
  points.forEach((p, i) => {
    const x = (mercX(p[0]) - view.cx) * k + view.width / 2;
    const y = (mercY(p[1]) - view.cy) * k + view.height / 2;
    if (i === 0) ctx.moveTo(x, y);
    else ctx.lineTo(x, y);
  });
  if (close) ctx.closePath();
}

function circle(center: LonLat, radiusM: number): LonLat[] {
  const out: LonLat[] = [];
  const { dLat, dLon } = metresToDegrees(radiusM, center[1]);
  for (let i = 0; i <= 48; i++) {
    const a = (i / 48) * Math.PI * 2;
    out.push([center[0] + Math.cos(a) * dLon, center[1] + Math.sin(a) * dLat]);
  }
  return out;
}

export class FenceLayer implements Layer {
  fences: readonly Fence[] = [];
  visible = true;

  draw(ctx: CanvasRenderingContext2D, view: View): void {
    if (!this.visible) return;
    for (const f of this.fences) {
      ctx.beginPath();
      const g = f.geometry;
      if (g.type === 'Polygon') for (const r of g.coordinates) ring(ctx, view, r, true);
      else if (g.type === 'MultiPolygon') for (const poly of g.coordinates) for (const r of poly) ring(ctx, view, r, true);
      else if (g.type === 'Circle') ring(ctx, view, circle(g.center, g.radiusM), true);
      else ring(ctx, view, g.coordinates, false);
      ctx.setLineDash(f.enabled ? [] : [5, 4]);
      if (f.enabled && g.type !== 'Corridor') {
        ctx.fillStyle = 'rgba(255, 99, 216, 0.12)';
        ctx.fill('evenodd');
      }
      ctx.strokeStyle = f.enabled ? '#ff63d8' : 'rgba(255, 99, 216, 0.5)';
      ctx.lineWidth = g.type === 'Corridor' ? 4 : 2;
      ctx.stroke();
      ctx.setLineDash([]);
    }
  }
}

export class DraftLayer implements Layer {
  points: LonLat[] = [];

  draw(ctx: CanvasRenderingContext2D, view: View): void {
    if (this.points.length === 0) return;
    ctx.beginPath();
    ring(ctx, view, this.points, this.points.length > 2);
    ctx.strokeStyle = '#ffe14d';
    ctx.lineWidth = 2;
    ctx.setLineDash([4, 3]);
    ctx.stroke();
    ctx.setLineDash([]);
    const k = scaleOf(view.zoom);
    ctx.fillStyle = '#ffe14d';
    for (const p of this.points) {
      const x = (mercX(p[0]) - view.cx) * k + view.width / 2;
      const y = (mercY(p[1]) - view.cy) * k + view.height / 2;
      ctx.fillRect(x - 3, y - 3, 6, 6);
    }
  }
}
