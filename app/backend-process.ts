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
  readonly help?: string;
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
  /** V8 heap reserved (used and free), MB: RSS above it is memory outside V8's heap. */
  readonly heapTotalMb: number;
  /** Memory of C++ objects bound to JS objects, Buffers included, MB. */
  readonly externalMb: number;
  /** Of that, ArrayBuffers and Buffers, MB. */
  readonly arrayBuffersMb: number;
  /** V8 heap in use just after the last full (mark-compact) collection, MB; absent before the first. */
  readonly heapAfterMajorGcMb?: number;
  /** The process's Prometheus registry. */
  readonly metrics: readonly MetricJson[];
  /** What its /health says (roles, buffered records, connected clients, each role's own). */
  readonly health: Readonly<Record<string, unknown>>;
}

/** The whole stack's /metrics and /health, which the process on the public port asks its parent for. */
export interface StackView {
  readonly metrics: string;
  readonly health: Readonly<Record<string, unknown>>;
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
  | { readonly type: 'view'; readonly id: number; readonly view?: StackView; readonly error?: string }
  | { readonly type: 'stop' };
export type BackendToParent =
  | { readonly type: 'ready'; readonly httpUrl: string; readonly mqttUrl?: string; readonly wsPort?: number; readonly tlsPort?: number }
  | ({ readonly type: 'transition' } & ForwardedTransition)
  | { readonly type: 'probe'; readonly id: number; readonly probe: BackendProbe }
  | { readonly type: 'view'; readonly id: number }
  | { readonly type: 'done'; readonly error?: { readonly code: string; readonly message: string } };

export interface BackendProcess {
  readonly pid: number;
  readonly roles: readonly string[];
  readonly httpUrl: string;
  /** The embedded broker's MQTT over TCP address, when the child runs the broker role. */
  readonly mqttUrl: string | undefined;
  /** Its MQTT over WebSocket and TLS ports, when it runs the broker role. */
  readonly wsPort?: number | undefined;
  readonly tlsPort?: number | undefined;
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
  /** Log lines: 'json', or 'pretty' (readable, for a terminal); the parent decides (core/log.ts). */
  readonly logFormat?: 'json' | 'pretty';
  /** The child serves this view of the whole stack on its /metrics and /health (the public process). */
  readonly stackView?: () => Promise<StackView>;
  /** Aborting before the child is ready stops it (asked, then killed after 5 s) and rejects the start. */
  readonly signal?: AbortSignal;
}

/** Starts the backend roles of `config.backend.roles` in a child; resolves once they are up. */
export function startBackendProcess(config: DeepReadonly<Config>, options: BackendProcessOptions = {}): Promise<BackendProcess> {
  // the log level as an argument: the child sets it before its modules create their loggers
  const child: ChildProcess = fork(
    fileURLToPath(new URL('./backend-process-main.js', import.meta.url)),
    [options.logLevel ?? config.log.level, options.logFormat ?? 'json', options.stackView ? 'view' : ''],
    {
      stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
      // a process group of its own: the parent stops it (Ctrl-C at the terminal goes to the parent only)
      detached: true,
      execArgv: [...process.execArgv, ...(options.execArgv ?? [])],
    },
  );
  let failure: Error | undefined;
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) =>
    child.once('exit', (code, signal) => resolve({ code, signal })),
  );
  const done = exited.then(({ code, signal }) => {
    for (const p of probes.values()) p.reject(new V2xError('BACKEND_PROCESS_FAILED', 'the backend process exited'));
    probes.clear();
    if (failure !== undefined) throw failure;
    const roles = config.backend.roles.join(',');
    if (signal !== null) throw new V2xError('BACKEND_PROCESS_FAILED', `pid ${child.pid ?? '?'} (${roles}) was killed by ${signal}`);
    if (code !== 0) throw new V2xError('BACKEND_PROCESS_FAILED', `pid ${child.pid ?? '?'} (${roles}) exited with code ${String(code)}`);
  });
  const probes = new Map<number, { resolve: (p: BackendProbe) => void; reject: (err: Error) => void }>();
  let nextProbe = 1;
  const send = (m: ParentToBackend): void => {
    if (child.connected) child.send(m);
  };
  return new Promise<BackendProcess>((resolve, reject) => {
    let detach = (): void => undefined;
    child.on('message', (m: BackendToParent) => {
      if (m.type === 'transition') options.onTransition?.({ commandId: m.commandId, to: m.to, at: m.at });
      else if (m.type === 'view') {
        const view = options.stackView;
        if (view === undefined) send({ type: 'view', id: m.id, error: 'no stack view here' });
        else
          view().then(
            (v) => send({ type: 'view', id: m.id, view: v }),
            (err: unknown) => send({ type: 'view', id: m.id, error: (err as Error).message }),
          );
      } else if (m.type === 'probe') {
        probes.get(m.id)?.resolve(m.probe);
        probes.delete(m.id);
      } else if (m.type === 'done' && m.error !== undefined) {
        failure = errorFromWire(m.error.code, m.error.message);
      } else if (m.type === 'ready') {
        detach();
        resolve({
          pid: child.pid ?? 0,
          roles: config.backend.roles,
          httpUrl: m.httpUrl,
          mqttUrl: m.mqttUrl,
          wsPort: m.wsPort,
          tlsPort: m.tlsPort,
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
    const signal = options.signal;
    if (signal !== undefined) {
      // a start the parent gave up on (the stack is stopping) must not leave a child behind
      const abort = (): void => {
        reject(new V2xError('BACKEND_PROCESS_FAILED', 'the start was abandoned: the stack is stopping'));
        void stopChild(child, () => send({ type: 'stop' }), done, 5000);
      };
      if (signal.aborted) abort();
      else {
        signal.addEventListener('abort', abort, { once: true });
        detach = () => signal.removeEventListener('abort', abort);
        void done.catch(() => undefined).finally(detach);
      }
    }
    // (no effect once resolved)
    done.then(
      () => reject(new V2xError('BACKEND_PROCESS_FAILED', 'the backend process exited before it was ready')),
      (err: unknown) => reject(err as Error),
    );
    send({ type: 'start', config, forwardTransitions: options.onTransition !== undefined });
  });
}
