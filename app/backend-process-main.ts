/**
 * Child process entry of backend-process.ts: starts the backend roles of the config its parent
 * sends, reports over IPC (ready, transitions, probes); closes on 'stop' or when the parent goes away.
 */
import { constants, monitorEventLoopDelay, PerformanceObserver } from 'node:perf_hooks';
import { toV2xError } from '../core/errors.js';
import { configureLogging } from '../core/log.js';
import { ignoreBrokenPipes } from '../core/lifecycle.js';
import type { RunningBackend, StackViewSource } from '../backend/app.js';
import type { BackendProbe, BackendToParent, MetricJson, ParentToBackend, Percentiles, StackView } from './backend-process.js';
import { networkSource } from './network.js';

// The log level and format first, then the backend's modules; the message listener below is
// attached at once, so the parent's first message is never missed.
configureLogging((process.argv[2] ?? 'warn') as Parameters<typeof configureLogging>[0], process.argv[3] === 'pretty' ? 'pretty' : 'json');
const servesView = process.argv[4] === 'view';
ignoreBrokenPipes();
// The parent stops this process (over IPC) when the user presses Ctrl-C; a signal from the terminal
// must not kill it first (that would read as a crash, and be restarted). SIGTERM stops it cleanly.
process.on('SIGINT', () => undefined);
process.on('SIGTERM', () => void stop());
const modules = Promise.all([
  import('../backend/app.js'),
  import('../backend/kafka/index.js'),
  import('../backend/metrics/bridge-metrics.js'),
]);

const send = (m: BackendToParent): void => {
  if (process.connected) process.send?.(m);
};
/** The last word, delivered before the exit (process.send is asynchronous). */
const finish = (m: BackendToParent, code: number): void => {
  if (process.connected && process.send !== undefined) process.send(m, () => process.exit(code));
  else process.exit(code);
};

const delay = monitorEventLoopDelay({ resolution: 10 });
delay.enable();
let gcPauses: number[] = [];
let majorGcPauses: number[] = [];
/** V8 heap in use just after the last full collection: the live heap, without garbage not yet collected (the soak's leak measure). */
let heapAfterMajorGc: number | undefined;
new PerformanceObserver((list) => {
  for (const e of list.getEntries()) {
    gcPauses.push(e.duration);
    if ((e as { detail?: { kind?: number } }).detail?.kind === constants.NODE_PERFORMANCE_GC_MAJOR) {
      majorGcPauses.push(e.duration);
      heapAfterMajorGc = process.memoryUsage().heapUsed;
    }
  }
}).observe({ entryTypes: ['gc'] });

const r1 = (x: number): number => Math.round(x * 10) / 10;
function percentiles(values: number[]): Percentiles {
  const v = [...values].sort((a, b) => a - b);
  const at = (q: number): number => (v.length === 0 ? 0 : (v[Math.min(v.length - 1, Math.ceil(q * v.length) - 1)] as number));
  return { p50: r1(at(0.5)), p99: r1(at(0.99)), max: r1(v.at(-1) ?? 0), count: v.length };
}

let backend: RunningBackend | undefined;
let stopping: Promise<void> | undefined;
const stop = (): Promise<void> =>
  (stopping ??= (async () => {
    try {
      await backend?.close();
      finish({ type: 'done' }, 0);
    } catch (err) {
      const e = toV2xError(err);
      finish({ type: 'done', error: { code: e.code, message: e.message } }, 1);
    }
  })());
// The parent gone (it exited, or was killed): stop, and do not outlive it if closing hangs (a Kafka
// that went away with it).
process.on('disconnect', () => {
  setTimeout(() => process.exit(1), 10_000).unref();
  void stop();
});

async function probe(reset: boolean): Promise<BackendProbe> {
  const cpu = process.cpuUsage();
  const mem = process.memoryUsage();
  const out: BackendProbe = {
    cpuUs: cpu.user + cpu.system,
    loopDelayMs: {
      p50: r1(delay.percentile(50) / 1e6),
      p99: r1(delay.percentile(99) / 1e6),
      max: r1(delay.max / 1e6),
      count: delay.count,
    },
    gcPauseMs: percentiles(gcPauses),
    majorGcPauseMs: percentiles(majorGcPauses),
    heapUsedMb: Math.round(mem.heapUsed / 1e6),
    heapTotalMb: Math.round(mem.heapTotal / 1e6),
    externalMb: Math.round(mem.external / 1e6),
    arrayBuffersMb: Math.round(mem.arrayBuffers / 1e6),
    ...(heapAfterMajorGc !== undefined && { heapAfterMajorGcMb: Math.round(heapAfterMajorGc / 1e6) }),
    metrics: backend === undefined ? [] : ((await backend.metrics.registry.getMetricsAsJSON()) as unknown as MetricJson[]),
    health: backend?.health() ?? { starting: true },
  };
  if (reset) {
    delay.reset();
    gcPauses = [];
    majorGcPauses = [];
  }
  return out;
}

// the whole stack's view, asked of the parent (the supervisor) for this process's /metrics and /health
const views = new Map<number, { resolve: (v: StackView) => void; reject: (err: Error) => void }>();
let nextView = 1;
function askView(): Promise<StackView> {
  const id = nextView++;
  return new Promise<StackView>((resolve, reject) => {
    views.set(id, { resolve, reject });
    send({ type: 'view', id });
  });
}
const stackView: StackViewSource = {
  metrics: async () => (await askView()).metrics,
  health: async () => ({ ...(await askView()).health }),
};

process.on('message', (m: ParentToBackend) => {
  if (m.type === 'stop') void stop();
  else if (m.type === 'view') {
    const w = views.get(m.id);
    views.delete(m.id);
    if (m.view !== undefined) w?.resolve(m.view);
    else w?.reject(new Error(m.error ?? 'no view'));
  } else if (m.type === 'probe') {
    void probe(m.reset).then((p) => send({ type: 'probe', id: m.id, probe: p }));
  } else if (m.type === 'start') {
    void (async () => {
      try {
        const [{ createBackend }, { createKafkaClient }, { createBridgeMetrics }] = await modules;
        const { config } = m;
        const kafka = createKafkaClient({
          brokers: config.kafka.brokers,
          clientId: config.kafka.clientId,
          client: config.kafka.client,
        });
        backend = await createBackend({
          config,
          network: networkSource(config.sim),
          kafka,
          metrics: createBridgeMetrics(undefined, false),
          ...(servesView && { stackView }),
        }).start();
        if (m.forwardTransitions)
          backend.commands?.events.on('transition', (t) => send({ type: 'transition', commandId: t.commandId, to: t.to, at: t.at }));
        const b = backend.broker;
        send({ type: 'ready', httpUrl: backend.httpUrl, ...(b ? { mqttUrl: b.tcpUrl, wsPort: b.wsPort, tlsPort: b.tlsPort } : {}) });
      } catch (err) {
        const e = toV2xError(err);
        finish({ type: 'done', error: { code: e.code, message: e.message } }, 1);
      }
    })();
  }
});
