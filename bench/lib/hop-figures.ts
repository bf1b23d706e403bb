/**
 * The hop histograms as the stack exports them (`v2x_hop_seconds` on /metrics, every process):
 * parsed from the Prometheus text, differenced between two scrapes (a measuring window), turned into
 * quantiles (core/latency-hops.ts bucketQuantile) and drawn as an SVG waterfall (decision 0030).
 */
import { bucketQuantile, HOP_LABELS, type Hop } from '../../core/latency-hops.js';

/** Cumulative bucket counts per series key (`hop|service|mode`), summed over processes. */
export type HopScrape = Map<string, Map<number, number>>;

const LINE = /^v2x_hop_seconds_bucket\{([^}]*)\} (\S+)$/;

export function parseHopScrape(text: string): HopScrape {
  const out: HopScrape = new Map();
  for (const line of text.split('\n')) {
    const m = LINE.exec(line);
    if (m === null) continue;
    const labels = Object.fromEntries([...(m[1] ?? '').matchAll(/(\w+)="([^"]*)"/g)].map((x) => [x[1], x[2]]));
    const key = `${labels['hop']}|${labels['service']}|${labels['mode']}`;
    const le = labels['le'] === '+Inf' ? Number.POSITIVE_INFINITY : Number(labels['le']);
    const series = out.get(key) ?? new Map<number, number>();
    series.set(le, (series.get(le) ?? 0) + Number(m[2]));
    out.set(key, series);
  }
  return out;
}

export interface HopStats {
  readonly n: number;
  readonly p50_ms: number;
  readonly p99_ms: number;
  readonly p999_ms: number;
  /** Upper bound of the highest non-empty bucket, ms (Infinity: above the last bound). */
  readonly max_le_ms: number;
  /** Samples above 1 s. */
  readonly over_1s: number;
}

const r1 = (x: number): number => Math.round(x * 10) / 10;

/** The window's figures of one series (end minus begin). */
export function hopStats(begin: HopScrape, end: HopScrape, hop: Hop, service: string, mode = 'live'): HopStats | undefined {
  const key = `${hop}|${service}|${mode}`;
  const e = end.get(key);
  if (e === undefined) return undefined;
  const b = begin.get(key);
  const buckets = [...e.entries()].sort((x, y) => x[0] - y[0]).map(([le, count]) => ({ le, count: count - (b?.get(le) ?? 0) }));
  const n = buckets[buckets.length - 1]?.count ?? 0;
  if (n <= 0) return undefined;
  let maxLe = 0;
  let prev = 0;
  for (const x of buckets) {
    if (x.count > prev) maxLe = x.le;
    prev = x.count;
  }
  const atOne = buckets.find((x) => x.le >= 1)?.count ?? n;
  const q = (p: number): number => r1(bucketQuantile(p, buckets) * 1000);
  return { n, p50_ms: q(0.5), p99_ms: q(0.99), p999_ms: q(0.999), max_le_ms: maxLe * 1000, over_1s: n - atOne };
}

/** The hops of the V2X path, each from the service that sees it first-hand. */
export const PATH: readonly { readonly hop: Hop; readonly service: string }[] = [
  { hop: 'broker', service: 'bridge' },
  { hop: 'kafka', service: 'bridge' },
  { hop: 'consumed', service: 'geofencing' },
  { hop: 'decided', service: 'geofencing' },
  { hop: 'downlink', service: 'commands' },
  { hop: 'car', service: 'commands' },
];

export interface WaterfallBar {
  readonly hop: Hop;
  readonly service: string;
  readonly stats: HopStats;
}

export function pathWaterfall(begin: HopScrape, end: HopScrape): WaterfallBar[] {
  const out: WaterfallBar[] = [];
  for (const { hop, service } of PATH) {
    const stats = hopStats(begin, end, hop, service);
    if (stats !== undefined) out.push({ hop, service, stats });
  }
  return out;
}

const esc = (s: string): string => s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');

/** An SVG waterfall: one row per hop, a bar to p50 and a lighter one to p99, on one ms scale. */
export function waterfallSvg(bars: readonly WaterfallBar[], title: string, subtitle: string): string {
  const W = 760;
  const left = 230;
  const right = 130;
  const rowH = 30;
  const top = 58;
  const H = top + Math.max(1, bars.length) * rowH + 36;
  const maxMs = Math.max(1, ...bars.map((b) => b.stats.p99_ms));
  const step = niceStep(maxMs);
  const scaleMax = Math.ceil(maxMs / step) * step;
  const x = (ms: number): number => left + ((W - left - right) * ms) / scaleMax;
  const rows = bars.map((b, i) => {
    const y = top + i * rowH;
    const label = `${b.hop}: ${HOP_LABELS[b.hop]}`;
    return [
      `<text x="8" y="${y + 18}" font-size="12">${esc(label)}</text>`,
      `<rect x="${left}" y="${y + 6}" width="${(x(b.stats.p99_ms) - left).toFixed(1)}" height="18" fill="#9db8f2"/>`,
      `<rect x="${left}" y="${y + 10}" width="${(x(b.stats.p50_ms) - left).toFixed(1)}" height="10" fill="#2c5fd1"/>`,
      `<text x="${W - right + 8}" y="${y + 18}" font-size="12">${b.stats.p50_ms} | ${b.stats.p99_ms} ms</text>`,
    ].join('');
  });
  const ticks: string[] = [];
  for (let t = 0; t <= scaleMax + 1e-9; t += step) {
    const tx = x(t).toFixed(1);
    ticks.push(`<line x1="${tx}" y1="${top}" x2="${tx}" y2="${H - 30}" stroke="#ddd"/>`);
    ticks.push(`<text x="${tx}" y="${H - 16}" font-size="11" text-anchor="middle">${r1(t)}</text>`);
  }
  return [
    `<svg xmlns="http://www.w3.org/2000/svg" width="${W}" height="${H}" viewBox="0 0 ${W} ${H}" font-family="sans-serif">`,
    `<rect width="${W}" height="${H}" fill="#fff"/>`,
    `<text x="8" y="20" font-size="15" font-weight="bold">${esc(title)}</text>`,
    `<text x="8" y="40" font-size="11" fill="#555">${esc(subtitle)}</text>`,
    ...ticks,
    ...rows,
    `<text x="${W - right + 8}" y="${top - 6}" font-size="11" fill="#555">p50 | p99</text>`,
    `<text x="${left}" y="${H - 2}" font-size="11" fill="#555">ms from the car's timestamp (dark: p50, light: p99)</text>`,
    '</svg>',
    '',
  ].join('\n');
}

function niceStep(max: number): number {
  for (const s of [1, 2, 5, 10, 20, 25, 50, 100, 200, 250, 500, 1000]) if (max / s <= 10) return s;
  return 1000 * Math.ceil(max / 10_000);
}
