/**
 * Lowers a child process's scheduling priority so that it really yields the CPU. Two steps, because
 * either alone can do nothing:
 * - setpriority(2) on the pid: Linux applies it to that thread only (threads made later by it inherit
 *   it; threads it had already made keep theirs);
 * - the child's autogroup (/proc/PID/autogroup, Linux with CONFIG_SCHED_AUTOGROUP): the children we
 *   start are detached, each the leader of a session of its own, and with autogroups enabled (the
 *   kernel default on most distributions) the scheduler first shares the CPU between sessions, so a
 *   niceness set in one session does not weigh against the processes of another. Writing the
 *   niceness to the autogroup gives the whole session that weight (decision 0040).
 * Elsewhere (no /proc) the first step is what there is. Throws when setpriority(2) fails (no such
 * process, no permission); a refused autogroup write is returned, not thrown.
 */
import { existsSync, writeFileSync } from 'node:fs';
import { setPriority } from 'node:os';

export interface NicenessResult {
  /** The autogroup was set too (Linux with autogroups). */
  readonly autogroup: boolean;
  /** Why it was not, when /proc has the file but refused the write. */
  readonly autogroupError?: string;
}

export function lowerPriority(pid: number, nice: number): NicenessResult {
  if (!Number.isInteger(nice) || nice < 0 || nice > 19) throw new RangeError(`niceness must be an integer 0..19 (got ${nice})`);
  setPriority(pid, nice);
  const file = `/proc/${pid}/autogroup`;
  if (!existsSync(file)) return { autogroup: false };
  try {
    writeFileSync(file, String(nice));
    return { autogroup: true };
  } catch (err) {
    return { autogroup: false, autogroupError: (err as Error).message };
  }
}
