/**
 * Which MQTT client should the simulator's cars use? Measured side by side in one run against a
 * real Mosquitto:
 *   (a) mqttjs: N cars, each an mqtt.js client with its own 1 Hz setInterval (the naive harness);
 *   (b) lean:   N cars as lean sessions (simulator/mqtt) on one shared timer wheel.
 * Both publish QoS 1 at 1 Hz with a ~300-byte payload. Each variant runs in its own child process
 * (so memory deltas are clean), one after the other, alternating the order between runs.
 * Reported per variant: simulator CPU microseconds per message (process.cpuUsage over a steady
 * window after the ramp), KB per connection (RSS and heap deltas over the idle baseline, after GC),
 * PUBACK latency percentiles, and Mosquitto's own CPU over the same window; then the ratios.
 *
 *   node .build/mqtt/bench/mqtt-client.js [--cars 2000] [--runs 3] [--window 10] [--warmup 3]
 *                                         [--ramp 1000] [--payload 300]
 *
 * The machine has 2 cores shared with other work, and Mosquitto runs on them too: figures are
 * noisy; the median of --runs runs is reported. Last line of stdout: the result JSON, also written
 * with the commit and machine to bench/results/mqtt-client.json (mqtt-client-<cars>.json for a
 * --cars other than the default 2000). `npm run bench -- mqtt-client` (bench/run.ts) works too; the
 * runner then rewrites the file in its own envelope, with this JSON as `figures`.
 */
import { spawn } from 'node:child_process';
import { loadavg } from 'node:os';
import { fileURLToPath } from 'node:url';
import { createInterface } from 'node:readline';
import { spawnMosquitto } from '../test/helpers/mosquitto.js';
import { leanFleet, mqttjsFleet } from './lib/mqtt-client-fleets.js';
import { processCpuSeconds } from './lib/proc-cpu.js';
import { writeResult } from './lib/provenance.js';

type Variant = 'mqttjs' | 'lean';

interface Flags {
  cars: number;
  runs: number;
  window: number;
  warmup: number;
  ramp: number;
  payload: number;
}

interface ChildResult {
  variant: Variant;
  cars: number;
  connected: number;
  sent: number;
  acked: number;
  windowS: number;
  cpuUs: number;
  usPerMsg: number;
  userUsPerMsg: number;
  systemUsPerMsg: number;
  rssKbPerConn: number;
  heapKbPerConn: number;
  pubackP50Ms: number;
  pubackP99Ms: number;
  brokerCpuUsPerMsg?: number;
}

function parseFlags(argv: readonly string[]): Flags & { child?: Variant; host: string; port: number } {
  const f: Flags & { child?: Variant; host: string; port: number } = {
    cars: 2000,
    runs: 3,
    window: 10,
    warmup: 3,
    ramp: 1000,
    payload: 300,
    host: '127.0.0.1',
    port: 0,
  };
  for (let i = 0; i < argv.length; i++) {
    const name = argv[i]!;
    const value = argv[i + 1];
    if (!name.startsWith('--') || value === undefined) throw new Error(`bad argument ${name}`);
    i++;
    const key = name.slice(2);
    if (key === 'child') {
      if (value !== 'lean' && value !== 'mqttjs') throw new Error(`--child lean|mqttjs, not ${value}`);
      f.child = value;
    } else if (key === 'host') f.host = value;
    else if (key in f) {
      const n = Number(value);
      if (!Number.isFinite(n) || n <= 0) throw new Error(`--${key} needs a positive number, not ${value}`);
      (f as unknown as Record<string, number>)[key] = n;
    } else throw new Error(`unknown flag ${name}`);
  }
  if (f.cars > 19_000) throw new Error('--cars above 19000 exceeds the 20,000 open files a process may hold here; use several processes');
  return f;
}

function median(xs: readonly number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  const m = Math.floor(s.length / 2);
  return s.length % 2 === 1 ? s[m]! : (s[m - 1]! + s[m]!) / 2;
}

function procCpuUs(pid: number): number {
  return processCpuSeconds(pid) * 1e6;
}

// ---- parent: broker, children, report --------------------------------------------------------

async function runChild(variant: Variant, flags: Flags, port: number, brokerPid: number | undefined): Promise<ChildResult> {
  const self = fileURLToPath(import.meta.url);
  const args = ['--expose-gc', self, '--child', variant, '--port', String(port)];
  for (const k of ['cars', 'window', 'warmup', 'ramp', 'payload'] as const) args.push(`--${k}`, String(flags[k]));
  const child = spawn(process.execPath, args, { stdio: ['ignore', 'pipe', 'inherit'] });
  let result: ChildResult | undefined;
  let brokerStart = 0;
  let brokerCpu = 0;
  const lines = createInterface({ input: child.stdout! });
  lines.on('line', (line) => {
    if (line === 'WINDOW_START' && brokerPid !== undefined) brokerStart = procCpuUs(brokerPid);
    else if (line === 'WINDOW_END' && brokerPid !== undefined) brokerCpu = procCpuUs(brokerPid) - brokerStart;
    else if (line.startsWith('{')) result = JSON.parse(line) as ChildResult;
  });
  const code = await new Promise<number | null>((r) => child.on('exit', r));
  if (code !== 0 || result === undefined) throw new Error(`${variant} child failed (exit ${code})`);
  if (brokerPid !== undefined && result.sent > 0) result.brokerCpuUsPerMsg = brokerCpu / result.sent;
  return result;
}

async function parent(flags: Flags): Promise<void> {
  const broker = await spawnMosquitto();
  const results: Record<Variant, ChildResult[]> = { mqttjs: [], lean: [] };
  const load = loadavg()[0] ?? 0;
  try {
    process.stderr.write(
      `mosquitto on ${broker.url} (pid ${broker.pid}); ${flags.cars} cars, QoS 1 at 1 Hz, ${flags.payload} B; load average ${load.toFixed(2)}\n`,
    );
    for (let run = 0; run < flags.runs; run++) {
      const order: Variant[] = run % 2 === 0 ? ['mqttjs', 'lean'] : ['lean', 'mqttjs'];
      for (const v of order) {
        const r = await runChild(v, flags, broker.port, broker.pid);
        results[v].push(r);
        process.stderr.write(
          `run ${run + 1} ${v.padEnd(6)} ${r.usPerMsg.toFixed(1).padStart(6)} us/msg (user ${r.userUsPerMsg.toFixed(1)}, sys ${r.systemUsPerMsg.toFixed(1)})  rss ${r.rssKbPerConn.toFixed(1).padStart(6)} KB/conn  heap ${r.heapKbPerConn.toFixed(1).padStart(6)} KB/conn  ` +
            `${(r.sent / r.windowS).toFixed(0)} msg/s  acked ${r.acked}/${r.sent}  p50 ${r.pubackP50Ms.toFixed(2)} ms  p99 ${r.pubackP99Ms.toFixed(2)} ms  broker ${(r.brokerCpuUsPerMsg ?? 0).toFixed(1)} us/msg\n`,
        );
      }
    }
  } finally {
    await broker.dispose();
  }
  const summary = (v: Variant) => ({
    us_per_msg: median(results[v].map((r) => r.usPerMsg)),
    user_us_per_msg: median(results[v].map((r) => r.userUsPerMsg)),
    system_us_per_msg: median(results[v].map((r) => r.systemUsPerMsg)),
    rss_kb_per_conn: median(results[v].map((r) => r.rssKbPerConn)),
    heap_kb_per_conn: median(results[v].map((r) => r.heapKbPerConn)),
    puback_p50_ms: median(results[v].map((r) => r.pubackP50Ms)),
    puback_p99_ms: median(results[v].map((r) => r.pubackP99Ms)),
    broker_us_per_msg: median(results[v].map((r) => r.brokerCpuUsPerMsg ?? 0)),
    runs_us_per_msg: results[v].map((r) => Number(r.usPerMsg.toFixed(2))),
  });
  const mqttjs = summary('mqttjs');
  const lean = summary('lean');
  const out = {
    bench: 'mqtt-client',
    broker: 'mosquitto (same machine, sharing the cores)',
    cars: flags.cars,
    rate_hz: 1,
    qos: 1,
    payload_bytes: flags.payload,
    window_s: flags.window,
    runs: flags.runs,
    mqttjs,
    lean,
    ratio_us_per_msg: Number((mqttjs.us_per_msg / lean.us_per_msg).toFixed(2)),
    ratio_rss_kb_per_conn: Number((mqttjs.rss_kb_per_conn / lean.rss_kb_per_conn).toFixed(2)),
    ratio_heap_kb_per_conn: Number((mqttjs.heap_kb_per_conn / lean.heap_kb_per_conn).toFixed(2)),
    us_per_msg: lean.us_per_msg,
    kb_per_car: lean.rss_kb_per_conn,
  };
  process.stderr.write(
    `\nmedian of ${flags.runs}: mqtt.js ${mqttjs.us_per_msg.toFixed(1)} us/msg, ${mqttjs.rss_kb_per_conn.toFixed(1)} KB/conn RSS (${mqttjs.heap_kb_per_conn.toFixed(1)} heap)\n` +
      `              lean    ${lean.us_per_msg.toFixed(1)} us/msg, ${lean.rss_kb_per_conn.toFixed(1)} KB/conn RSS (${lean.heap_kb_per_conn.toFixed(1)} heap)\n` +
      `              ratio   ${out.ratio_us_per_msg}x CPU, ${out.ratio_rss_kb_per_conn}x RSS, ${out.ratio_heap_kb_per_conn}x heap\n`,
  );
  writeResult(
    flags.cars === 2000 ? 'mqtt-client' : `mqtt-client-${flags.cars}`,
    { ...out, load_avg_1m: Number(load.toFixed(2)) },
    process.argv.slice(2),
  );
  process.stdout.write(JSON.stringify(out) + '\n');
}

// ---- child: one variant -----------------------------------------------------------------------

async function child(variant: Variant, f: Flags & { host: string; port: number }): Promise<void> {
  const gc = (globalThis as { gc?: () => void }).gc;
  const payload = Buffer.alloc(f.payload, 0x61);
  const start = variant === 'lean' ? await leanFleet() : await mqttjsFleet();
  gc?.();
  const base = process.memoryUsage();
  const fleet = start({ host: f.host, port: f.port, cars: f.cars, ramp: f.ramp, payload });
  const deadline = Date.now() + (f.cars / f.ramp) * 1000 + 60_000;
  while (fleet.connected() < f.cars) {
    if (Date.now() > deadline) throw new Error(`${variant}: only ${fleet.connected()} of ${f.cars} connected`);
    await new Promise((r) => setTimeout(r, 100));
  }
  await new Promise((r) => setTimeout(r, f.warmup * 1000));
  gc?.();
  const mem = process.memoryUsage();
  fleet.resetLatency();
  process.stdout.write('WINDOW_START\n');
  const cpu0 = process.cpuUsage();
  const sent0 = fleet.sent();
  const acked0 = fleet.acked();
  const t0 = performance.now();
  await new Promise((r) => setTimeout(r, f.window * 1000));
  const cpu = process.cpuUsage(cpu0);
  const windowS = (performance.now() - t0) / 1000;
  const sent = fleet.sent() - sent0;
  const acked = fleet.acked() - acked0;
  process.stdout.write('WINDOW_END\n');
  const result: ChildResult = {
    variant,
    cars: f.cars,
    connected: fleet.connected(),
    sent,
    acked,
    windowS,
    cpuUs: cpu.user + cpu.system,
    usPerMsg: (cpu.user + cpu.system) / Math.max(1, sent),
    userUsPerMsg: cpu.user / Math.max(1, sent),
    systemUsPerMsg: cpu.system / Math.max(1, sent),
    rssKbPerConn: (mem.rss - base.rss) / 1024 / f.cars,
    heapKbPerConn: (mem.heapUsed - base.heapUsed) / 1024 / f.cars,
    pubackP50Ms: fleet.latencyMs(50),
    pubackP99Ms: fleet.latencyMs(99),
  };
  await fleet.close();
  process.stdout.write(JSON.stringify(result) + '\n');
}

const flags = parseFlags(process.argv.slice(2));
if (flags.child !== undefined) await child(flags.child, flags);
else await parent(flags);
