/**
 * A whole Simulation in a child process, for a host that shares the machine with the fleet but must
 * not share its event loop with it: the backend of `v2x up`, the commands benchmark. With 5,000
 * cars inside the backend's process the command round trips had whole-process stalls of 200-500 ms
 * and the ramp ran at a sixth of its rate; in a process of their own both were gone (decision 0021).
 *
 * The child (fleet-process-main.ts) gets the sim config over IPC and answers with typed messages:
 * ready {cars}, update {phase, connected, telemetry} about once a second, done {error?}. stop()
 * asks it to stop (the cars disconnect) and waits for it to exit; if this process dies first the
 * child sees the IPC channel close and stops by itself.
 */
import { fork, type ChildProcess } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import type { DeepReadonly } from '../../core/config/load.js';
import type { configureLogging } from '../../core/log.js';
import type { SimConfig } from '../config.js';
import type { RunPhase } from './simulation.js';
import { errorFromUnit } from './units.js';
import { stopChild } from '../../core/child-stop.js';
import { lowerPriority } from '../../core/niceness.js';

type LogLevel = NonNullable<Parameters<typeof configureLogging>[0]>;

export interface FleetUpdate {
  readonly phase: RunPhase;
  readonly connected: number;
  readonly telemetry: number;
}

export type ParentToFleet =
  | { readonly type: 'start'; readonly sim: DeepReadonly<SimConfig>; readonly logLevel: LogLevel; readonly logFormat?: 'json' | 'pretty' }
  | { readonly type: 'stop' };
export type FleetToParent =
  | { readonly type: 'ready'; readonly cars: number }
  | ({ readonly type: 'update' } & FleetUpdate)
  | { readonly type: 'done'; readonly error?: { readonly code: string; readonly message: string } };

export interface FleetProcess {
  readonly cars: number;
  readonly pid: number;
  /** Resolves once every car has connected once (or the run ended). */
  readonly ramped: Promise<void>;
  /** Settles when the child has exited: resolves after a clean run, rejects with its error. */
  readonly done: Promise<void>;
  /** The last update, if any. */
  latest(): FleetUpdate | undefined;
  /** Stops the cars and waits for the child to exit (killed after `graceMs`). */
  stop(graceMs?: number): Promise<void>;
}

export interface FleetProcessOptions {
  readonly logLevel?: LogLevel;
  /** JSON lines (default) or readable ones (core/log.ts), as the parent logs. */
  readonly logFormat?: 'json' | 'pretty';
  /**
   * Scheduling niceness of the child (0..19; default 0): above 0 the fleet yields the CPU to the
   * processes it loads (the backend) when the machine is saturated.
   */
  readonly nice?: number;
  readonly onUpdate?: (u: FleetUpdate) => void;
}

/** Starts the fleet; resolves once the child has built it (rejects if it could not). */
export function startFleetProcess(sim: DeepReadonly<SimConfig>, options: FleetProcessOptions = {}): Promise<FleetProcess> {
  const child: ChildProcess = fork(fileURLToPath(new URL('./fleet-process-main.js', import.meta.url)), [], {
    stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
    // a process group of its own: Ctrl-C at the terminal reaches the parent, which stops the fleet
    // (a fleet killed by the terminal's SIGINT would read as a crash); it also stops when the parent dies
    detached: true,
  });
  if ((options.nice ?? 0) !== 0 && child.pid !== undefined) lowerPriority(child.pid, options.nice ?? 0);
  let latest: FleetUpdate | undefined;
  let failure: Error | undefined;
  let markRamped!: () => void;
  const ramped = new Promise<void>((resolve) => (markRamped = resolve));
  const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
  const done = exited.then((code) => {
    markRamped();
    if (failure !== undefined) throw failure;
    if (code !== 0) throw errorFromUnit('INTERNAL', `the simulator process exited with ${String(code)}`);
  });
  const send = (m: ParentToFleet): void => {
    if (child.connected) child.send(m);
  };
  return new Promise<FleetProcess>((resolve, reject) => {
    child.on('message', (m: FleetToParent) => {
      if (m.type === 'update') {
        latest = { phase: m.phase, connected: m.connected, telemetry: m.telemetry };
        if (m.phase !== 'starting' && m.phase !== 'ramp') markRamped();
        options.onUpdate?.(latest);
      } else if (m.type === 'done' && m.error !== undefined) {
        failure = errorFromUnit(m.error.code, m.error.message);
      } else if (m.type === 'ready') {
        resolve({
          cars: m.cars,
          pid: child.pid ?? 0,
          ramped,
          done,
          latest: () => latest,
          stop: (graceMs = 30_000) => stopChild(child, () => send({ type: 'stop' }), done, graceMs),
        });
      }
    });
    child.once('error', reject);
    void done.catch((err: unknown) => reject(err as Error));
    send({ type: 'start', sim, logLevel: options.logLevel ?? 'warn', ...(options.logFormat && { logFormat: options.logFormat }) });
  });
}
