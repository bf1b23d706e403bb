/**
 * What the soak samples from each process: RSS, V8 heap and event-loop delay. The backend's processes
 * answer a probe over IPC (app/backend-process.ts: heap and event-loop delay since the last probe; the
 * stack's /metrics carries no Node process metrics) and their RSS comes from /proc; the simulator's
 * child has RSS only (/proc), the soak's own process all three.
 */
import { readFileSync } from 'node:fs';
import type { BackendProbe } from '../../app/backend-process.js';

export interface ProcessSample {
  readonly rssMb: number;
  /** V8 heap in use; undefined where the process exposes none (the simulator's child). */
  readonly heapMb: number | undefined;
  /** V8 heap in use just after the last full GC (live objects only); undefined before the first or where not exposed. */
  readonly liveHeapMb?: number | undefined;
  /** V8 heap reserved; with external, what RSS is made of (the rest: native allocations, code, stacks). */
  readonly heapTotalMb?: number;
  /** Buffers and other memory bound to JS objects, outside V8's heap. */
  readonly externalMb?: number;
  readonly arrayBuffersMb?: number;
  readonly loopP99Ms: number | undefined;
  readonly loopMaxMs: number | undefined;
}

const r1 = (x: number): number => Math.round(x * 10) / 10;

/** Resident memory of a process from /proc/<pid>/status (VmRSS), MB; undefined once it has gone. */
export function procRssMb(pid: number): number | undefined {
  try {
    return rssFromStatus(readFileSync(`/proc/${pid}/status`, 'utf8'));
  } catch {
    return undefined;
  }
}

/** VmRSS of a /proc/<pid>/status text, MB. */
export function rssFromStatus(text: string): number | undefined {
  const m = /VmRSS:\s+(\d+) kB/.exec(text);
  return m === null ? undefined : r1(Number(m[1]) / 1024);
}

/** A backend process's sample: its probe, and its RSS (read by the caller from /proc). */
export function backendSample(
  probe: Pick<BackendProbe, 'heapUsedMb' | 'heapAfterMajorGcMb' | 'loopDelayMs'> &
    Partial<Pick<BackendProbe, 'heapTotalMb' | 'externalMb' | 'arrayBuffersMb'>>,
  rssMb: number,
): ProcessSample {
  return {
    rssMb,
    heapMb: r1(probe.heapUsedMb),
    ...(probe.heapTotalMb !== undefined && { heapTotalMb: r1(probe.heapTotalMb) }),
    ...(probe.externalMb !== undefined && { externalMb: r1(probe.externalMb) }),
    ...(probe.arrayBuffersMb !== undefined && { arrayBuffersMb: r1(probe.arrayBuffersMb) }),
    ...(probe.heapAfterMajorGcMb !== undefined && { liveHeapMb: r1(probe.heapAfterMajorGcMb) }),
    loopP99Ms: r1(probe.loopDelayMs.p99),
    loopMaxMs: r1(probe.loopDelayMs.max),
  };
}

/** The heap the verdict and the chart judge: the live heap after the last full GC where known, else the heap in use. */
export const judgedHeapMb = (p: ProcessSample): number | undefined => p.liveHeapMb ?? p.heapMb;

/** The soak's own process (its Kafka consumer and books are part of the load on the machine). */
export function selfSample(loopP99Ms: number, loopMaxMs: number, liveHeapBytes: number | undefined): ProcessSample {
  const m = process.memoryUsage();
  return {
    rssMb: r1(m.rss / 2 ** 20),
    heapMb: r1(m.heapUsed / 2 ** 20),
    ...(liveHeapBytes !== undefined && { liveHeapMb: r1(liveHeapBytes / 2 ** 20) }),
    loopP99Ms: r1(loopP99Ms),
    loopMaxMs: r1(loopMaxMs),
  };
}
