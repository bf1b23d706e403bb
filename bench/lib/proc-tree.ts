/**
 * CPU (user and system apart) and resident memory of a process and all its descendants, read from
 * /proc (Linux only; zeros elsewhere). A process's utime/stime already sum its threads (worker
 * threads included); its live child processes are added by walking the parent links.
 */
import { readFileSync } from 'node:fs';
import { readStat, snapshot } from './proc-cpu.js';

export interface TreeSample {
  /** CPU seconds in user mode, every process of the tree. */
  readonly userS: number;
  /** CPU seconds in the kernel, every process of the tree. */
  readonly systemS: number;
  /** Resident set, KB, summed over the tree. */
  readonly rssKb: number;
  /** Processes in the tree (the root included) at the sample. */
  readonly processes: number;
}

function readRssKb(pid: number): number {
  try {
    const m = /VmRSS:\s+(\d+)/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
    return Number(m?.[1] ?? 0);
  } catch {
    return 0;
  }
}

/** The pids of `root` and all its descendants (root first), from one scan of /proc. */
export function treePids(root: number): number[] {
  const { children } = snapshot();
  const out: number[] = [];
  const stack = [root];
  while (stack.length > 0) {
    const pid = stack.pop() as number;
    out.push(pid);
    stack.push(...(children.get(pid) ?? []));
  }
  return out;
}

/** CPU and RSS of `root`'s tree now. */
export function sampleTree(root: number): TreeSample {
  let userS = 0;
  let systemS = 0;
  let rssKb = 0;
  let processes = 0;
  for (const pid of treePids(root)) {
    const s = readStat(pid);
    if (s === undefined) continue;
    processes++;
    userS += s.userS;
    systemS += s.systemS;
    rssKb += readRssKb(pid);
  }
  return { userS, systemS, rssKb, processes };
}
