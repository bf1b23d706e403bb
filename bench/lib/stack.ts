/**
 * The backend of the benchmarks that measure it: the shipped topology (decision 0026), started
 * through the same code as `v2x up` / `v2x backend` (app/stack-processes.ts: the plan of the config on
 * this machine, each process's config from app/layout.ts, the supervisor), so a figure describes the
 * stack a user runs. The bench's flags are the user's: --edges is stack.edges, --single-process
 * stack.singleProcess, and backend.roles picks the roles. Several edges cluster through Redis
 * (stack.redisUrl, else a local redis-server, as `v2x up` does).
 *
 * One difference from `v2x up --single-process`, which runs the backend in the CLI's own process:
 * here that one process (the config as it is, every role: cli/stack.ts's startSingle) is a child, so the bench's own work (the API client, the observers)
 * never sits on the backend's event loop; its config and roles are the same. Window figures (CPU,
 * event-loop delay, GC, Kafka produce times, telemetry rate) come from each process's probe.
 */
import type { DeepReadonly } from '../../core/config/load.js';
import type { Config } from '../../app/config-schema.js';
import {
  startBackendProcess,
  type BackendProbe,
  type BackendProcess,
  type ForwardedTransition,
  type MetricJson,
} from '../../app/backend-process.js';
import { planForConfig, startStackProcesses } from '../../app/stack-processes.js';
import type { StackPlan } from '../../app/topology.js';
import { startLocalRedis } from '../../infra/redis/launcher.js';

/** What a bench ran, for its JSON: the plan's mode and why, and each process with its roles. */
export interface Topology {
  readonly mode: StackPlan['mode'];
  readonly reason: string;
  readonly edges: number;
  readonly clustered: boolean;
  readonly processes: readonly { readonly name: string; readonly kind: string; readonly roles: string }[];
}

export interface BenchStack {
  readonly topology: Topology;
  /** Every process that runs a broker: its MQTT address (the edges, or the single process). */
  readonly mqttUrls: readonly string[];
  /** The public HTTP address (API, dashboard, /metrics and /health of the whole stack). */
  readonly httpUrl: string;
  /** The stack's pids by process name (for /proc CPU figures). */
  pids(): Record<string, number>;
  /** Each running process's probe now, with its pid (reset: its window figures start again; the soak samples this way). */
  probe(reset: boolean): Promise<{ readonly name: string; readonly pid: number; readonly probe: BackendProbe }[]>;
  /** Starts a measuring window; its end() gives the window's figures. */
  window(): Promise<{ end(): Promise<WindowFigures> }>;
  close(): Promise<void>;
}

export interface ProcessFigures {
  readonly process: string;
  readonly roles: string;
  readonly cpu_pct: number;
  /** CPU seconds over the window. */
  readonly cpu_s: number;
  readonly loop_delay_p50_ms: number;
  readonly loop_delay_p99_ms: number;
  readonly loop_delay_max_ms: number;
  readonly gc_pauses: number;
  readonly gc_pause_p99_ms: number;
  readonly gc_pause_max_ms: number;
  readonly major_gcs: number;
  readonly major_gc_pause_max_ms: number;
  readonly heap_used_mb: number;
}

export interface WindowFigures {
  readonly seconds: number;
  /** Telemetry records Kafka acknowledged to the bridge, per second. */
  readonly telemetryPerS: number;
  readonly commandsProduceMeanMs: number;
  readonly commandsProduceBatches: number;
  readonly bridgeProduceMeanMs: number;
  readonly processes: readonly ProcessFigures[];
}

export function topologyOf(plan: StackPlan): Topology {
  return {
    mode: plan.mode,
    reason: plan.reason,
    edges: plan.edges,
    clustered: plan.clustered,
    processes: plan.processes.map((p) => ({ name: p.name, kind: p.kind, roles: p.roles.join('+') })),
  };
}

export async function startBenchStack(
  config: DeepReadonly<Config>,
  options: { readonly onTransition?: (t: ForwardedTransition) => void; readonly status?: (line: string) => void } = {},
): Promise<BenchStack> {
  const plan = planForConfig(config);
  const stops: (() => Promise<void>)[] = [];
  const close = async (): Promise<void> => {
    for (const stop of stops.splice(0).reverse()) await stop();
  };
  let redisUrl = '';
  if (plan.clustered) {
    redisUrl = config.stack.redisUrl;
    if (redisUrl === '') {
      options.status?.('starting a local Redis (the edges share sessions through it)');
      const redis = await startLocalRedis();
      stops.push(() => redis.stop());
      redisUrl = redis.url;
    }
  }
  let running: () => { readonly name: string; readonly p: BackendProcess }[];
  let httpUrl: string;
  if (plan.mode === 'single') {
    // `v2x backend --single-process` builds the backend of the config as it is, every role in one
    // process (cli/stack.ts's startSingle); here that process is a child
    const spec = plan.processes[0]!;
    options.status?.(`starting ${spec.name} (${spec.roles.join('+')})`);
    const p = await startBackendProcess(config, {
      logLevel: 'warn',
      logFormat: 'json',
      ...(options.onTransition !== undefined && { onTransition: options.onTransition }),
    });
    stops.push(() => p.stop());
    running = () => [{ name: spec.name, p }];
    httpUrl = p.httpUrl;
  } else {
    const stack = await startStackProcesses(config, plan, {
      redisUrl,
      logLevel: 'warn',
      logFormat: 'json',
      onStarting: (spec) => options.status?.(`starting ${spec.name} (${spec.roles.join('+')})`),
      ...(options.onTransition !== undefined && { onTransition: options.onTransition }),
    }).catch(async (err: unknown) => {
      await close();
      throw err;
    });
    stops.push(() => stack.supervisor.stop());
    running = () => stack.supervisor.processes.flatMap((p) => (p.current === undefined ? [] : [{ name: p.spec.name, p: p.current }]));
    httpUrl = stack.publicProcess.httpUrl;
  }
  const mqttUrls = running().flatMap(({ p }) => (p.mqttUrl === undefined ? [] : [p.mqttUrl]));
  if (mqttUrls.length === 0) {
    await close();
    throw new Error('the stack has no broker');
  }
  return {
    topology: topologyOf(plan),
    mqttUrls,
    httpUrl,
    pids: () => Object.fromEntries(running().map(({ name, p }) => [name, p.pid])),
    probe: (reset) => Promise.all(running().map(async ({ name, p }) => ({ name, pid: p.pid, probe: await p.probe(reset) }))),
    async window() {
      const at = running();
      const t0 = performance.now();
      const begin = await Promise.all(at.map(({ p }) => p.probe(true)));
      return {
        async end() {
          const end = await Promise.all(at.map(({ p }) => p.probe(false)));
          return windowFigures(
            at.map(({ name, p }) => ({ process: name, roles: p.roles.join('+') })),
            begin,
            end,
            (performance.now() - t0) / 1000,
          );
        },
      };
    },
    close,
  };
}

const r1 = (x: number): number => Math.round(x * 10) / 10;

/** Sum of a metric's values over processes, those whose metricName (or name) is `metricName` and whose labels pass. */
function total(
  probes: readonly BackendProbe[],
  name: string,
  metricName: string,
  labels: (l: Readonly<Record<string, string | number>>) => boolean = () => true,
): number {
  let n = 0;
  for (const p of probes)
    for (const m of p.metrics as readonly MetricJson[])
      if (m.name === name) for (const v of m.values) if ((v.metricName ?? m.name) === metricName && labels(v.labels)) n += v.value;
  return n;
}

export function windowFigures(
  names: readonly { readonly process: string; readonly roles: string }[],
  begin: readonly BackendProbe[],
  end: readonly BackendProbe[],
  seconds: number,
): WindowFigures {
  const diff = (name: string, metricName: string, labels?: (l: Readonly<Record<string, string | number>>) => boolean): number =>
    total(end, name, metricName, labels) - total(begin, name, metricName, labels);
  const meanMs = (name: string): number => {
    const count = diff(name, `${name}_count`);
    return count > 0 ? r1((diff(name, `${name}_sum`) / count) * 1000) : Number.NaN;
  };
  const telemetry = diff('v2x_bridge_kafka_records_total', 'v2x_bridge_kafka_records_total', (l) => String(l.topic).endsWith('telemetry'));
  return {
    seconds: r1(seconds),
    telemetryPerS: Math.round(telemetry / seconds),
    commandsProduceMeanMs: meanMs('v2x_commands_produce_seconds'),
    commandsProduceBatches: diff('v2x_commands_produce_seconds', 'v2x_commands_produce_seconds_count'),
    bridgeProduceMeanMs: meanMs('v2x_bridge_produce_seconds'),
    processes: end.map((e, i) => ({
      process: names[i]?.process ?? '?',
      roles: names[i]?.roles ?? '?',
      cpu_pct: Math.round(((e.cpuUs - (begin[i]?.cpuUs ?? 0)) / 1e6 / seconds) * 100),
      cpu_s: Math.round((e.cpuUs - (begin[i]?.cpuUs ?? 0)) / 1e3) / 1e3,
      loop_delay_p50_ms: e.loopDelayMs.p50,
      loop_delay_p99_ms: e.loopDelayMs.p99,
      loop_delay_max_ms: e.loopDelayMs.max,
      gc_pauses: e.gcPauseMs.count,
      gc_pause_p99_ms: e.gcPauseMs.p99,
      gc_pause_max_ms: e.gcPauseMs.max,
      major_gcs: e.majorGcPauseMs.count,
      major_gc_pause_max_ms: e.majorGcPauseMs.max,
      heap_used_mb: e.heapUsedMb,
    })),
  };
}
