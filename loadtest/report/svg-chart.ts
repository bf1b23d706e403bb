/**
 * A small server-side SVG line chart: axes with round ticks, one polyline per series, a legend.
 * No scripts, no external references: the string is inlined into the HTML reports. Gaps (null
 * values) break a line. Every chart carries data-chart="<id>" so tests and readers can find it.
 */

export interface Series {
  readonly name: string;
  /** [x, y] points, x ascending; y null = no data there. */
  readonly points: readonly (readonly [number, number | null])[];
  /** Dashed line (e.g. a second run in a comparison). */
  readonly dashed?: boolean;
}

export interface ChartOptions {
  readonly id: string;
  readonly title: string;
  readonly xLabel: string;
  readonly yLabel: string;
  readonly series: readonly Series[];
  readonly width?: number;
  readonly height?: number;
}

export const PALETTE = ['#1f77b4', '#d62728', '#2ca02c', '#ff7f0e', '#9467bd', '#8c564b', '#e377c2', '#17becf'];

export function escapeXml(s: string): string {
  return s.replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c] as string);
}

/** About `count` round tick values covering [lo, hi]: steps of 1, 2 or 5 times a power of ten. */
export function niceTicks(lo: number, hi: number, count = 5): number[] {
  if (!(hi > lo)) return [lo];
  const raw = (hi - lo) / count;
  const mag = 10 ** Math.floor(Math.log10(raw));
  const step = ([1, 2, 5, 10].find((m) => m * mag >= raw) ?? 10) * mag;
  const ticks: number[] = [];
  for (let v = Math.ceil(lo / step) * step; v <= hi + step * 1e-9; v += step) ticks.push(Number(v.toPrecision(12)));
  return ticks;
}

export function formatTick(v: number): string {
  const a = Math.abs(v);
  if (a >= 1e6) return `${Number((v / 1e6).toPrecision(3))}M`;
  if (a >= 1e4) return `${Number((v / 1e3).toPrecision(3))}k`;
  return String(Number(v.toPrecision(4)));
}

export function lineChart(o: ChartOptions): string {
  const W = o.width ?? 720;
  const H = o.height ?? 260;
  // legend rows above the plot, wrapped to the width
  const legend: { name: string; x: number; row: number; k: number }[] = [];
  let lx = 64;
  let row = 0;
  o.series.forEach((s, k) => {
    const w = 22 + s.name.length * 7.2;
    if (lx + w > W - 16 && lx > 64) {
      row++;
      lx = 64;
    }
    legend.push({ name: s.name, x: lx, row, k });
    lx += w + 8;
  });
  const rows = o.series.length === 0 ? 0 : row + 1;
  const m = { left: 64, right: 16, top: 30 + rows * 16, bottom: 44 };
  const pw = W - m.left - m.right;
  const ph = H - m.top - m.bottom;
  const xs: number[] = [];
  const ys: number[] = [];
  for (const s of o.series) {
    for (const [x, y] of s.points) {
      xs.push(x);
      if (y !== null && Number.isFinite(y)) ys.push(y);
    }
  }
  const xMin = xs.length === 0 ? 0 : Math.min(...xs);
  let xMax = xs.length === 0 ? 1 : Math.max(...xs);
  if (xMax <= xMin) xMax = xMin + 1;
  let yMax = ys.length === 0 ? 1 : Math.max(...ys);
  if (yMax <= 0) yMax = 1;
  const yTicks = niceTicks(0, yMax, 5);
  yMax = Math.max(yMax, yTicks[yTicks.length - 1] ?? yMax);
  const xTicks = niceTicks(xMin, xMax, 8);
  const px = (x: number): number => m.left + ((x - xMin) / (xMax - xMin)) * pw;
  const py = (y: number): number => m.top + ph - (y / yMax) * ph;
  const f = (n: number): string => n.toFixed(1);

  const parts: string[] = [];
  parts.push(
    `<svg class="chart" data-chart="${escapeXml(o.id)}" width="${W}" height="${H}" viewBox="0 0 ${W} ${H}" role="img" aria-label="${escapeXml(o.title)}">`,
  );
  parts.push(`<title>${escapeXml(o.title)}</title>`);
  parts.push(`<rect x="0" y="0" width="${W}" height="${H}" fill="#fff"/>`);
  parts.push(`<text x="${m.left}" y="18" font-size="14" font-weight="bold">${escapeXml(o.title)}</text>`);
  for (const t of yTicks) {
    parts.push(`<line x1="${m.left}" x2="${m.left + pw}" y1="${f(py(t))}" y2="${f(py(t))}" stroke="#e5e5e5"/>`);
    parts.push(`<text x="${m.left - 6}" y="${f(py(t) + 4)}" font-size="11" text-anchor="end">${formatTick(t)}</text>`);
  }
  for (const t of xTicks) {
    parts.push(`<line x1="${f(px(t))}" x2="${f(px(t))}" y1="${m.top + ph}" y2="${m.top + ph + 4}" stroke="#555"/>`);
    parts.push(`<text x="${f(px(t))}" y="${m.top + ph + 16}" font-size="11" text-anchor="middle">${formatTick(t)}</text>`);
  }
  parts.push(`<line x1="${m.left}" x2="${m.left}" y1="${m.top}" y2="${m.top + ph}" stroke="#555"/>`);
  parts.push(`<line x1="${m.left}" x2="${m.left + pw}" y1="${m.top + ph}" y2="${m.top + ph}" stroke="#555"/>`);
  parts.push(`<text x="${m.left + pw / 2}" y="${H - 8}" font-size="11" text-anchor="middle">${escapeXml(o.xLabel)}</text>`);
  parts.push(
    `<text transform="translate(14 ${m.top + ph / 2}) rotate(-90)" font-size="11" text-anchor="middle">${escapeXml(o.yLabel)}</text>`,
  );

  o.series.forEach((s, k) => {
    const colour = PALETTE[k % PALETTE.length] as string;
    let d = '';
    let pen = false;
    for (const [x, y] of s.points) {
      if (y === null || !Number.isFinite(y)) {
        pen = false;
        continue;
      }
      d += `${pen ? 'L' : 'M'}${f(px(x))} ${f(py(y))}`;
      pen = true;
    }
    if (d === '') return;
    const dash = s.dashed ? ' stroke-dasharray="6 4"' : '';
    parts.push(
      `<path class="series" data-series="${escapeXml(s.name)}" d="${d}" fill="none" stroke="${colour}" stroke-width="1.8"${dash}/>`,
    );
  });
  for (const l of legend) {
    const colour = PALETTE[l.k % PALETTE.length] as string;
    const y = 26 + l.row * 16;
    parts.push(`<rect x="${l.x}" y="${y}" width="10" height="10" fill="${colour}"/>`);
    parts.push(`<text x="${l.x + 14}" y="${y + 9}" font-size="11">${escapeXml(l.name)}</text>`);
  }
  parts.push('</svg>');
  return parts.join('');
}
