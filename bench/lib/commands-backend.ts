/**
 * The commands benchmark's backend: the real backend in child processes of this one, laid out as
 * `split` (app/layout.ts: edge processes with the broker and the bridge's uplink, each
 * for its share of the cars, and a service process with the command service, its API and the
 * command downlink) or `single` (all in one process). The bench process itself only acts as the
 * API's client, so its own work never sits on the backend's event loop. Window figures (CPU,
 * event-loop delay, GC, Kafka produce times, telemetry rate) come from the children's probes.
 */
import type { DeepReadonly } from '../../core/config/load.js';
import type { Config } from '../../app/config-schema.js';
import type { BackendRole } from '../../backend/config.js';
import { downlinkAccount, EDGE_NODE_OPTIONS, edgeConfig, serviceConfig } from '../../app/layout.js';
import {
  startBackendProcess,
  type BackendProbe,
  type BackendProcess,
  type ForwardedTransition,
  type MetricJson,
} from '../../app/backend-process.js';

export type BackendLayout = 'split' | 'single';

export interface BenchBackend {
  readonly layout: BackendLayout;
  /** The brokers' MQTT addresses: one, or one per edge (each takes its share of the cars). */
  readonly mqttUrls: readonly string[];
  /** The command API's base URL (http://host:port). */
  readonly apiUrl: string;
  /** Starts a measuring window; its end() gives the window's figures. */
  window(): Promise<{ end(): Promise<WindowFigures> }>;
  close(): Promise<void>;
}

export interface ProcessFigures {
  readonly roles: string;
  readonly cpu_pct: number;
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

export async function startBenchBackend(
  config: DeepReadonly<Config>,
  layout: BackendLayout,
  options: {
    readonly dashboard: boolean;
    readonly onTransition: (t: ForwardedTransition) => void;
    /** Node options of every backend process, after the edges' own (EDGE_NODE_OPTIONS). */
    readonly execArgv?: readonly string[];
    /** Edge processes of the split layout (broker + uplink), each for its share of the cars. */
    readonly edges?: number;
  },
): Promise<BenchBackend> {
  const processes: BackendProcess[] = [];
  const close = async (): Promise<void> => {
    // the command service first (it produces to Kafka), the broker last
    for (const p of processes.splice(0).reverse()) await p.stop();
  };
  const extra: BackendRole[] = options.dashboard ? ['dashboard'] : [];
  const execArgv = options.execArgv ?? [];
  const edgeArgv = [...EDGE_NODE_OPTIONS, ...execArgv];
  try {
    if (layout === 'single') {
      const all: DeepReadonly<Config> = { ...config, backend: { ...config.backend, roles: ['broker', 'bridge', 'commands', ...extra] } };
      processes.push(await startBackendProcess(all, { execArgv: edgeArgv, onTransition: options.onTransition }));
    } else {
      const account = downlinkAccount();
      const urls: string[] = [];
      for (let i = 0; i < Math.max(1, options.edges ?? 1); i++) {
        const edge = await startBackendProcess(edgeConfig(config, account), { execArgv: edgeArgv });
        processes.push(edge);
        urls.push(edge.mqttUrl ?? '');
      }
      const service = serviceConfig(config, urls, account, extra);
      processes.push(await startBackendProcess(service, { execArgv, onTransition: options.onTransition }));
    }
  } catch (err) {
    await close();
    throw err;
  }
  const mqttUrls = processes.flatMap((p) => (p.mqttUrl === undefined ? [] : [p.mqttUrl]));
  const api = processes.find((p) => p.roles.includes('commands'));
  if (mqttUrls.length === 0 || api === undefined) throw new Error('the layout has no broker or no command service');
  return {
    layout,
    mqttUrls,
    apiUrl: api.httpUrl,
    async window() {
      const t0 = performance.now();
      const begin = await Promise.all(processes.map((p) => p.probe(true)));
      return {
        async end() {
          const end = await Promise.all(processes.map((p) => p.probe(false)));
          return windowFigures(
            processes.map((p) => p.roles.join('+')),
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
  roles: readonly string[],
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
      roles: roles[i] ?? '?',
      cpu_pct: Math.round(((e.cpuUs - (begin[i]?.cpuUs ?? 0)) / 1e6 / seconds) * 100),
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
