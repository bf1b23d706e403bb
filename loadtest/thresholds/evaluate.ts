/**
 * Thresholds against a MetricsSummary: the observed value of `metric.stat` and whether the bound
 * holds. Ratio rates: loss/duplicates/reordered over the messages expected at the probe
 * (distinct + lost; duplicates and reordered over received); errors over operations (publishes
 * sent + connection attempts). Throughput rates are per second over the summary's duration.
 * An empty denominator gives 0.
 */
import type { LatencySeries } from '../metrics/collector.js';
import type { MetricsSummary, TrendSummary } from '../metrics/summary.js';
import { unitOf, type MetricName, type Stat } from './catalogue.js';
import { compare, type ThresholdExpr } from './parse.js';

export interface ThresholdSpec {
  readonly expr: ThresholdExpr;
  readonly abortOnFail: boolean;
  /** abortOnFail is not acted on before this many ms into the run. */
  readonly abortDelayMs: number;
}

export interface ThresholdResult {
  readonly expression: string;
  readonly metric: MetricName;
  readonly stat: Stat;
  readonly op: ThresholdExpr['op'];
  readonly bound: number;
  readonly observed: number;
  readonly unit: ReturnType<typeof unitOf>;
  readonly pass: boolean;
  readonly abortOnFail: boolean;
}

const SERIES: Readonly<Record<string, LatencySeries>> = {
  connect_time: 'connect',
  puback_latency: 'puback',
  e2e_latency: 'e2e',
  command_latency: 'command',
  command_duration: 'commandDone',
};
const TREND_KEY: Readonly<Record<string, keyof TrendSummary>> = {
  p50: 'p50',
  p90: 'p90',
  p95: 'p95',
  p99: 'p99',
  'p99.9': 'p999',
  min: 'min',
  max: 'max',
  avg: 'avg',
  count: 'count',
};

const ratio = (n: number, d: number): number => (d > 0 ? n / d : 0);

export function metricValue(s: MetricsSummary, metric: MetricName, stat: Stat): number {
  const series = SERIES[metric];
  if (series !== undefined) return s.latencyMs[series][TREND_KEY[stat] ?? 'max'];
  const seconds = s.durationMs / 1000;
  const q = s.sequence;
  const pick = (count: number, denominator: number): number => (stat === 'rate' ? ratio(count, denominator) : count);
  switch (metric) {
    case 'loss':
      return pick(q.lost, q.distinct + q.lost);
    case 'duplicates':
      return pick(q.duplicates, q.received);
    case 'reordered':
      return pick(q.reordered, q.received);
    case 'errors':
      return pick(s.errors, s.messages.sent + s.connectAttempts);
    case 'sent':
      return pick(s.messages.sent, seconds);
    case 'acked':
      return pick(s.messages.acked, seconds);
    case 'received':
      return pick(s.messages.received, seconds);
    case 'reconnects':
      return pick(s.reconnects, seconds);
    case 'commands':
      return commandValue(s, stat);
    case 'connected':
      return stat === 'min' ? s.connected.min : stat === 'max' ? s.connected.max : stat === 'avg' ? s.connected.avg : s.connected.last;
    default:
      return Number.NaN;
  }
}

/** commands.count / .rate (sent), or the share of resolved commands that ended one way. */
function commandValue(s: MetricsSummary, stat: Stat): number {
  const c = s.commands;
  if (stat === 'count') return c.sent;
  if (stat === 'rate') return ratio(c.sent, s.durationMs / 1000);
  const resolved = c.succeeded + c.failed + c.rejected + c.timedOut + c.offline;
  const n =
    stat === 'success_rate'
      ? c.succeeded
      : stat === 'failed_rate'
        ? c.failed
        : stat === 'rejected_rate'
          ? c.rejected
          : stat === 'timeout_rate'
            ? c.timedOut
            : stat === 'offline_rate'
              ? c.offline
              : Number.NaN;
  return ratio(n, resolved);
}

export function evaluateThreshold(spec: ThresholdSpec, summary: MetricsSummary): ThresholdResult {
  const { expr } = spec;
  const observed = metricValue(summary, expr.metric, expr.stat);
  return {
    expression: expr.source,
    metric: expr.metric,
    stat: expr.stat,
    op: expr.op,
    bound: expr.value,
    observed,
    unit: unitOf(expr.metric, expr.stat),
    pass: Number.isFinite(observed) && compare(observed, expr.op, expr.value),
    abortOnFail: spec.abortOnFail,
  };
}

export function evaluateThresholds(specs: readonly ThresholdSpec[], summary: MetricsSummary): ThresholdResult[] {
  return specs.map((t) => evaluateThreshold(t, summary));
}

/**
 * During a run: the first failing threshold marked abortOnFail whose delay has passed, if any.
 * The runner evaluates the thresholds on the summary so far once a second and stops on this.
 */
export function abortingThreshold(
  specs: readonly ThresholdSpec[],
  summary: MetricsSummary,
  elapsedMs: number,
): ThresholdResult | undefined {
  for (const spec of specs) {
    if (!spec.abortOnFail || elapsedMs < spec.abortDelayMs) continue;
    const r = evaluateThreshold(spec, summary);
    if (!r.pass) return r;
  }
  return undefined;
}

/** The observed value as the report prints it: "12.3ms", "0.05%", "1,234/s". */
export function formatObserved(value: number, unit: ThresholdResult['unit']): string {
  if (!Number.isFinite(value)) return 'n/a';
  const n = (x: number, d = 2): string =>
    Number.isInteger(x) ? x.toLocaleString('en-US') : x.toLocaleString('en-US', { maximumFractionDigits: d });
  switch (unit) {
    case 'ms':
      return value >= 1000 ? `${n(value / 1000)}s` : `${n(value)}ms`;
    case 'ratio':
      return `${n(value * 100, 4)}%`;
    case 'per-s':
      return `${n(value, 1)}/s`;
    case 'cars':
      return `${n(value, 0)} cars`;
    default:
      return n(value);
  }
}
