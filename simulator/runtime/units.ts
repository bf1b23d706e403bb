/**
 * A unit is what a coordinator drives: a worker thread (worker.ts) or a child process (child.ts)
 * that runs worker threads of its own. Both speak messages.ts; this hides which one it is. Entry
 * files are resolved next to this compiled file.
 */
import { fork, type ChildProcess } from 'node:child_process';
import { once } from 'node:events';
import { fileURLToPath } from 'node:url';
import { Worker } from 'node:worker_threads';
import { errorFromWire } from '../../core/errors.js';
import { isUnitMessage, type ParentToUnit, type UnitInit, type UnitToParent } from './messages.js';

export interface Unit {
  readonly label: string;
  send(m: ParentToUnit): void;
  onMessage(fn: (m: UnitToParent) => void): void;
  /** Called once when the unit ends, with a reason when it did not end cleanly. */
  onExit(fn: (problem: string | undefined) => void): void;
  /** Ends it now (no final stats). */
  terminate(): Promise<void>;
}

export type UnitFactory = (init: UnitInit) => Unit;

/** Rebuilds the error a unit reported. */
export const errorFromUnit = errorFromWire;

/**
 * Young generation of a worker's V8 heap, MB. V8 lets it grow to tens of MB per isolate; the
 * simulator's garbage is short-lived and small (one telemetry object and payload per message), so a
 * small young generation costs few extra scavenges and saves RSS per worker (measured in 0008).
 */
export const WORKER_YOUNG_GENERATION_MB = 8;

export const workerUnit: UnitFactory = (init) => {
  const worker = new Worker(new URL('./worker.js', import.meta.url), {
    workerData: init,
    resourceLimits: { maxYoungGenerationSizeMb: WORKER_YOUNG_GENERATION_MB },
  });
  let exited = false;
  return {
    label: init.label,
    send: (m) => worker.postMessage(m),
    onMessage: (fn) => worker.on('message', (m: unknown) => isUnitMessage(m) && fn(m)),
    onExit: (fn) => {
      let error: string | undefined;
      worker.on('error', (err) => (error = err.message));
      worker.on('exit', (code) => {
        exited = true;
        fn(error ?? (code === 0 ? undefined : `exit code ${code}`));
      });
    },
    async terminate() {
      if (!exited) await worker.terminate();
    },
  };
};

/** Extra node flags for child processes (e.g. --max-old-space-size); none by default. */
export function processUnitFactory(execArgv: readonly string[] = []): UnitFactory {
  return (init) => {
    const child: ChildProcess = fork(fileURLToPath(new URL('./child.js', import.meta.url)), [], {
      execArgv: [...execArgv],
      stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
      serialization: 'advanced',
    });
    child.send({ type: 'init', init } satisfies ParentToUnit);
    return {
      label: init.label,
      send: (m) => {
        if (child.connected) child.send(m);
      },
      onMessage: (fn) => child.on('message', (m: unknown) => isUnitMessage(m) && fn(m)),
      onExit: (fn) => child.on('exit', (code, signal) => fn(code === 0 ? undefined : `exit ${code ?? signal}`)),
      async terminate() {
        if (child.exitCode !== null || child.signalCode !== null) return;
        const exited = once(child, 'exit');
        child.kill('SIGTERM');
        const t = setTimeout(() => child.kill('SIGKILL'), 3000);
        await exited;
        clearTimeout(t);
      },
    };
  };
}
