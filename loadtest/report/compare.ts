/**
 * Several runs side by side (the same scenario against several brokers, or runs over time): a
 * text table for the terminal and an HTML page with the same table and overlaid charts.
 */
import { formatDuration } from '../scenario/duration.js';
import { formatObserved } from '../thresholds/evaluate.js';
import { compareCharts, runLabel } from './charts.js';
import { fmtCount, fmtMs, fmtPercent, fmtShort, textTable } from './format.js';
import { esc, htmlPage, htmlTable } from './html-page.js';
import type { JsonReport } from './schema.js';

/** Rows: [label, value per run...]. Thresholds are matched by expression across runs. */
export function comparisonRows(reports: readonly JsonReport[]): string[][] {
  const rows: string[][] = [];
  const each = (label: string, f: (r: JsonReport) => string): void => {
    rows.push([label, ...reports.map(f)]);
  };
  const rate = (n: number, r: JsonReport): string => `${fmtShort(n / Math.max(r.summary.durationMs / 1000, 1e-9))}/s`;
  each('broker', (r) => r.broker.name);
  each('scenario', (r) => r.scenario.name);
  each('result', (r) => `${r.result.pass ? '✓ pass' : '✗ fail'} (${r.result.exitCode})`);
  each('duration', (r) => formatDuration(r.run.durationMs));
  if (reports.some((r) => r.rampToBreak))
    each('last level held', (r) => (r.rampToBreak?.lastHeld == null ? '-' : `${fmtCount(r.rampToBreak.lastHeld)} cars`));
  each('connected max', (r) => fmtCount(r.summary.connected.max));
  each('sent', (r) => `${fmtCount(r.summary.messages.sent)} (${rate(r.summary.messages.sent, r)})`);
  each('acked', (r) => `${fmtCount(r.summary.messages.acked)} (${rate(r.summary.messages.acked, r)})`);
  each('received', (r) => `${fmtCount(r.summary.messages.received)} (${rate(r.summary.messages.received, r)})`);
  for (const [name, key] of [
    ['connect_time', 'connect'],
    ['puback_latency', 'puback'],
    ['e2e_latency', 'e2e'],
  ] as const) {
    for (const stat of ['p50', 'p99', 'max'] as const) {
      each(`${name}.${stat}`, (r) => (r.summary.latencyMs[key].count === 0 ? '-' : fmtMs(r.summary.latencyMs[key][stat])));
    }
  }
  each('loss', (r) => {
    const q = r.summary.sequence;
    return `${fmtCount(q.lost)}${q.distinct + q.lost > 0 ? ` (${fmtPercent(q.lost / (q.distinct + q.lost))})` : ''}`;
  });
  each('duplicates', (r) => fmtCount(r.summary.sequence.duplicates));
  each('errors', (r) => fmtCount(r.summary.errors));
  each('reconnects', (r) => fmtCount(r.summary.reconnects));
  const exprs = [...new Set(reports.flatMap((r) => r.thresholds.map((t) => t.expression)))];
  for (const e of exprs) {
    each(e, (r) => {
      const t = r.thresholds.find((x) => x.expression === e);
      return t === undefined ? '-' : `${t.pass ? '✓' : '✗'} ${formatObserved(t.observed ?? Number.NaN, t.unit)}`;
    });
  }
  return rows;
}

export function comparisonTable(reports: readonly JsonReport[]): string {
  return textTable([['', ...reports.map(runLabel)], ...comparisonRows(reports)]);
}

export function comparisonHtml(reports: readonly JsonReport[], title = 'Load test comparison'): string {
  const charts = compareCharts(reports);
  const body = [
    `<h1>${esc(title)}</h1>`,
    `<div class="meta">${reports.length} runs: ${reports.map((r, i) => esc(`${runLabel(r, i)} (${r.scenario.name}, ${r.run.startedAt})`)).join(' · ')}</div>`,
    '<h2>Side by side</h2>',
    htmlTable(['', ...reports.map(runLabel)], comparisonRows(reports)),
    '<h2>Charts</h2>',
    `<div class="charts">${Object.values(charts).join('\n')}</div>`,
  ];
  return htmlPage(title, body.join('\n'));
}
