/**
 * Chaos during a run: the events of the scenario's `chaos` that fall due in a time window (pure),
 * and the broker restart hook, a shell command run with a deadline. Coverage holes are not here:
 * the cars draw them themselves (simulator/runtime/connectivity.ts) from the scenario's rate.
 */
import { spawn } from 'node:child_process';
import type { LoadScenario } from '../scenario/scenario.js';

export type ChaosEvent =
  | { readonly kind: 'drop'; readonly atMs: number; readonly percent: number }
  | { readonly kind: 'restart'; readonly atMs: number; readonly command: string; readonly timeoutMs: number };

/** The chaos events with fromMs <= atMs < toMs, in time order. */
export function chaosDue(chaos: LoadScenario['chaos'], fromMs: number, toMs: number): ChaosEvent[] {
  const events: ChaosEvent[] = [
    ...chaos.connectionDrops.map((d) => ({ kind: 'drop' as const, atMs: d.atMs, percent: d.percent })),
    ...chaos.brokerRestarts.map((r) => ({ kind: 'restart' as const, atMs: r.atMs, command: r.command, timeoutMs: r.timeoutMs })),
  ];
  return events.filter((e) => e.atMs >= fromMs && e.atMs < toMs).sort((a, b) => a.atMs - b.atMs);
}

export interface HookOutcome {
  readonly ok: boolean;
  /** Why it failed: the exit code, a signal or the timeout, with the end of its output. */
  readonly problem?: string;
}

/** Runs `command` in a shell (stdin closed); fails when it exits non-zero or outlives timeoutMs (then killed). */
export function runHook(command: string, timeoutMs: number, env: NodeJS.ProcessEnv): Promise<HookOutcome> {
  return new Promise((resolve) => {
    let output = '';
    const child = spawn(command, { shell: true, stdio: ['ignore', 'pipe', 'pipe'], env });
    const keep = (chunk: Buffer): void => {
      output = (output + chunk.toString('utf8')).slice(-2000);
    };
    child.stdout?.on('data', keep);
    child.stderr?.on('data', keep);
    let timedOut = false;
    const timer = setTimeout(() => {
      timedOut = true;
      child.kill('SIGKILL');
    }, timeoutMs);
    child.on('error', (err) => {
      clearTimeout(timer);
      resolve({ ok: false, problem: `cannot run it: ${err.message}` });
    });
    child.on('close', (code, signal) => {
      clearTimeout(timer);
      const tail = output.trim().split('\n').slice(-3).join(' | ');
      if (timedOut) resolve({ ok: false, problem: `still running after ${timeoutMs} ms (killed)${tail ? `: ${tail}` : ''}` });
      else if (code === 0) resolve({ ok: true });
      else resolve({ ok: false, problem: `exit ${code ?? signal}${tail ? `: ${tail}` : ''}` });
    });
  });
}
