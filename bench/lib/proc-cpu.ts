/** CPU seconds (user + system) of processes and their children, read from /proc (Linux only; 0 elsewhere). */
import { readFileSync, readdirSync } from 'node:fs';

const TICKS_PER_S = 100;

export interface ProcStat {
  readonly pid: number;
  readonly ppid: number;
  readonly comm: string;
  /** CPU seconds in user mode and in the kernel (a process's sum over its threads), and both. */
  readonly userS: number;
  readonly systemS: number;
  readonly cpuS: number;
}

/** One process's /proc/PID/stat, or undefined when it is gone (or not Linux). */
export function readStat(pid: number): ProcStat | undefined {
  try {
    const text = readFileSync(`/proc/${pid}/stat`, 'utf8');
    // the command name may hold spaces and parentheses: fields start after the last ')'
    const comm = text.slice(text.indexOf('(') + 1, text.lastIndexOf(')'));
    const rest = text.slice(text.lastIndexOf(')') + 2).split(' ');
    const ppid = Number(rest[1]);
    const utime = Number(rest[11]);
    const stime = Number(rest[12]);
    return { pid, ppid, comm, userS: utime / TICKS_PER_S, systemS: stime / TICKS_PER_S, cpuS: (utime + stime) / TICKS_PER_S };
  } catch {
    return undefined;
  }
}

/** Every process now, and each one's children, from one scan of /proc (empty when not Linux). */
export function snapshot(): { byPid: Map<number, ProcStat>; children: Map<number, number[]> } {
  let pids: number[] = [];
  try {
    pids = readdirSync('/proc')
      .filter((d) => /^\d+$/.test(d))
      .map(Number);
  } catch {
    // not Linux: no figures
  }
  const stats = pids.map(readStat).filter((s): s is ProcStat => s !== undefined);
  const children = new Map<number, number[]>();
  for (const s of stats) children.set(s.ppid, [...(children.get(s.ppid) ?? []), s.pid]);
  return { byPid: new Map(stats.map((s) => [s.pid, s])), children };
}

function treeOf(snap: ReturnType<typeof snapshot>, rootPid: number): number {
  let total = 0;
  const stack = [rootPid];
  while (stack.length > 0) {
    const pid = stack.pop() as number;
    total += snap.byPid.get(pid)?.cpuS ?? 0;
    stack.push(...(snap.children.get(pid) ?? []));
  }
  return total;
}

/** CPU seconds of `pid` alone (0 when it is gone). */
export function processCpuSeconds(pid: number): number {
  return readStat(pid)?.cpuS ?? 0;
}

/** CPU seconds of `pid` itself, and of each of its direct children's trees by the child's command name. */
export function cpuByChild(pid: number): { self: number; children: Record<string, number> } {
  const snap = snapshot();
  const children: Record<string, number> = {};
  for (const child of snap.children.get(pid) ?? []) {
    const name = snap.byPid.get(child)?.comm ?? String(child);
    children[name] = (children[name] ?? 0) + treeOf(snap, child);
  }
  return { self: snap.byPid.get(pid)?.cpuS ?? 0, children };
}
