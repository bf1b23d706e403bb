/**
 * A server process that never outlives its parent, without a guard program of our own: it runs
 * under a POSIX shell that holds the read end of a pipe from this process. When this process ends
 * its stdin (stop()) or dies (even by SIGKILL, the kernel closes the pipe), the shell's reader sees
 * the end of the pipe and sends the server SIGTERM. The shell exits with the server's status.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { once } from 'node:events';

const GUARD = [
  'exec 3<&0', // background jobs get /dev/null as stdin: keep the pipe on fd 3
  '"$@" </dev/null &',
  'pid=$!',
  '( read -r _ <&3; kill -TERM "$pid" 2>/dev/null ) &',
  'watcher=$!',
  'wait "$pid"',
  'code=$?',
  'kill "$watcher" 2>/dev/null',
  'exit $code',
].join('\n');

export interface GuardedProcess {
  readonly child: ChildProcess;
  /** Last lines the server wrote (stdout and stderr). */
  log(): string;
  exited(): boolean;
  /** Ends the pipe (the server gets SIGTERM), SIGKILLs the shell's group after `graceMs`; resolves on exit. */
  stop(graceMs?: number): Promise<void>;
}

export async function spawnGuarded(binary: string, args: readonly string[], what: string): Promise<GuardedProcess> {
  const child = spawn('/bin/sh', ['-c', GUARD, binary, binary, ...args], {
    stdio: ['pipe', 'pipe', 'pipe'],
    detached: true, // its own process group: Ctrl-C at the terminal goes to its owner, which stops it
  });
  let text = '';
  const keep = (d: Buffer): void => {
    text = (text + d.toString()).slice(-8000);
  };
  child.stdout?.on('data', keep);
  child.stderr?.on('data', keep);
  child.stdin?.on('error', () => undefined); // the shell gone first: nothing to tell it
  const spawned = await Promise.race([once(child, 'spawn').then(() => undefined), once(child, 'error').then(([err]) => err as Error)]);
  if (spawned instanceof Error) throw new Error(`cannot start ${what}: ${spawned.message}`);
  const exited = (): boolean => child.exitCode !== null || child.signalCode !== null;
  const done = new Promise<void>((resolve) => (exited() ? resolve() : child.once('exit', () => resolve())));
  return {
    child,
    log: () => text.split('\n').slice(-20).join('\n'),
    exited,
    async stop(graceMs = 5000) {
      if (exited()) return;
      child.stdin?.end();
      const timer = setTimeout(() => child.kill('SIGKILL'), graceMs);
      await done;
      clearTimeout(timer);
    },
  };
}
