/**
 * The simulator as a product, measured: `v2x sim`'s runtime (traffic model on, vehicle model,
 * parking, sleep, one lean MQTT session per car over worker threads) with 15,000 cars at 1 Hz,
 * QoS 1, against a real Mosquitto that this bench starts. Reported over a steady window after the
 * ramp and a warm-up: simulator CPU microseconds per telemetry message (process.cpuUsage of this
 * process: main thread and all workers; Mosquitto is another process and is reported apart) and KB
 * of simulator memory per car: the process's RSS at the end of the window less its RSS before the
 * run, over the cars of the run (every car's state is held, connected or not). Everything the run
 * added counts: the traffic model thread and the workers (their V8 isolates, code, road network,
 * heaps with whatever garbage they hold: only the main thread is collected before reading RSS).
 * PUBACK p99 is over the whole run (ramp, window and shutdown, the target's figure), and apart for
 * the ramp and the measured window.
 *
 *   node --expose-gc .build/x/bench/sim.js [--cars 15000] [--rate 1] [--qos 1] [--codec json]
 *        [--warmup 10] [--window 30] [--ramp 1500] [--workers 1] [--traffic fleet]
 *
 * One worker by default: Mosquitto runs on the same 2 cores. The traffic model runs once, in its
 * own thread (decision 0029), whatever the number of workers.
 *
 * Targets (issue 21): <= 30 us per message, <= 12 KB per car, every car connected (those in a
 * coverage hole or asleep at the end of the window are offline by design and counted apart:
 * `never_connected` must be 0), PUBACK p99 < 100 ms. Last line: JSON with the figures. The machine
 * has 2 cores shared with Mosquitto and other work: figures are noisy.
 */
import { readFileSync } from 'node:fs';
import { Type } from '@sinclair/typebox';
import { loadConfig } from '../core/config/load.js';
import { spawnMosquitto } from '../infra/mosquitto/launcher.js';
import { resolveSimSettings, simConfigSchema } from '../simulator/config.js';
import { Histogram, type SerializedHistogram } from '../core/histogram.js';
import type { UnitStats } from '../simulator/runtime/messages.js';
import { Simulation } from '../simulator/runtime/simulation.js';

function flag(name: string, fallback: string): string {
  const i = process.argv.indexOf(`--${name}`);
  return i >= 0 ? (process.argv[i + 1] ?? fallback) : fallback;
}
const num = (name: string, fallback: number): number => {
  const v = Number(flag(name, String(fallback)));
  if (!Number.isFinite(v)) throw new Error(`--${name} needs a number`);
  return v;
};

const cars = num('cars', 15_000);
const warmupS = num('warmup', 10);
const windowS = num('window', 30);

/** CPU seconds of a process from /proc (for Mosquitto). */
function procCpuS(pid: number | undefined): number {
  if (pid === undefined) return 0;
  try {
    const f = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1]!.split(' ');
    return (Number(f[11]) + Number(f[12])) / 100;
  } catch {
    return 0;
  }
}
function procRssKb(pid: number | undefined): number {
  if (pid === undefined) return 0;
  try {
    const m = /VmRSS:\s+(\d+)/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
    return Number(m?.[1] ?? 0);
  } catch {
    return 0;
  }
}
const rssKb = (): number => {
  (globalThis as { gc?: () => void }).gc?.();
  return Math.round(process.memoryUsage().rss / 1024);
};
/** p99 in ms of what `to` recorded after `from` (bucket counts subtracted). */
function p99Between(from: SerializedHistogram | undefined, to: SerializedHistogram): number {
  const counts = (h: SerializedHistogram | undefined): number[] => {
    const c: number[] = [];
    for (let k = 0, i = -1; h !== undefined && k + 1 < h.buckets.length; k += 2) c[(i += h.buckets[k]!)] = h.buckets[k + 1]!;
    return c;
  };
  const [a, b] = [counts(from), counts(to)];
  const buckets: number[] = [];
  let last = -1;
  let n = 0;
  for (let i = 0; i < b.length; i++) {
    const d = (b[i] ?? 0) - (a[i] ?? 0);
    if (d <= 0) continue;
    buckets.push(i - last, d);
    last = i;
    n += d;
  }
  const h = Histogram.deserialize({ v: 1, subBits: to.subBits, count: n, min: 0, max: to.max, sum: 0, buckets });
  return Math.round(h.percentile(99)) / 1000;
}
const sent = (s: UnitStats): number => s.mqtt.sent[0] + s.mqtt.sent[1] + s.mqtt.sent[2];

const broker = await spawnMosquitto({ readyTimeoutMs: 20_000 });
const baseRss = rssKb();
const settings = resolveSimSettings(
  loadConfig(Type.Object({ sim: simConfigSchema }), {
    flags: {
      'sim.broker': broker.url,
      'sim.cars': cars,
      'sim.seed': flag('seed', '1'),
      'sim.rate': num('rate', 1),
      'sim.qos': num('qos', 1),
      'sim.codec': flag('codec', 'json'),
      'sim.rampRate': num('ramp', 1500),
      'sim.workers': num('workers', 1),
      'sim.traffic': flag('traffic', 'fleet'),
      'sim.credentials': 'none',
      'sim.connectTimeoutS': 60,
    },
  }).sim,
);
const sim = new Simulation(settings);
console.log(
  `bench sim: ${cars} cars, ${settings.rateHz} Hz, QoS ${settings.qos}, codec ${settings.codec}, ${sim.workers} workers, Mosquitto ${broker.url}`,
);

let requestStop!: () => void;
const stopRequested = new Promise<void>((resolve) => (requestStop = resolve));
let rampDoneAt = 0;
let rampSeconds = 0;
let windowStart:
  { at: number; cpu: NodeJS.CpuUsage; sent: number; tel: number; brokerCpu: number; puback: SerializedHistogram } | undefined;
let rampPuback: SerializedHistogram | undefined;
let result: Record<string, unknown> | undefined;
const t0 = performance.now();
let lastPrint = 0;

const run = sim.run({
  stopRequested,
  onUpdate: (phase, stats) => {
    const now = performance.now();
    if (now - lastPrint > 5000) {
      lastPrint = now;
      console.log(
        `  ${((now - t0) / 1000).toFixed(0)} s ${phase}: connected ${stats.mqtt.states.connected}, sent ${sent(stats)}, acked ${stats.mqtt.acked[1]}, errors ${JSON.stringify(stats.mqtt.errors)}`,
      );
    }
    if (phase !== 'running') return;
    if (rampDoneAt === 0) {
      rampDoneAt = now;
      rampSeconds = (now - t0) / 1000;
      rampPuback = stats.mqtt.pubackLatencyUs;
    }
    if (windowStart === undefined && now - rampDoneAt >= warmupS * 1000) {
      windowStart = {
        at: now,
        cpu: process.cpuUsage(),
        sent: sent(stats),
        tel: stats.sim.published.telemetry,
        brokerCpu: procCpuS(broker.pid),
        puback: stats.mqtt.pubackLatencyUs,
      };
    } else if (windowStart !== undefined && result === undefined && now - windowStart.at >= windowS * 1000) {
      const cpu = process.cpuUsage(windowStart.cpu);
      const msgs = sent(stats) - windowStart.sent;
      const tel = stats.sim.published.telemetry - windowStart.tel;
      const secs = (now - windowStart.at) / 1000;
      const rss = rssKb();
      const connected = stats.mqtt.states.connected;
      result = {
        bench: 'sim',
        cars,
        connected,
        in_coverage_holes: stats.sim.inHoleNow,
        asleep: stats.sim.asleepNow,
        never_connected: cars - stats.sim.connectedOnce,
        rate_hz: settings.rateHz,
        qos: settings.qos,
        codec: settings.codec,
        workers: sim.workers,
        traffic: settings.traffic,
        window_s: Math.round(secs),
        ramp_s: Math.round(rampSeconds),
        msgs_per_s: Math.round(msgs / secs),
        telemetry_per_s: Math.round(tel / secs),
        us_per_msg: Math.round(((cpu.user + cpu.system) / msgs) * 10) / 10,
        us_per_msg_user: Math.round((cpu.user / msgs) * 10) / 10,
        us_per_msg_system: Math.round((cpu.system / msgs) * 10) / 10,
        kb_per_car: Math.round(((rss - baseRss) / cars) * 10) / 10,
        rss_mb: Math.round(rss / 1024),
        puback_p99_ms: 0,
        puback_p99_ramp_ms: p99Between(undefined, rampPuback ?? stats.mqtt.pubackLatencyUs),
        puback_p99_window_ms: p99Between(windowStart.puback, stats.mqtt.pubackLatencyUs),
        acked: stats.mqtt.acked[1] + stats.mqtt.acked[2],
        errors: stats.mqtt.errors,
        mosquitto_us_per_msg: Math.round((((procCpuS(broker.pid) - windowStart.brokerCpu) * 1e6) / msgs) * 10) / 10,
        mosquitto_rss_mb: Math.round(procRssKb(broker.pid) / 1024),
        sim_time_s: stats.sim.simTimeS,
      };
      requestStop();
    }
  },
});

try {
  const summary = await run;
  if (result === undefined) throw new Error('the run ended before the measurement window (see the errors above)');
  result.puback_p99_ms = summary.pubackMs.p99Ms;
  result.puback_p50_ms = summary.pubackMs.p50Ms;
  result.connect_p99_ms = summary.connectMs.p99Ms;
  console.log(
    `simulator: ${result.us_per_msg} us CPU per message (target <= 30), ${result.kb_per_car} KB per car (target <= 12), ` +
      `${String(result.never_connected)} cars never connected, PUBACK p99 ${result.puback_p99_ms} ms (target < 100)`,
  );
  console.log(JSON.stringify(result));
} finally {
  await broker.dispose();
}
