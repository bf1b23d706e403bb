/** Stopping a child process that was asked to stop over IPC. */
import type { ChildProcess } from 'node:child_process';

/**
 * Asks the child to stop (`ask`), waits until it has exited (`exited` settles), and kills it if it
 * is still there after `graceMs`.
 */
export async function stopChild(child: ChildProcess, ask: () => void, exited: Promise<unknown>, graceMs: number): Promise<void> {
  ask();
  const killer = setTimeout(() => child.kill('SIGKILL'), graceMs);
  await exited.catch(() => undefined);
  clearTimeout(killer);
}
