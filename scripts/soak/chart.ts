/**
 * The soak's chart (pure): RSS and V8 heap (live, after the last full GC, where known) per process over the run's minutes, two panels side by
 * side, one colour per process, the warm-up shaded. A standalone SVG that docs/reliability.md embeds.
 */
import { judgedHeapMb } from './metrics.js';
import type { MinuteRow } from './verdict.js';

const COLOURS = ['#1f77b4', '#d62728', '#2ca02c', '#ff7f0e', '#9467bd', '#8c564b', '#e377c2', '#7f7f7f', '#17becf', '#bcbd22'];
const W = 460;
const H = 300;
const PAD = { left: 52, right: 12, top: 28, bottom: 36 };

const esc = (s: string): string => s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');

function niceMax(v: number): number {
  if (!(v > 0)) return 1;
  const p = 10 ** Math.floor(Math.log10(v));
  for (const m of [1, 1.5, 2, 2.5, 3, 4, 5, 6, 8, 10]) if (m * p >= v) return m * p;
  return 10 * p;
}

function panel(
  rows: readonly MinuteRow[],
  names: readonly string[],
  metric: 'rss' | 'heap',
  title: string,
  x0: number,
  warmup: number,
): string {
  const maxMinute = Math.max(1, ...rows.map((r) => r.minute));
  const values = rows.flatMap((r) =>
    Object.values(r.processes).flatMap((p) => {
      const v = metric === 'rss' ? p.rssMb : judgedHeapMb(p);
      return v === undefined ? [] : [v];
    }),
  );
  const yMax = niceMax(Math.max(0, ...values));
  const iw = W - PAD.left - PAD.right;
  const ih = H - PAD.top - PAD.bottom;
  const x = (m: number): number => x0 + PAD.left + (m / maxMinute) * iw;
  const y = (v: number): number => PAD.top + ih - (v / yMax) * ih;
  const parts: string[] = [];
  parts.push(`<text x="${x0 + W / 2}" y="16" text-anchor="middle" font-weight="bold">${esc(title)}</text>`);
  if (warmup > 0)
    parts.push(
      `<rect x="${x(0)}" y="${PAD.top}" width="${x(Math.min(warmup, maxMinute)) - x(0)}" height="${ih}" fill="#eee"/>` +
        `<text x="${x(0) + 3}" y="${PAD.top + 12}" fill="#888">warm-up</text>`,
    );
  for (let i = 0; i <= 4; i++) {
    const v = (yMax * i) / 4;
    parts.push(
      `<line x1="${x(0)}" x2="${x(maxMinute)}" y1="${y(v)}" y2="${y(v)}" stroke="#ddd"/>` +
        `<text x="${x(0) - 4}" y="${y(v) + 4}" text-anchor="end">${Math.round(v)}</text>`,
    );
  }
  const step = maxMinute <= 10 ? 1 : maxMinute <= 30 ? 5 : 10;
  for (let m = 0; m <= maxMinute; m += step) parts.push(`<text x="${x(m)}" y="${PAD.top + ih + 14}" text-anchor="middle">${m}</text>`);
  parts.push(`<text x="${x(maxMinute / 2)}" y="${H - 6}" text-anchor="middle">minute</text>`);
  parts.push(
    `<text x="${x0 + 12}" y="${PAD.top + ih / 2}" transform="rotate(-90 ${x0 + 12} ${PAD.top + ih / 2})" text-anchor="middle">MB</text>`,
  );
  names.forEach((name, i) => {
    const pts = rows.flatMap((r) => {
      const p = r.processes[name];
      const v = p === undefined ? undefined : metric === 'rss' ? p.rssMb : judgedHeapMb(p);
      return v === undefined ? [] : [`${x(r.minute).toFixed(1)},${y(v).toFixed(1)}`];
    });
    if (pts.length > 0)
      parts.push(`<polyline fill="none" stroke="${COLOURS[i % COLOURS.length]}" stroke-width="1.8" points="${pts.join(' ')}"/>`);
  });
  return parts.join('\n');
}

export function soakChart(rows: readonly MinuteRow[], options: { readonly title: string; readonly warmupMinutes: number }): string {
  const names = [...new Set(rows.flatMap((r) => Object.keys(r.processes)))].sort();
  const legendH = 18 * Math.ceil(names.length / 4) + 8;
  const width = 2 * W;
  const height = H + legendH + 24;
  const legend = names
    .map((n, i) => {
      const lx = 20 + (i % 4) * (width / 4);
      const ly = H + 24 + 18 * Math.floor(i / 4);
      return `<rect x="${lx}" y="${ly - 9}" width="12" height="4" fill="${COLOURS[i % COLOURS.length]}"/><text x="${lx + 16}" y="${ly - 4}">${esc(n)}</text>`;
    })
    .join('\n');
  return [
    `<svg xmlns="http://www.w3.org/2000/svg" width="${width}" height="${height}" viewBox="0 0 ${width} ${height}" font-family="sans-serif" font-size="11">`,
    `<rect width="100%" height="100%" fill="white"/>`,
    `<text x="${width / 2}" y="${H + 12}" text-anchor="middle" fill="#555">${esc(options.title)}</text>`,
    panel(rows, names, 'rss', 'resident memory (RSS) per process', 0, options.warmupMinutes),
    panel(rows, names, 'heap', 'V8 heap after the last full GC per process', W, options.warmupMinutes),
    legend,
    '</svg>',
    '',
  ].join('\n');
}
