/**
 * The metrics a threshold can name, what kind each is, which stats it has and its default stat.
 *
 * - trend (latencies, in ms): p50 p90 p95 p99 p99.9 min max avg count (no default: name one)
 * - ratio (loss, duplicates, reordered, errors): count (default), rate = share of the denominator
 *   (loss/duplicates/reordered: of the messages expected at the probe; errors: of all operations,
 *   i.e. publishes sent plus connection attempts)
 * - throughput (sent, acked, received, reconnects): count (default), rate = per second over the run
 * - gauge (connected cars): min max avg last (default: last)
 * - commands (remote commands the runner sent): count (default: commands sent), rate (sent per
 *   second), and the share of resolved commands (succeeded + failed + rejected + timed out + car
 *   offline) that ended each way: success_rate, failed_rate, rejected_rate, timeout_rate, offline_rate
 */

export type MetricKind = 'trend' | 'ratio' | 'throughput' | 'gauge' | 'commands';

export const TREND_METRICS = ['connect_time', 'puback_latency', 'e2e_latency', 'command_latency', 'command_duration'] as const;
export const RATIO_METRICS = ['loss', 'duplicates', 'reordered', 'errors'] as const;
export const THROUGHPUT_METRICS = ['sent', 'acked', 'received', 'reconnects'] as const;
export const GAUGE_METRICS = ['connected'] as const;
export const COMMAND_METRICS = ['commands'] as const;

export type TrendMetric = (typeof TREND_METRICS)[number];
export type RatioMetric = (typeof RATIO_METRICS)[number];
export type ThroughputMetric = (typeof THROUGHPUT_METRICS)[number];
export type GaugeMetric = (typeof GAUGE_METRICS)[number];
export type CommandMetric = (typeof COMMAND_METRICS)[number];
export type MetricName = TrendMetric | RatioMetric | ThroughputMetric | GaugeMetric | CommandMetric;

/** The shares of resolved commands a `commands` threshold can name. */
export const COMMAND_RATE_STATS = ['success_rate', 'failed_rate', 'rejected_rate', 'timeout_rate', 'offline_rate'] as const;
export type CommandRateStat = (typeof COMMAND_RATE_STATS)[number];

export const STATS = ['p50', 'p90', 'p95', 'p99', 'p99.9', 'min', 'max', 'avg', 'count', 'rate', 'last', ...COMMAND_RATE_STATS] as const;
export type Stat = (typeof STATS)[number];

export interface MetricInfo {
  readonly kind: MetricKind;
  readonly stats: readonly Stat[];
  readonly defaultStat: Stat | undefined;
}

const TREND_STATS: readonly Stat[] = ['p50', 'p90', 'p95', 'p99', 'p99.9', 'min', 'max', 'avg', 'count'];
const COUNT_STATS: readonly Stat[] = ['count', 'rate'];
const GAUGE_STATS: readonly Stat[] = ['min', 'max', 'avg', 'last'];
const COMMAND_STATS: readonly Stat[] = ['count', 'rate', ...COMMAND_RATE_STATS];

function entries<M extends string>(names: readonly M[], info: MetricInfo): [M, MetricInfo][] {
  return names.map((n) => [n, info]);
}

export const metricCatalogue: Readonly<Record<MetricName, MetricInfo>> = Object.fromEntries([
  ...entries(TREND_METRICS, { kind: 'trend', stats: TREND_STATS, defaultStat: undefined }),
  ...entries(RATIO_METRICS, { kind: 'ratio', stats: COUNT_STATS, defaultStat: 'count' }),
  ...entries(THROUGHPUT_METRICS, { kind: 'throughput', stats: COUNT_STATS, defaultStat: 'count' }),
  ...entries(GAUGE_METRICS, { kind: 'gauge', stats: GAUGE_STATS, defaultStat: 'last' }),
  ...entries(COMMAND_METRICS, { kind: 'commands', stats: COMMAND_STATS, defaultStat: 'count' }),
]) as Record<MetricName, MetricInfo>;

export function isMetricName(s: string): s is MetricName {
  return Object.hasOwn(metricCatalogue, s);
}

export function isStat(s: string): s is Stat {
  return (STATS as readonly string[]).includes(s);
}

/** True for the stats whose value is a share (0..1): `%` may be written after their bound. */
export function isShareStat(metric: MetricName, stat: Stat): boolean {
  const kind = metricCatalogue[metric].kind;
  return (kind === 'ratio' && stat === 'rate') || (kind === 'commands' && (COMMAND_RATE_STATS as readonly string[]).includes(stat));
}

/** The unit a metric's stat is observed in: 'ms' for latencies, 'ratio' for rates of ratios, etc. */
export function unitOf(metric: MetricName, stat: Stat): 'ms' | 'ratio' | 'per-s' | 'count' | 'cars' {
  const kind = metricCatalogue[metric].kind;
  if (kind === 'trend') return stat === 'count' ? 'count' : 'ms';
  if (kind === 'gauge') return 'cars';
  if (isShareStat(metric, stat)) return 'ratio';
  if (stat === 'rate') return 'per-s';
  return 'count';
}
