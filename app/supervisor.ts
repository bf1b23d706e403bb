/**
 * Runs the processes of a stack plan (app/topology.ts) and keeps them running (decision 0026):
 * - starts them in plan order (the edges before the services that connect to them);
 * - a process that exits without being asked is logged and started again after an exponential
 *   backoff (restartDelay), on the same ports (`start` gets the previous instance's addresses);
 * - stop() stops them newest-kind first (services, then edges) and no longer restarts anything;
 * - the view of the whole stack (/metrics of every process with process and role labels, /health
 *   of each) comes from the children's probes over IPC.
 * If this process dies, each child sees its IPC channel close and stops by itself.
 */
import { logger, type Logger } from '../core/log.js';
import { V2xError } from '../core/errors.js';
import type { BackendProbe, BackendProcess } from './backend-process.js';
import type { ProcessSpec } from './topology.js';
import { renderStackMetrics, stackHealth, type ProcessHealth } from './stack-view.js';

export interface SupervisorOptions {
  readonly specs: readonly ProcessSpec[];
  /**
   * Starts one process; `previous` is its last instance (to come back on the same ports), if any.
   * `signal` aborts when the supervisor stops: a start still under way must then stop its process.
   */
  readonly start: (spec: ProcessSpec, previous: BackendProcess | undefined, signal: AbortSignal) => Promise<BackendProcess>;
  /** First restart delay; doubles per consecutive failure up to restartMaxMs. */
  readonly restartBaseMs?: number;
  readonly restartMaxMs?: number;
  /** A process that ran this long before it exited starts again from the first delay. */
  readonly stableMs?: number;
  /** How long a process may take to stop before it is killed (the whole stack stops within 20 s). */
  readonly stopGraceMs?: number;
  /** How long a probe may take before the view reports the process as not answering. */
  readonly probeTimeoutMs?: number;
  readonly log?: Logger;
}

export interface SupervisedProcess {
  readonly spec: ProcessSpec;
  readonly state: ProcessHealth['state'];
  readonly restarts: number;
  /** The running instance (undefined while restarting). */
  readonly current: BackendProcess | undefined;
}

export interface Supervisor {
  readonly processes: readonly SupervisedProcess[];
  /** Every process's metrics, labelled by process and role (Prometheus text). */
  metrics(): Promise<string>;
  /** Every process's health. */
  health(): Promise<Record<string, unknown>>;
  stop(): Promise<void>;
}

/** base * 2^(failures-1), at most max. */
export function restartDelay(failures: number, baseMs: number, maxMs: number): number {
  return Math.min(maxMs, baseMs * 2 ** Math.max(0, failures - 1));
}

class Entry implements SupervisedProcess {
  state: ProcessHealth['state'] = 'starting';
  restarts = 0;
  failures = 0;
  current: BackendProcess | undefined;
  last: BackendProcess | undefined;
  startedAt = 0;
  timer: NodeJS.Timeout | undefined;
  constructor(readonly spec: ProcessSpec) {}
}

export async function startSupervisor(options: SupervisorOptions): Promise<Supervisor> {
  const log = options.log ?? logger('supervisor');
  const base = options.restartBaseMs ?? 500;
  const max = options.restartMaxMs ?? 30_000;
  const stableMs = options.stableMs ?? 60_000;
  const entries = options.specs.map((s) => new Entry(s));
  let stopping = false;

  const watch = (e: Entry, p: BackendProcess): void => {
    const onExit = (err: unknown): void => {
      if (stopping || e.current !== p) return;
      e.current = undefined;
      e.state = 'restarting';
      if (Date.now() - e.startedAt >= stableMs) e.failures = 0;
      e.failures++;
      const delayMs = restartDelay(e.failures, base, max);
      const why = err instanceof Error ? err.message : 'exited';
      log.error(
        { process: e.spec.name, pid: p.pid, reason: why, restartInMs: delayMs },
        `backend process ${e.spec.name} stopped; restarting`,
      );
      schedule(e, delayMs);
    };
    p.done.then(
      () => onExit(undefined),
      (err: unknown) => onExit(err),
    );
  };

  const aborter = new AbortController();
  /** Starts under way: stop() waits for them, so nothing it has not stopped is left running. */
  const launching = new Set<Promise<unknown>>();
  const launch = async (e: Entry): Promise<void> => {
    const starting = options.start(e.spec, e.last, aborter.signal);
    launching.add(starting);
    let p: BackendProcess;
    try {
      p = await starting;
    } finally {
      launching.delete(starting);
    }
    if (stopping) {
      // ready just as the stack began to stop: stop it here, stop() may have passed this entry
      await p.stop(options.stopGraceMs ?? 15_000).catch(() => undefined);
      throw new V2xError('BACKEND_PROCESS_FAILED', `${e.spec.name} started while the stack was stopping`);
    }
    e.current = p;
    e.last = p;
    e.startedAt = Date.now();
    e.state = 'running';
    watch(e, p);
  };

  const schedule = (e: Entry, delayMs: number): void => {
    e.timer = setTimeout(() => {
      e.timer = undefined;
      if (stopping) return;
      launch(e).then(
        () => {
          e.restarts++;
          log.warn({ process: e.spec.name, pid: e.current?.pid, restarts: e.restarts }, `backend process ${e.spec.name} restarted`);
        },
        (err: unknown) => {
          if (stopping) return;
          e.failures++;
          const next = restartDelay(e.failures, base, max);
          log.error(
            { process: e.spec.name, err: (err as Error).message, restartInMs: next },
            `backend process ${e.spec.name} did not start; trying again`,
          );
          schedule(e, next);
        },
      );
    }, delayMs);
  };

  const stop = async (): Promise<void> => {
    stopping = true;
    for (const e of entries) clearTimeout(e.timer);
    aborter.abort();
    await Promise.allSettled([...launching]);
    for (const e of [...entries].reverse()) {
      const p = e.current;
      e.current = undefined;
      e.state = 'stopped';
      if (p === undefined) continue;
      try {
        await p.stop(options.stopGraceMs ?? 15_000);
      } catch (err) {
        log.warn({ process: e.spec.name, err: (err as Error).message }, 'backend process stop');
      }
    }
  };

  try {
    for (const e of entries) await launch(e);
  } catch (err) {
    await stop();
    throw err;
  }

  const probeTimeout = options.probeTimeoutMs ?? 3000;
  const probe = (e: Entry): Promise<BackendProbe | Error> => {
    const p = e.current;
    if (p === undefined) return Promise.resolve(new Error(e.state));
    let timer: NodeJS.Timeout | undefined;
    return Promise.race([
      p.probe(false),
      new Promise<Error>(
        (resolve) => (timer = setTimeout(() => resolve(new V2xError('NOT_READY', `${e.spec.name} did not answer`)), probeTimeout)),
      ),
    ])
      .catch((err: unknown) => err as Error)
      .finally(() => clearTimeout(timer));
  };

  return {
    processes: entries,
    async metrics() {
      const probes = await Promise.all(entries.map(probe));
      return renderStackMetrics(
        entries.flatMap((e, i) => {
          const p = probes[i];
          return p === undefined || p instanceof Error ? [] : [{ process: e.spec.name, role: e.spec.kind, metrics: p.metrics }];
        }),
      );
    },
    async health() {
      const probes = await Promise.all(entries.map(probe));
      return stackHealth(
        entries.map((e, i) => {
          const p = probes[i];
          return {
            name: e.spec.name,
            role: e.spec.kind,
            pid: e.current?.pid,
            state: e.state,
            restarts: e.restarts,
            ...(p instanceof Error || p === undefined ? { error: p?.message ?? 'no answer' } : { health: p.health }),
          };
        }),
      );
    },
    stop,
  };
}
