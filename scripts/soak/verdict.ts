/**
 * The soak's verdict (pure): memory growth per process after the warm-up, and loss.
 *
 * Growth compares the median of the first k minutes after the warm-up with the median of the last k
 * (k = up to 3, half the minutes after the warm-up at most), per process, for RSS and for the V8 heap
 * (the live heap after the last full GC where the process reports it: garbage not yet collected is
 * no leak; else the heap in use):
 * one minute's figure is itself the median of that minute's samples, so a GC cycle landing on a sample
 * moves neither end. Above `maxGrowth` (0.10) fails; so does any lost telemetry, any command executed
 * twice and any process that restarted.
 */
import { judgedHeapMb, type ProcessSample } from './metrics.js';

export interface MinuteRow {
  readonly minute: number;
  readonly processes: Readonly<Record<string, ProcessSample>>;
}

export interface Growth {
  readonly process: string;
  readonly metric: 'rss' | 'heap';
  readonly fromMb: number;
  readonly toMb: number;
  /** (to - from) / from */
  readonly growth: number;
}

export interface Verdict {
  readonly pass: boolean;
  readonly growth: readonly Growth[];
  readonly failures: readonly string[];
}

export function median(xs: readonly number[]): number {
  if (xs.length === 0) return Number.NaN;
  const s = [...xs].sort((a, b) => a - b);
  const mid = s.length >> 1;
  return s.length % 2 === 1 ? (s[mid] as number) : ((s[mid - 1] as number) + (s[mid] as number)) / 2;
}

export function growthAfterWarmup(rows: readonly MinuteRow[], warmupMinutes: number): Growth[] {
  const post = rows.filter((r) => r.minute > warmupMinutes);
  if (post.length < 2) return [];
  const k = Math.min(3, Math.floor(post.length / 2));
  const first = post.slice(0, k);
  const last = post.slice(-k);
  const names = new Set(post.flatMap((r) => Object.keys(r.processes)));
  const out: Growth[] = [];
  for (const name of [...names].sort()) {
    for (const metric of ['rss', 'heap'] as const) {
      const values = (rows: readonly MinuteRow[]): number[] =>
        rows.flatMap((r) => {
          const p = r.processes[name];
          const v = p === undefined ? undefined : metric === 'rss' ? p.rssMb : judgedHeapMb(p);
          return v === undefined ? [] : [v];
        });
      const a = values(first);
      const b = values(last);
      if (a.length === 0 || b.length === 0) continue;
      const fromMb = median(a);
      const toMb = median(b);
      out.push({ process: name, metric, fromMb, toMb, growth: Math.round(((toMb - fromMb) / fromMb) * 1000) / 1000 });
    }
  }
  return out;
}

export function verdict(input: {
  readonly rows: readonly MinuteRow[];
  readonly warmupMinutes: number;
  readonly maxGrowth: number;
  readonly lost: number;
  /** What `lost` is made of, for the failure message ("3 in holes, 2 never in Kafka"). */
  readonly lostDetail?: string;
  readonly executedTwice: number;
  readonly restarts: number;
  /** Processes reported but not judged (the soak's own: its books grow with the run by design). */
  readonly notJudged?: readonly string[];
}): Verdict {
  const growth = growthAfterWarmup(input.rows, input.warmupMinutes);
  const failures: string[] = [];
  for (const g of growth)
    if (g.growth > input.maxGrowth && !(input.notJudged ?? []).includes(g.process))
      failures.push(`${g.process} ${g.metric} grew ${(g.growth * 100).toFixed(1)}% after the warm-up (${g.fromMb} -> ${g.toMb} MB)`);
  if (growth.length === 0) failures.push(`too few minutes after the ${input.warmupMinutes}-minute warm-up to measure growth`);
  if (input.lost > 0)
    failures.push(`${input.lost} telemetry messages lost${input.lostDetail === undefined ? '' : ` (${input.lostDetail})`}`);
  if (input.executedTwice > 0) failures.push(`${input.executedTwice} commands executed twice`);
  if (input.restarts > 0) failures.push(`${input.restarts} backend process restarts`);
  return { pass: failures.length === 0, growth, failures };
}
