/**
 * Looking at processes by pid and by command line: is it alive, which java processes mention a
 * data folder (the orphan checks, and making sure a recorded pid still is our broker before it is
 * signalled: pids are reused). Linux reads /proc; elsewhere `ps` is asked.
 */
import { execFileSync } from 'node:child_process';
import { readdirSync, readFileSync } from 'node:fs';
import { setTimeout as delay } from 'node:timers/promises';

export function isPidAlive(pid: number): boolean {
  if (!Number.isInteger(pid) || pid <= 0) return false;
  try {
    process.kill(pid, 0);
  } catch (err) {
    return (err as NodeJS.ErrnoException).code === 'EPERM';
  }
  // A zombie (exited, not yet reaped by its parent) still answers kill 0 but is not running.
  return procState(pid) !== 'Z';
}

function procState(pid: number): string | undefined {
  if (process.platform !== 'linux') return undefined;
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    return stat.slice(stat.lastIndexOf(')') + 2, stat.lastIndexOf(')') + 3);
  } catch {
    return undefined;
  }
}

/** The command line of a process, arguments joined by spaces; undefined if it is gone. */
export function commandLineOf(pid: number): string | undefined {
  if (process.platform === 'linux') {
    try {
      return readFileSync(`/proc/${pid}/cmdline`, 'utf8').split('\0').join(' ').trim();
    } catch {
      return undefined;
    }
  }
  return listProcesses().find((p) => p.pid === pid)?.args;
}

export interface ProcessInfo {
  readonly pid: number;
  readonly args: string;
}

/** Every process this user can see, with its command line. */
export function listProcesses(): ProcessInfo[] {
  if (process.platform === 'linux') {
    const out: ProcessInfo[] = [];
    for (const name of readdirSync('/proc')) {
      if (!/^\d+$/.test(name)) continue;
      const pid = Number(name);
      const args = commandLineOf(pid);
      if (args !== undefined && args !== '' && procState(pid) !== 'Z') out.push({ pid, args });
    }
    return out;
  }
  const text = execFileSync('ps', ['-axo', 'pid=,args='], { encoding: 'utf8' });
  return text
    .split('\n')
    .map((line) => /^\s*(\d+)\s+(.*)$/.exec(line))
    .filter((m): m is RegExpExecArray => m !== null)
    .map((m) => ({ pid: Number(m[1]), args: m[2] ?? '' }));
}

/** Java processes whose command line mentions `needle` (a data folder), excluding this process. */
export function javaProcessesMentioning(needle: string): ProcessInfo[] {
  return listProcesses().filter(
    (p) => p.pid !== process.pid && /(^|\/)java\s/.test(`${p.args.split(' ')[0] ?? ''} `) && p.args.includes(needle),
  );
}

/** True if `pid` is alive and its command line mentions `needle`: it still is the process we started. */
export function isOurProcess(pid: number, needle: string): boolean {
  if (!isPidAlive(pid)) return false;
  const args = commandLineOf(pid);
  return args !== undefined && args.includes(needle);
}

/** Polls until the process is gone or the deadline passes; true if it is gone. */
export async function waitForPidExit(pid: number, timeoutMs: number, pollMs = 100): Promise<boolean> {
  const deadline = Date.now() + timeoutMs;
  while (isPidAlive(pid)) {
    if (Date.now() >= deadline) return false;
    await delay(pollMs);
  }
  return true;
}

/** Sends a signal, ignoring a process that is already gone. */
export function signal(pid: number, sig: NodeJS.Signals): void {
  try {
    process.kill(pid, sig);
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code !== 'ESRCH') throw err;
  }
}
