/** A small canvas line chart of recent speed (km/h) against time, for the vehicle panel. */

export function drawSpeedChart(canvas: HTMLCanvasElement, points: readonly (readonly [number, number])[]): void {
  const dpr = window.devicePixelRatio || 1;
  const w = canvas.clientWidth || 260;
  const hgt = canvas.clientHeight || 90;
  canvas.width = Math.round(w * dpr);
  canvas.height = Math.round(hgt * dpr);
  const ctx = canvas.getContext('2d');
  if (!ctx) return;
  ctx.setTransform(dpr, 0, 0, dpr, 0, 0);
  ctx.clearRect(0, 0, w, hgt);
  const pad = { l: 28, r: 4, t: 6, b: 14 };
  const t0 = points[0]?.[0] ?? 0;
  const t1 = points[points.length - 1]?.[0] ?? 1;
  const vMax = Math.max(30, ...points.map((p) => p[1])) * 1.1;
  const x = (t: number): number => pad.l + ((t - t0) / Math.max(1, t1 - t0)) * (w - pad.l - pad.r);
  const y = (v: number): number => hgt - pad.b - (v / vMax) * (hgt - pad.t - pad.b);
  ctx.strokeStyle = '#2a3446';
  ctx.lineWidth = 1;
  ctx.fillStyle = '#8d97a8';
  ctx.font = '10px system-ui, sans-serif';
  ctx.textAlign = 'right';
  ctx.textBaseline = 'middle';
  for (const v of [0, Math.round(vMax / 2), Math.round(vMax)]) {
    ctx.beginPath();
    ctx.moveTo(pad.l, y(v));
    ctx.lineTo(w - pad.r, y(v));
    ctx.stroke();
    ctx.fillText(String(v), pad.l - 4, y(v));
  }
  ctx.textAlign = 'left';
  ctx.fillText(points.length > 1 ? `${Math.round((t1 - t0) / 1000)} s` : 'no data yet', pad.l, hgt - 5);
  if (points.length < 2) return;
  ctx.beginPath();
  points.forEach(([t, v], i) => (i === 0 ? ctx.moveTo(x(t), y(v)) : ctx.lineTo(x(t), y(v))));
  ctx.strokeStyle = '#38c6ff';
  ctx.lineWidth = 1.5;
  ctx.stroke();
}
