/**
 * Figures of a run (or a window of it, for ramp-to-break levels) from a collector snapshot: the
 * MetricsSummary that thresholds are evaluated against and reports print, and the per-bucket
 * timeline the charts draw. Latencies are converted from microseconds to milliseconds here.
 */
import { Histogram, type SerializedHistogram } from '../../core/histogram.js';
import {
  COMMAND_OUTCOMES,
  LATENCY_SERIES,
  type BucketSnapshot,
  type CollectorSnapshot,
  type CommandOutcome,
  type LatencySeries,
} from './collector.js';
import type { SeqSnapshot } from './seq-tracker.js';

export interface TrendSummary {
  readonly count: number;
  readonly min: number;
  readonly avg: number;
  readonly p50: number;
  readonly p90: number;
  readonly p95: number;
  readonly p99: number;
  readonly p999: number;
  readonly max: number;
}

export interface MetricsSummary {
  readonly durationMs: number;
  readonly latencyMs: Readonly<Record<LatencySeries, TrendSummary>>;
  readonly messages: {
    readonly sent: number;
    readonly acked: number;
    readonly received: number;
    readonly sentByKind: Readonly<Record<string, number>>;
    readonly ackedByKind: Readonly<Record<string, number>>;
    readonly receivedByKind: Readonly<Record<string, number>>;
  };
  readonly sequence: SeqSnapshot;
  readonly connected: { readonly min: number; readonly max: number; readonly avg: number; readonly last: number };
  readonly errors: number;
  readonly errorsByCause: Readonly<Record<string, number>>;
  readonly reconnects: number;
  readonly connectAttempts: number;
  /** Remote commands by outcome (all zero when the scenario sends none). */
  readonly commands: Readonly<Record<CommandOutcome, number>>;
}

export interface TimelinePoint {
  /** Seconds since the start, at the bucket's start. */
  readonly t: number;
  readonly sent: number;
  readonly acked: number;
  readonly received: number;
  /** Connected cars, or null when nothing was reported in the bucket. */
  readonly connected: number | null;
  readonly errors: number;
  readonly reconnects: number;
  /** Remote commands sent in the bucket. */
  readonly commands: number;
  readonly latencyMs: Readonly<
    Record<
      LatencySeries,
      { readonly count: number; readonly p50: number; readonly p90: number; readonly p99: number; readonly max: number }
    >
  >;
}

const r3 = (x: number): number => Math.round(x * 1000) / 1000;

function perSeries<T>(make: (s: LatencySeries) => T): Record<LatencySeries, T> {
  return Object.fromEntries(LATENCY_SERIES.map((s) => [s, make(s)])) as Record<LatencySeries, T>;
}

export function trendOf(h: Histogram | SerializedHistogram, scale = 0.001): TrendSummary {
  const hist = h instanceof Histogram ? h : Histogram.deserialize(h);
  const f = (x: number): number => r3(x * scale);
  return {
    count: hist.count,
    min: f(hist.min),
    avg: f(hist.mean),
    p50: f(hist.percentile(50)),
    p90: f(hist.percentile(90)),
    p95: f(hist.percentile(95)),
    p99: f(hist.percentile(99)),
    p999: f(hist.percentile(99.9)),
    max: f(hist.max),
  };
}

const total = (r: Readonly<Record<string, number>>): number => Object.values(r).reduce((a, b) => a + b, 0);

function addInto(into: Record<string, number>, from: Readonly<Record<string, number>>): void {
  for (const [k, n] of Object.entries(from)) into[k] = (into[k] ?? 0) + n;
}

export interface SummaryWindow {
  /** Window start, ms since the run started (inclusive, bucket-aligned). */
  readonly fromMs?: number;
  /** Window end (exclusive). */
  readonly toMs?: number;
  /** Duration to report; default: the window, or the span of the buckets. */
  readonly durationMs?: number;
}

export function summarize(snapshot: CollectorSnapshot, window: SummaryWindow = {}): MetricsSummary {
  const from = window.fromMs ?? 0;
  const to = window.toMs ?? Number.POSITIVE_INFINITY;
  const inWindow = snapshot.buckets.filter((b) => b.i * snapshot.bucketMs >= from && b.i * snapshot.bucketMs < to);
  const hist = perSeries(() => new Histogram());
  const commands = Object.fromEntries(COMMAND_OUTCOMES.map((o) => [o, 0])) as Record<CommandOutcome, number>;
  const sentByKind: Record<string, number> = {};
  const ackedByKind: Record<string, number> = {};
  const receivedByKind: Record<string, number> = {};
  const errorsByCause: Record<string, number> = {};
  let reconnects = 0;
  let connectAttempts = 0;
  const gauge: number[] = [];
  for (const b of inWindow) {
    for (const s of LATENCY_SERIES) hist[s].merge(b.latencyUs[s]);
    addInto(sentByKind, b.sent);
    addInto(ackedByKind, b.acked);
    addInto(receivedByKind, b.received);
    addInto(errorsByCause, b.errors);
    reconnects += b.reconnects;
    connectAttempts += b.connectAttempts;
    for (const o of COMMAND_OUTCOMES) commands[o] += b.commands[o] ?? 0;
    if (b.connected >= 0) gauge.push(b.connected);
  }
  const lastBucket = inWindow[inWindow.length - 1];
  const span =
    lastBucket === undefined ? 0 : (lastBucket.i + 1) * snapshot.bucketMs - Math.max(from, (inWindow[0]?.i ?? 0) * snapshot.bucketMs);
  const durationMs = window.durationMs ?? (Number.isFinite(to) ? to - from : span);
  return {
    durationMs,
    latencyMs: perSeries((k) => trendOf(hist[k])),
    messages: {
      sent: total(sentByKind),
      acked: total(ackedByKind),
      received: total(receivedByKind),
      sentByKind,
      ackedByKind,
      receivedByKind,
    },
    sequence: snapshot.seq,
    connected: {
      min: gauge.length === 0 ? 0 : Math.min(...gauge),
      max: gauge.length === 0 ? 0 : Math.max(...gauge),
      avg: gauge.length === 0 ? 0 : r3(gauge.reduce((a, b) => a + b, 0) / gauge.length),
      last: gauge[gauge.length - 1] ?? 0,
    },
    errors: total(errorsByCause),
    errorsByCause,
    reconnects,
    connectAttempts,
    commands,
  };
}

function point(b: BucketSnapshot, bucketMs: number): TimelinePoint {
  const lat = (h: SerializedHistogram): TimelinePoint['latencyMs'][LatencySeries] => {
    const t = trendOf(h);
    return { count: t.count, p50: t.p50, p90: t.p90, p99: t.p99, max: t.max };
  };
  return {
    t: (b.i * bucketMs) / 1000,
    sent: total(b.sent),
    acked: total(b.acked),
    received: total(b.received),
    connected: b.connected < 0 ? null : b.connected,
    errors: total(b.errors),
    reconnects: b.reconnects,
    commands: b.commands['sent'] ?? 0,
    latencyMs: perSeries((k) => lat(b.latencyUs[k])),
  };
}

/** One point per bucket, gaps (seconds where nothing happened) filled with zeros. */
export function timelineOf(snapshot: CollectorSnapshot): TimelinePoint[] {
  const last = snapshot.buckets[snapshot.buckets.length - 1];
  if (last === undefined) return [];
  const byI = new Map(snapshot.buckets.map((b) => [b.i, b]));
  const empty: SerializedHistogram = new Histogram().serialize();
  const out: TimelinePoint[] = [];
  for (let i = 0; i <= last.i; i++) {
    const b = byI.get(i) ?? {
      i,
      sent: {},
      acked: {},
      received: {},
      latencyUs: perSeries(() => empty),
      connected: -1,
      errors: {},
      reconnects: 0,
      connectAttempts: 0,
      commands: {},
    };
    out.push(point(b, snapshot.bucketMs));
  }
  return out;
}
