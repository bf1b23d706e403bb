/**
 * The dashboard under a whole fleet: a real Kafka (KAFKA_BROKERS, else one started through
 * infra/kafka), the backend with the roles the dashboard needs (embedded broker, bridge, dashboard
 * hub + fleet state; geofencing, traffic and commands add nothing to what the page receives) laid
 * out as `v2x backend --roles broker,bridge,dashboard` lays it out (bench/lib/stack.ts, the shipped
 * topology of decision 0026: edges sized to the machine, --edges = stack.edges, --single-process =
 * stack.singleProcess; the JSON's `topology` lists the processes that ran), the
 * simulator in its own process (`v2x sim`: --cars cars at --rate Hz, binary codec, QoS 0
 * telemetry, one worker, --traffic slice, no sleep, no coverage holes), and real headless Chromium
 * showing the dashboard with the whole city in view.
 *
 * By default the hub sends every car as a single car (dashboard.clusterZoom 0 and
 * dashboard.maxCarsPerFrame = --cars): the page draws all of them every animation frame, the worst
 * case for the browser. --clustered keeps the hub's defaults (grouped cars below zoom 14, at most
 * 2,000 single cars per frame) to show what a user gets out of the box.
 *
 * Measured over --seconds after the page has the fleet: frames per second from the page's
 * requestAnimationFrame timestamps (window.__v2x.frameTimes) counted in 1 s windows (median and
 * p5), the main-thread time each frame took to draw, and the socket.io bytes per second the client
 * received (CDP Network.webSocketFrameReceived payload lengths). CPU of each part over the same
 * window from /proc (each backend process by name; the simulator; Chromium; Kafka when started
 * here; the bench process itself), in cores of the machine. Progress goes to stderr; the last stdout line is JSON.
 *
 * --feed kafka replaces the broker and simulator with synthetic cars written straight to Kafka
 * (bench/lib/kafka-fleet-feed.ts: the same status and binary telemetry records the bridge writes),
 * for when the MQTT side cannot carry the fleet on the machine at hand; the hub, the fleet state and
 * the browser do the same work. If the simulator's ramp stalls, the bench measures what connected.
 *
 *   node .build/x/bench/dashboard.js [--cars 10000] [--rate 1] [--seconds 30] [--feed kafka|sim]
 *        [--ramp-rate 200] [--ramp-deadline 300] [--clustered] [--seed 1] [--edges 0] [--single-process]
 */
import { spawn, spawnSync } from 'node:child_process';
import { once } from 'node:events';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { availableParallelism, loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Browser, PlaywrightCore } from '../test/integration/dashboard-e2e/playwright.js';
import { createKafkaClient } from '../backend/kafka/index.js';
import { benchConfig, benchKafka } from './lib/backend.js';
import { startBenchStack } from './lib/stack.js';
import { numberFlag, numberFlags, stringFlag } from './lib/flags.js';
import { startKafkaFleetFeed } from './lib/kafka-fleet-feed.js';
import { cpuByChild, processCpuSeconds } from './lib/proc-cpu.js';
import { loadNetwork, seedOf } from '../simulator/runtime/world.js';
import { CHROMIUM_ARGS, chromiumPath } from '../infra/chromium.js';

const flags = numberFlags({ cars: 10_000, rate: 1, seconds: 30, rampDeadline: 300, edges: 0 });
const { cars: CARS, rate: RATE, seconds: SECONDS, rampDeadline: RAMP_DEADLINE_S, edges: EDGES } = flags;
const SINGLE = process.argv.includes('--single-process');
const SEED = stringFlag('seed', '1');
const RAMP = numberFlag('ramp-rate', 200);
const CLUSTERED = process.argv.includes('--clustered');
const FEED = stringFlag('feed', 'kafka');
if (FEED !== 'sim' && FEED !== 'kafka') throw new Error(`--feed must be sim or kafka (got ${FEED})`);
const FLEET_KEY = 'bench-dashboard-fleet-key';
const TOKEN = 'bench-viewer-token';

const status = (s: string): void => void process.stderr.write(`bench dashboard: ${s}\n`);
const wait = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));
const pct = (xs: readonly number[], p: number): number => {
  const s = [...xs].sort((a, b) => a - b);
  return s.length === 0 ? 0 : (s[Math.min(s.length - 1, Math.max(0, Math.ceil((p / 100) * s.length) - 1))] as number);
};
const r1 = (x: number): number => Math.round(x * 10) / 10;
const r2 = (x: number): number => Math.round(x * 100) / 100;

const buildRoot = fileURLToPath(new URL('..', import.meta.url));
const cleanup: (() => Promise<unknown> | unknown)[] = [];

/** The bundle the backend serves: <build root>/dashboard, or one built now into a temp folder. */
function bundleDir(): string {
  const built = join(buildRoot, 'dashboard');
  if (existsSync(join(built, 'index.html'))) return built;
  const dir = mkdtempSync(join(tmpdir(), 'bench-dash-'));
  cleanup.push(() => rmSync(dir, { recursive: true, force: true }));
  const r = spawnSync(process.execPath, [join(buildRoot, 'scripts', 'build-dashboard.js'), '--out', dir, '--no-check'], {
    encoding: 'utf8',
  });
  if (r.status !== 0) throw new Error(`dashboard bundle build failed: ${r.stderr}`);
  return dir;
}

async function main(): Promise<Record<string, unknown>> {
  const pwName = 'playwright-core';
  const pw = (await import(pwName)) as PlaywrightCore;
  const { brokers, local } = await benchKafka(status);
  if (local !== undefined) cleanup.push(() => local.stop());
  const config = benchConfig(brokers, {
    'mqtt.fleetKey': FLEET_KEY,
    'backend.roles': 'broker,bridge,dashboard',
    'api.tokens': `bench:viewer:${TOKEN}`,
    'sim.seed': SEED,
    'sim.cars': CARS,
    'dashboard.staticDir': bundleDir(),
    ...(CLUSTERED ? {} : { 'dashboard.clusterZoom': 0, 'dashboard.maxCarsPerFrame': CARS }),
    'stack.edges': EDGES,
    'stack.singleProcess': SINGLE,
  });
  const kafka = createKafkaClient({ brokers, clientId: 'bench-dashboard' });
  const backend = await startBenchStack(config, { status });
  cleanup.push(() => backend.close());
  status(`topology: ${backend.topology.processes.map((p) => `${p.name} (${p.roles})`).join(', ')}`);
  const stackCpu = (): Record<string, number> =>
    Object.fromEntries(Object.entries(backend.pids()).map(([name, pid]) => [name, processCpuSeconds(pid)]));
  const api = async <T>(path: string): Promise<T> =>
    (await (await fetch(`${backend.httpUrl}${path}`, { headers: { authorization: `Bearer ${TOKEN}` } })).json()) as T;

  let simLine = '';
  let simExited = (): boolean => false;
  /** Telemetry written by the Kafka feed so far (with the simulator, the system panel's bridge count is used). */
  let feedSent: (() => number) | undefined;
  if (FEED === 'kafka') {
    status(`feeding ${CARS} synthetic cars at ${RATE} Hz straight into Kafka (binary telemetry; no MQTT)`);
    const feed = await startKafkaFleetFeed({
      kafka,
      topicPrefix: config.bridge.topicPrefix,
      network: loadNetwork({ seed: SEED, city: 'builtin', scenario: '' }),
      cars: CARS,
      rateHz: RATE,
      seed: String(seedOf(SEED)),
    });
    cleanup.push(() => feed.close());
    feedSent = feed.sent;
  } else {
    const brokerUrls = backend.mqttUrls.join(',');
    status(`simulator: ${CARS} cars at ${RATE} Hz, binary codec, QoS 0, into ${brokerUrls}`);
    const sim = spawn(
      process.execPath,
      [
        join(buildRoot, 'cli', 'run.js'),
        'sim',
        ...['--broker', brokerUrls, '--cars', String(CARS), '--seed', SEED, '--rate', String(RATE), '--qos', '0'],
        ...['--codec', 'binary', '--traffic', 'slice', '--workers', '1', '--no-sleep', '--coverage-holes', '0'],
        ...['--ramp-rate', String(RAMP), '--connect-timeout', String(RAMP_DEADLINE_S), '--fleet-key', FLEET_KEY],
      ],
      { stdio: ['ignore', 'ignore', 'pipe'], env: { ...process.env, V2X_LOG__LEVEL: 'warn' } },
    );
    sim.stderr?.setEncoding('utf8').on('data', (s: string) => (simLine = s.trim().split('\n').pop() ?? simLine));
    const simExit = once(sim, 'exit');
    cleanup.push(async () => {
      if (sim.exitCode === null) {
        sim.kill('SIGINT');
        await Promise.race([simExit, wait(15_000)]);
        if (sim.exitCode === null) sim.kill('SIGKILL');
      }
    });
    simExited = () => sim.exitCode !== null;
  }

  const rampDeadline = Date.now() + RAMP_DEADLINE_S * 1000;
  let connected = 0;
  let grewAt = Date.now();
  for (let last = 0; Date.now() < rampDeadline; await wait(2000)) {
    const now = (await api<{ connectedCars: number }>('/api/v1/system')).connectedCars;
    if (now > connected) grewAt = Date.now();
    connected = now;
    if (connected >= CARS) break;
    if (Date.now() - grewAt > 60_000) {
      status(`the ramp stalled at ${connected} cars for 60 s: measuring what the stack carries`);
      break;
    }
    if (simExited()) throw new Error(`the simulator exited: ${simLine}`);
    if (Date.now() - last > 10_000) {
      status(`${connected}/${CARS} cars connected (${simLine})`);
      last = Date.now();
    }
  }
  status(`${connected} cars connected; opening the dashboard`);

  const browser: Browser = await pw.chromium.launch({ executablePath: chromiumPath(), args: [...CHROMIUM_ARGS], headless: true });
  cleanup.push(() => browser.close());
  const page = await browser.newPage({ viewport: { width: 1280, height: 800 } });
  const cdp = await page.context().newCDPSession(page);
  let wsBytes = 0;
  let wsFrames = 0;
  cdp.on('Network.webSocketFrameReceived', (p) => {
    const r = p['response'] as { payloadData?: string; opcode?: number } | undefined;
    const data = r?.payloadData ?? '';
    // binary frames arrive base64-encoded: count their decoded size
    wsBytes += r?.opcode === 2 ? Math.floor((data.length * 3) / 4) : Buffer.byteLength(data);
    wsFrames++;
  });
  await cdp.send('Network.enable');
  await page.goto(backend.httpUrl, { waitUntil: 'load' });
  await page.fill('[data-testid=login-token]', TOKEN);
  await page.click('[data-testid=login-submit]');
  const hook = <T>(expr: string): Promise<T> => page.evaluate<T>(`window.__v2x ? (${expr}) : undefined`);
  const fillDeadline = Date.now() + 60_000;
  while (Date.now() < fillDeadline) {
    const p = await hook<{ cars: number; clusters: number; total: number } | undefined>('window.__v2x.positions()');
    if (p && (p.cars >= connected * 0.95 || (CLUSTERED && p.clusters > 0 && p.total >= connected * 0.95))) break;
    await wait(500);
  }
  await wait(3000); // warm-up: the first frames after the fleet arrives

  const cpu0 = cpuByChild(process.pid);
  const stack0 = stackCpu();
  const t0 = performance.now();
  const bytes0 = wsBytes;
  const wsFrames0 = wsFrames;
  const frames = new Map<number, number>();
  const drawn: number[] = [];
  const msgPerS: number[] = [];
  const sent0 = feedSent?.() ?? 0;
  const windowEnd = Date.now() + SECONDS * 1000;
  while (Date.now() < windowEnd) {
    await wait(2000);
    const s = await hook<{ t: number[]; d: number[]; n: number }>(
      '{ t: window.__v2x.frameTimes(), d: window.__v2x.drawTimes(), n: window.__v2x.positions().cars }',
    );
    s.t.forEach((t, i) => frames.set(t, s.d[i] ?? 0));
    drawn.push(s.n);
    msgPerS.push((await api<{ msgPerS: number }>('/api/v1/system')).msgPerS);
  }
  const elapsedS = (performance.now() - t0) / 1000;
  if (feedSent !== undefined) msgPerS.splice(0, msgPerS.length, (feedSent() - sent0) / elapsedS);
  const cpu1 = cpuByChild(process.pid);
  const stack1 = stackCpu();
  const bytesPerS = (wsBytes - bytes0) / elapsedS;
  const wsFramesPerS = (wsFrames - wsFrames0) / elapsedS;

  const times = [...frames.keys()].sort((a, b) => a - b);
  const first = times[0] ?? 0;
  const perWindow: number[] = [];
  for (let w = first; w + 1000 <= (times[times.length - 1] ?? 0); w += 1000)
    perWindow.push(times.filter((t) => t >= w && t < w + 1000).length);
  const drawMs = [...frames.values()];
  const cores = (a: number, b: number): number => r2((b - a) / elapsedS);
  // the backend's processes by name; the other children by command (node = the simulator, less the backend's processes)
  const backendCores: Record<string, number> = {};
  for (const [name, v] of Object.entries(stack1)) backendCores[name] = cores(stack0[name] ?? 0, v);
  const stackSum = (s: Record<string, number>): number => Object.values(s).reduce((n, v) => n + v, 0);
  const childCores: Record<string, number> = {};
  for (const [name, v] of Object.entries(cpu1.children)) {
    const own = name === 'node' ? stackSum(stack1) - stackSum(stack0) : 0;
    const c = cores((cpu0.children[name] ?? 0) + own, v);
    if (name !== 'node' || FEED === 'sim') childCores[name === 'node' ? 'simulator' : name] = c;
  }
  const figures = {
    fps: r1(pct(perWindow, 50)),
    fps_p5: r1(pct(perWindow, 5)),
    fps_windows: perWindow.length,
    draw_ms_p50: r2(pct(drawMs, 50)),
    draw_ms_p95: r2(pct(drawMs, 95)),
    bytes_per_s_per_client: Math.round(bytesPerS),
    ws_frames_per_s: r1(wsFramesPerS),
    cars: connected,
    cars_drawn: pct(drawn, 50),
    clustered: CLUSTERED,
    feed: FEED,
    rate_hz: RATE,
    telemetry_msg_per_s: Math.round(pct(msgPerS, 50)),
    cpu_cores: { ...backendCores, bench: cores(cpu0.self, cpu1.self), ...childCores },
    topology: backend.topology,
    machine_cores: availableParallelism(),
    load_avg_1m: r2(loadavg()[0] ?? 0),
    seconds: r1(elapsedS),
  };
  status(
    `fps median ${figures.fps} (p5 ${figures.fps_p5}) over ${perWindow.length} windows; draw ${figures.draw_ms_p50} ms p50, ` +
      `${figures.draw_ms_p95} ms p95; ${figures.cars_drawn} cars drawn; ${Math.round(bytesPerS / 1024)} KiB/s per client; ` +
      `CPU cores ${JSON.stringify(figures.cpu_cores)}; load ${figures.load_avg_1m}`,
  );
  return figures;
}

let code = 0;
try {
  const figures = await main();
  console.log(JSON.stringify(figures));
} catch (err) {
  console.error(err);
  code = 1;
} finally {
  for (const c of cleanup.splice(0).reverse()) {
    try {
      await c();
    } catch (err) {
      console.error('cleanup failed', err);
    }
  }
}
process.exit(code);
