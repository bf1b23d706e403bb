/**
 * The live view during a run. `liveStatusOf` computes the figures from the collector snapshot at
 * a moment (rates from the last complete bucket, latency p99 over the last 5 s); `statusLine`
 * prints one line a second that reads well in CI logs; `liveView` is a compact multi-line block a
 * TTY redraws in place (the runner moves the cursor up `lines` lines before writing it again).
 */
import type { CollectorSnapshot } from '../metrics/collector.js';
import { summarize } from '../metrics/summary.js';
import { formatDuration } from '../scenario/duration.js';
import type { StagePoint } from '../scenario/stages.js';
import { fmtCount, fmtMs, fmtShort, padEnd } from './format.js';

export interface LiveStatus {
  readonly elapsedMs: number;
  readonly totalMs: number;
  /** 1-based stage number, and the count. */
  readonly stage: number;
  readonly stages: number;
  readonly targetCars: number;
  readonly connected: number;
  readonly perSecond: { readonly sent: number; readonly acked: number; readonly received: number };
  readonly p99Ms: { readonly connect: number | null; readonly puback: number | null; readonly e2e: number | null };
  readonly errors: number;
  readonly reconnects: number;
  readonly lost: number;
  /** Remote commands so far (only when the scenario sends any): sent, timed out, round-trip p99 over the last 5 s. */
  readonly commands?: { readonly sent: number; readonly timedOut: number; readonly p99Ms: number | null };
  /** Thresholds failing on the figures so far. */
  readonly failing: readonly string[];
}

export function liveStatusOf(
  snap: CollectorSnapshot,
  nowMs: number,
  plan: { readonly point: StagePoint; readonly stages: number; readonly totalMs: number },
  failing: readonly string[] = [],
): LiveStatus {
  const last = Math.floor(nowMs / snap.bucketMs) - 1;
  const lastBucket = snap.buckets.find((b) => b.i === last);
  const sum = (r: Readonly<Record<string, number>> | undefined): number => Object.values(r ?? {}).reduce((a, b) => a + b, 0);
  const perS = (n: number): number => n / (snap.bucketMs / 1000);
  const recent = summarize(snap, { fromMs: Math.max(0, nowMs - 5000), toMs: nowMs });
  const total = summarize(snap);
  let connected = 0;
  for (const b of snap.buckets) if (b.i * snap.bucketMs <= nowMs && b.connected >= 0) connected = b.connected;
  const p99 = (k: 'connect' | 'puback' | 'e2e'): number | null => (recent.latencyMs[k].count === 0 ? null : recent.latencyMs[k].p99);
  return {
    elapsedMs: nowMs,
    totalMs: plan.totalMs,
    stage: Math.min(plan.point.stage + 1, plan.stages),
    stages: plan.stages,
    targetCars: plan.point.targetCars,
    connected,
    perSecond: { sent: perS(sum(lastBucket?.sent)), acked: perS(sum(lastBucket?.acked)), received: perS(sum(lastBucket?.received)) },
    p99Ms: { connect: p99('connect'), puback: p99('puback'), e2e: p99('e2e') },
    errors: total.errors,
    reconnects: total.reconnects,
    lost: snap.seq.lost,
    ...(total.commands.sent + total.commands.noTarget > 0 && {
      commands: {
        sent: total.commands.sent,
        timedOut: total.commands.timedOut,
        p99Ms: recent.latencyMs.command.count === 0 ? null : recent.latencyMs.command.p99,
      },
    }),
    failing,
  };
}

const ms = (v: number | null): string => (v === null ? '-' : fmtMs(v));

function clock(s: LiveStatus): string {
  return `${formatDuration(Math.floor(s.elapsedMs / 1000) * 1000)}/${formatDuration(s.totalMs)}`;
}

/** One line, e.g. "[1m5s/3m] stage 2/3 cars 95/100 | sent 95/s acked 95/s recv 94/s | p99 puback 3.10ms e2e 12.0ms connect 8.20ms | err 0 reconn 0 lost 0". */
export function statusLine(s: LiveStatus): string {
  const fail = s.failing.length > 0 ? ` | ✗ ${s.failing.join(', ')}` : '';
  return (
    `[${clock(s)}] stage ${s.stage}/${s.stages} cars ${fmtCount(s.connected)}/${fmtCount(s.targetCars)}` +
    ` | sent ${fmtShort(s.perSecond.sent)}/s acked ${fmtShort(s.perSecond.acked)}/s recv ${fmtShort(s.perSecond.received)}/s` +
    ` | p99 puback ${ms(s.p99Ms.puback)} e2e ${ms(s.p99Ms.e2e)} connect ${ms(s.p99Ms.connect)}` +
    ` | err ${fmtCount(s.errors)} reconn ${fmtCount(s.reconnects)} lost ${fmtCount(s.lost)}` +
    (s.commands === undefined
      ? ''
      : ` | cmd ${fmtCount(s.commands.sent)} p99 ${ms(s.commands.p99Ms)} timed out ${fmtCount(s.commands.timedOut)}`) +
    fail
  );
}

function bar(fraction: number, width: number): string {
  const f = Math.max(0, Math.min(1, fraction));
  const full = Math.round(f * width);
  return `${'█'.repeat(full)}${'░'.repeat(width - full)}`;
}

/** A few lines for a terminal, redrawn in place each second. */
export function liveView(s: LiveStatus, width = 80): string {
  const barWidth = Math.max(10, Math.min(40, width - 40));
  const lines = [
    `${bar(s.totalMs > 0 ? s.elapsedMs / s.totalMs : 0, barWidth)} ${clock(s)}  stage ${s.stage}/${s.stages}`,
    `cars       ${padEnd(`${fmtCount(s.connected)} connected`, 18)} target ${fmtCount(s.targetCars)}`,
    `messages/s ${padEnd(`sent ${fmtShort(s.perSecond.sent)}`, 18)} acked ${padEnd(fmtShort(s.perSecond.acked), 10)} received ${fmtShort(s.perSecond.received)}`,
    `p99 (5 s)  ${padEnd(`puback ${ms(s.p99Ms.puback)}`, 18)} e2e ${padEnd(ms(s.p99Ms.e2e), 12)} connect ${ms(s.p99Ms.connect)}`,
    `problems   ${padEnd(`errors ${fmtCount(s.errors)}`, 18)} reconnects ${padEnd(fmtCount(s.reconnects), 5)} lost ${fmtCount(s.lost)}`,
    s.failing.length > 0 ? `failing    ✗ ${s.failing.join(', ')}` : 'thresholds ✓ holding so far',
  ];
  return lines.map((l) => ([...l].length > width ? [...l].slice(0, width - 1).join('') + '…' : l)).join('\n');
}
