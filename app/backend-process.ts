/**
 * A backend (some or all of its roles) in a child process: for a host that runs the backend on the
 * same machine but must not share its event loop, and for splitting the roles over processes (the
 * broker and bridge in one, the command service and its API in another), so that the command
 * path's own steps do not queue behind 5,000 cars' telemetry (decision 0022).
 *
 * The child (backend-process-main.ts) gets the whole config over IPC, starts the backend with its
 * own Kafka client and answers with typed messages: ready {httpUrl, mqttUrl?}, the command
 * service's transitions when asked (forwardTransitions), probe answers, done {error?}. stop() asks
 * it to close and waits for it to exit; if this process dies first, the child sees the IPC channel
 * close and stops by itself.
 */
import { fork, type ChildProcess } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import type { DeepReadonly } from '../core/config/load.js';
import type { Config } from './config-schema.js';
import { errorFromWire, V2xError } from '../core/errors.js';
import type { configureLogging } from '../core/log.js';
import { stopChild } from '../core/child-stop.js';

type LogLevel = NonNullable<Parameters<typeof configureLogging>[0]>;

/** One metric as prom-client's getMetricsAsJSON() gives it. */
export interface MetricJson {
  readonly name: string;
  readonly type: string;
  readonly values: readonly {
    readonly value: number;
    readonly labels: Readonly<Record<string, string | number>>;
    readonly metricName?: string;
  }[];
}

export interface Percentiles {
  readonly p50: number;
  readonly p99: number;
  readonly max: number;
  readonly count: number;
}

/** The child's own view of itself, since its start or the last probe that reset the window. */
export interface BackendProbe {
  /** User + system CPU of the whole child process since it started, microseconds. */
  readonly cpuUs: number;
  /** Event-loop delay in the window (10 ms resolution), ms. */
  readonly loopDelayMs: Percentiles;
  /** Main-thread GC pauses in the window, ms. */
  readonly gcPauseMs: Percentiles;
  /** Of those, the full (mark-compact) collections. */
  readonly majorGcPauseMs: Percentiles;
  /** V8 heap in use now, MB. */
  readonly heapUsedMb: number;
  /** The process's Prometheus registry. */
  readonly metrics: readonly MetricJson[];
}

export interface ForwardedTransition {
  readonly commandId: string;
  readonly to: string;
  /** The service's clock when the transition was made (epoch ms). */
  readonly at: number;
}

export type ParentToBackend =
  | { readonly type: 'start'; readonly config: DeepReadonly<Config>; readonly forwardTransitions: boolean }
  | { readonly type: 'probe'; readonly id: number; readonly reset: boolean }
  | { readonly type: 'stop' };
export type BackendToParent =
  | { readonly type: 'ready'; readonly httpUrl: string; readonly mqttUrl?: string }
  | ({ readonly type: 'transition' } & ForwardedTransition)
  | { readonly type: 'probe'; readonly id: number; readonly probe: BackendProbe }
  | { readonly type: 'done'; readonly error?: { readonly code: string; readonly message: string } };

export interface BackendProcess {
  readonly pid: number;
  readonly roles: readonly string[];
  readonly httpUrl: string;
  /** The embedded broker's MQTT over TCP address, when the child runs the broker role. */
  readonly mqttUrl: string | undefined;
  /** Settles when the child has exited: resolves after a clean stop, rejects with its error. */
  readonly done: Promise<void>;
  /** The child's probe; `reset` starts a new window for the delay and GC figures. */
  probe(reset?: boolean): Promise<BackendProbe>;
  /** Closes the backend and waits for the child to exit (killed after `graceMs`). */
  stop(graceMs?: number): Promise<void>;
}

export interface BackendProcessOptions {
  readonly logLevel?: LogLevel;
  /** Node options of the child (V8 heap settings: decision 0022). */
  readonly execArgv?: readonly string[];
  /** Told every command transition of the child's command service (it must run the commands role). */
  readonly onTransition?: (t: ForwardedTransition) => void;
}

/** Starts the backend roles of `config.backend.roles` in a child; resolves once they are up. */
export function startBackendProcess(config: DeepReadonly<Config>, options: BackendProcessOptions = {}): Promise<BackendProcess> {
  // the log level as an argument: the child sets it before its modules create their loggers
  const child: ChildProcess = fork(
    fileURLToPath(new URL('./backend-process-main.js', import.meta.url)),
    [options.logLevel ?? config.log.level],
    {
      stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
      execArgv: [...process.execArgv, ...(options.execArgv ?? [])],
    },
  );
  let failure: Error | undefined;
  const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
  const done = exited.then((code) => {
    for (const p of probes.values()) p.reject(new V2xError('INTERNAL', 'the backend process exited'));
    probes.clear();
    if (failure !== undefined) throw failure;
    if (code !== 0) throw new V2xError('INTERNAL', `the backend process (${config.backend.roles.join(',')}) exited with ${String(code)}`);
  });
  const probes = new Map<number, { resolve: (p: BackendProbe) => void; reject: (err: Error) => void }>();
  let nextProbe = 1;
  const send = (m: ParentToBackend): void => {
    if (child.connected) child.send(m);
  };
  return new Promise<BackendProcess>((resolve, reject) => {
    child.on('message', (m: BackendToParent) => {
      if (m.type === 'transition') options.onTransition?.({ commandId: m.commandId, to: m.to, at: m.at });
      else if (m.type === 'probe') {
        probes.get(m.id)?.resolve(m.probe);
        probes.delete(m.id);
      } else if (m.type === 'done' && m.error !== undefined) {
        failure = errorFromWire(m.error.code, m.error.message);
      } else if (m.type === 'ready') {
        resolve({
          pid: child.pid ?? 0,
          roles: config.backend.roles,
          httpUrl: m.httpUrl,
          mqttUrl: m.mqttUrl,
          done,
          probe(reset = false) {
            const id = nextProbe++;
            return new Promise<BackendProbe>((ok, fail) => {
              probes.set(id, { resolve: ok, reject: fail });
              send({ type: 'probe', id, reset });
            });
          },
          stop: (graceMs = 30_000) => stopChild(child, () => send({ type: 'stop' }), done, graceMs),
        });
      }
    });
    child.once('error', reject);
    // (no effect once resolved)
    done.then(
      () => reject(new V2xError('INTERNAL', 'the backend process exited before it was ready')),
      (err: unknown) => reject(err as Error),
    );
    send({ type: 'start', config, forwardTransitions: options.onTransition !== undefined });
  });
}
