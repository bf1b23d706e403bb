/**
 * The charts of the reports, from JSON reports' timelines: throughput, latency percentiles,
 * connected cars and errors for one run; the same metrics overlaid, one line per run, for a
 * comparison. Each returns inline SVG strings keyed by chart id.
 */
import type { JsonReport } from './schema.js';
import { lineChart, type Series } from './svg-chart.js';

export const RUN_CHARTS = ['throughput', 'latency', 'connected', 'errors'] as const;
export const COMPARE_CHARTS = ['acked-rate', 'puback-p99', 'e2e-p99', 'connected', 'errors'] as const;

type Point = JsonReport['timeline'][number];

function series(name: string, r: JsonReport, y: (p: Point) => number | null, dashed = false): Series {
  return { name, points: r.timeline.map((p) => [p.t, y(p)] as const), dashed };
}

const perS =
  (r: JsonReport) =>
  (n: number): number =>
    n / (r.run.bucketMs / 1000);
const lat = (c: number, v: number): number | null => (c === 0 ? null : v);

export function runCharts(r: JsonReport): Record<(typeof RUN_CHARTS)[number], string> {
  const rate = perS(r);
  const commands = (r.summary.latencyMs.command?.count ?? 0) > 0;
  return {
    throughput: lineChart({
      id: 'throughput',
      title: 'Throughput',
      xLabel: 'seconds',
      yLabel: 'messages / s',
      series: [
        series('sent', r, (p) => rate(p.sent)),
        series('acked', r, (p) => rate(p.acked)),
        series('received', r, (p) => rate(p.received)),
      ],
    }),
    latency: lineChart({
      id: 'latency',
      title: 'Latency percentiles',
      xLabel: 'seconds',
      yLabel: 'ms',
      series: [
        series('PUBACK p50', r, (p) => lat(p.latencyMs.puback.count, p.latencyMs.puback.p50)),
        series('PUBACK p99', r, (p) => lat(p.latencyMs.puback.count, p.latencyMs.puback.p99)),
        series('e2e p50', r, (p) => lat(p.latencyMs.e2e.count, p.latencyMs.e2e.p50)),
        series('e2e p99', r, (p) => lat(p.latencyMs.e2e.count, p.latencyMs.e2e.p99)),
        series('connect p99', r, (p) => lat(p.latencyMs.connect.count, p.latencyMs.connect.p99)),
        ...(commands
          ? [
              series('command p99', r, (p) =>
                p.latencyMs.command === undefined ? null : lat(p.latencyMs.command.count, p.latencyMs.command.p99),
              ),
            ]
          : []),
      ],
    }),
    connected: lineChart({
      id: 'connected',
      title: 'Connected cars',
      xLabel: 'seconds',
      yLabel: 'cars',
      series: [series('connected', r, (p) => p.connected)],
    }),
    errors: lineChart({
      id: 'errors',
      title: 'Errors and reconnects',
      xLabel: 'seconds',
      yLabel: 'per second',
      series: [series('errors', r, (p) => rate(p.errors)), series('reconnects', r, (p) => rate(p.reconnects))],
    }),
  };
}

export function runLabel(r: JsonReport, i: number): string {
  return `${i + 1}. ${r.broker.name}`;
}

export function compareCharts(reports: readonly JsonReport[]): Record<(typeof COMPARE_CHARTS)[number], string> {
  const over = (y: (r: JsonReport) => (p: Point) => number | null): Series[] =>
    reports.map((r, i) => series(runLabel(r, i), r, y(r), i % 2 === 1));
  return {
    'acked-rate': lineChart({
      id: 'acked-rate',
      title: 'Acknowledged messages / s',
      xLabel: 'seconds',
      yLabel: 'messages / s',
      series: over((r) => (p) => perS(r)(p.acked)),
    }),
    'puback-p99': lineChart({
      id: 'puback-p99',
      title: 'PUBACK latency p99',
      xLabel: 'seconds',
      yLabel: 'ms',
      series: over(() => (p) => lat(p.latencyMs.puback.count, p.latencyMs.puback.p99)),
    }),
    'e2e-p99': lineChart({
      id: 'e2e-p99',
      title: 'End-to-end latency p99',
      xLabel: 'seconds',
      yLabel: 'ms',
      series: over(() => (p) => lat(p.latencyMs.e2e.count, p.latencyMs.e2e.p99)),
    }),
    connected: lineChart({
      id: 'connected',
      title: 'Connected cars',
      xLabel: 'seconds',
      yLabel: 'cars',
      series: over(() => (p) => p.connected),
    }),
    errors: lineChart({
      id: 'errors',
      title: 'Errors / s',
      xLabel: 'seconds',
      yLabel: 'per second',
      series: over((r) => (p) => perS(r)(p.errors)),
    }),
  };
}
