/**
 * `npm run soak -- --minutes 60`: the shipped stack under a steady demo load for a long time, watched
 * for memory growth and loss (issue 19).
 *
 * The stack is the one `v2x up` starts (bench/lib/stack.ts: the topology of decision 0026 sized to this
 * machine, every role, a local Kafka unless KAFKA_BROKERS); the cars are `v2x up`'s simulator in a
 * child process of their own (--cars, default 3,000, over every edge, QoS 1, sleeping when parked) on
 * the city of scripts/soak/scenario.yaml, whose random incidents make jams form and clear all through
 * the run; fences and remote commands come through the REST API (scripts/soak/load.ts).
 *
 * Every --sample-s seconds it probes every backend process (V8 heap and event-loop delay over IPC, RSS
 * from /proc), the simulator's RSS (/proc) and its own; every minute it reports each process's
 * median of that minute, the services' consumer lag, and the books on what reached Kafka
 * (scripts/soak/ledger.ts): telemetry lost (a hole in a car's seqs below one that arrived, older than
 * a minute) and duplicated, commands executed twice. Minutes go to a terminal as lines and to files
 * and pipes as JSON lines (--jsonl FILE as well). At the end it stops the load and the cars, lets
 * Kafka drain, and settles the books with no grace.
 *
 * It writes <out>/soak.json (every minute, the verdict) and <out>/soak.svg (RSS and heap per process
 * over time) and prints the result as the last JSON line. Exit 1 when a process's RSS or heap grew
 * more than --max-growth (0.10) after the warm-up (--warmup minutes, default a sixth of the run, at
 * least 1), any telemetry was lost, a command ran twice or a backend process restarted.
 *
 *   npm run soak -- [--minutes 60] [--cars 3000] [--warmup M] [--commands-per-s 1] [--max-growth 0.1]
 *        [--sample-s 10] [--coverage-holes 0] [--seed 1] [--out bench/results] [--jsonl FILE]
 */
import { randomUUID } from 'node:crypto';
import { appendFileSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { constants, monitorEventLoopDelay, PerformanceObserver } from 'node:perf_hooks';
import { configureLogging } from '../core/log.js';
import { FleetGenerator } from '../simulator/fleet/generate.js';
import { startFleetProcess, type FleetProcess } from '../simulator/runtime/fleet-process.js';
import { seedOf } from '../simulator/runtime/world.js';
import { benchConfig, benchKafka } from '../bench/lib/backend.js';
import { numberFlags, stringFlag } from '../bench/lib/flags.js';
import { commitId, machineInfo, repoRoot } from '../bench/lib/provenance.js';
import { startBenchStack, type BenchStack } from '../bench/lib/stack.js';
import { acknowledgedLossOf } from './soak/ledger.js';
import { soakChart } from './soak/chart.js';
import { startSoakLoad, type SoakLoad } from './soak/load.js';
import { backendSample, procRssMb, selfSample, type ProcessSample } from './soak/metrics.js';
import { minuteLine, minuteReport, type MinuteReport } from './soak/report.js';
import { median, verdict, type MinuteRow } from './soak/verdict.js';
import { startSoakWatch, type SoakWatch } from './soak/watch.js';

const F = numberFlags({ minutes: 60, cars: 3000, warmup: -1, commandsPerS: 1, maxGrowth: 0.1, sampleS: 10, coverageHoles: 0 });
const SEED = stringFlag('seed', '1');
const OUT = resolve(stringFlag('out', join(repoRoot(), 'bench', 'results')));
const JSONL = stringFlag('jsonl', '');
for (const [k, v] of Object.entries({ minutes: F.minutes, cars: F.cars, 'sample-s': F.sampleS }))
  if (!(v > 0)) throw new Error(`--${k} must be above 0 (got ${v})`);
if (!Number.isInteger(F.cars)) throw new Error(`--cars must be a whole number (got ${F.cars})`);
const WARMUP = F.warmup >= 0 ? F.warmup : Math.max(1, Math.round(F.minutes / 6));
if (WARMUP >= F.minutes) throw new Error(`--warmup (${WARMUP}) must be below --minutes (${F.minutes})`);
const TOKEN = `soak-${randomUUID()}`;
const CENTRE = { lat: 48.137, lon: 11.575 };
const TTY = process.stdout.isTTY === true;

configureLogging('warn');
const status = (s: string): void => void process.stderr.write(`[soak] ${s}\n`);
const wait = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));
/** `p`, or a rejection naming `what` after `ms` (a process that died mid-probe never answers). */
const within = <T>(p: Promise<T>, ms: number, what: string): Promise<T> =>
  Promise.race([p, new Promise<never>((_, reject) => setTimeout(() => reject(new Error(`${what}: no answer in ${ms} ms`)), ms).unref())]);
let interrupted = false;
let wake: (() => void) | undefined;
process.once('SIGINT', () => {
  interrupted = true;
  status('interrupted: settling the books and writing what was measured');
  wake?.();
});

const { brokers, local } = await benchKafka(status);
const prefix = `soak${randomUUID().slice(0, 8)}.`;
const scenario = join(repoRoot(), 'scripts', 'soak', 'scenario.yaml');
const summaryFile = join(tmpdir(), `soak-sim-${randomUUID()}.json`);
const config = benchConfig(brokers, {
  'bridge.topicPrefix': prefix,
  'api.tokens': `soak:admin:${TOKEN}`,
  'sim.scenario': scenario,
  'sim.seed': SEED,
});
const cleanup: (() => Promise<unknown>)[] = [];
let exitCode = 0;
try {
  status('starting the stack (the shipped topology, every role)');
  const stack: BenchStack = await startBenchStack(config, { status });
  cleanup.push(() => stack.close());
  const watch: SoakWatch = await startSoakWatch(brokers, prefix);
  cleanup.push(() => watch.close());

  status(`${F.cars} cars connecting to ${stack.mqttUrls.join(',')}`);
  const fleet: FleetProcess = await startFleetProcess(
    {
      ...config.sim,
      cars: F.cars,
      broker: stack.mqttUrls.join(','),
      duration: '0',
      credentials: 'fleet-key',
      fleetKey: config.mqtt.fleetKey,
      coverageHolesPerHour: F.coverageHoles,
      connectTimeoutS: 120,
      summaryJson: summaryFile,
    },
    { logLevel: 'warn', nice: config.stack.fleetNice },
  );
  let fleetStopped = false;
  cleanup.push(() => (fleetStopped ? Promise.resolve() : fleet.stop()));
  await Promise.race([fleet.ramped, fleet.done]);
  status(`ramp done: ${fleet.latest()?.connected ?? 0} cars connected`);

  const vins = new FleetGenerator({ seed: seedOf(SEED) }).cars(0, F.cars).map((c) => c.vin);
  const load: SoakLoad = await startSoakLoad({
    httpUrl: stack.httpUrl,
    token: TOKEN,
    vins,
    commandsPerS: F.commandsPerS,
    centre: CENTRE,
    seed: SEED,
    onError: (line) => status(line),
  });
  cleanup.push(() => load.stop());

  const loop = monitorEventLoopDelay({ resolution: 20 });
  loop.enable();
  let selfLiveHeap: number | undefined;
  new PerformanceObserver((list) => {
    for (const e of list.getEntries())
      if ((e as { detail?: { kind?: number } }).detail?.kind === constants.NODE_PERFORMANCE_GC_MAJOR)
        selfLiveHeap = process.memoryUsage().heapUsed;
  }).observe({ entryTypes: ['gc'] });
  const pidsSeen = new Map<string, number>();
  let restarts = 0;
  const checkPids = (): void => {
    for (const [name, pid] of Object.entries(stack.pids())) {
      const before = pidsSeen.get(name);
      if (before !== undefined && before !== pid) restarts++;
      pidsSeen.set(name, pid);
    }
  };
  const sample = async (): Promise<Record<string, ProcessSample>> => {
    const out: Record<string, ProcessSample> = {};
    try {
      for (const { name, pid, probe } of await within(stack.probe(true), 10_000, 'probe')) {
        const rss = procRssMb(pid);
        if (rss !== undefined) out[name] = backendSample(probe, rss);
      }
    } catch (err) {
      status(`probe: ${(err as Error).message}`);
    }
    const simRss = procRssMb(fleet.pid);
    if (simRss !== undefined) out.simulator = { rssMb: simRss, heapMb: undefined, loopP99Ms: undefined, loopMaxMs: undefined };
    out.soak = selfSample(loop.percentile(99) / 1e6, loop.max / 1e6, selfLiveHeap);
    loop.reset();
    return out;
  };
  const minuteOf = (samples: readonly Record<string, ProcessSample>[]): Record<string, ProcessSample> => {
    const names = new Set(samples.flatMap((s) => Object.keys(s)));
    const out: Record<string, ProcessSample> = {};
    for (const name of [...names].sort()) {
      const of = samples.flatMap((s) => (s[name] === undefined ? [] : [s[name]]));
      const nums = (pick: (p: ProcessSample) => number | undefined): number[] =>
        of.flatMap((p) => (pick(p) === undefined ? [] : [pick(p) as number]));
      const med = (xs: number[]): number | undefined => (xs.length === 0 ? undefined : Math.round(median(xs) * 10) / 10);
      const max = (xs: number[]): number | undefined => (xs.length === 0 ? undefined : Math.max(...xs));
      out[name] = {
        rssMb: med(nums((p) => p.rssMb)) ?? 0,
        heapMb: med(nums((p) => p.heapMb)),
        liveHeapMb: med(nums((p) => p.liveHeapMb)),
        loopP99Ms: max(nums((p) => p.loopP99Ms)),
        loopMaxMs: max(nums((p) => p.loopMaxMs)),
      };
    }
    return out;
  };

  const rows: MinuteRow[] = [];
  const reports: MinuteReport[] = [];
  const emit = (r: MinuteReport): void => {
    const json = JSON.stringify(r);
    if (JSONL !== '') appendFileSync(JSONL, `${json}\n`);
    if (TTY) process.stdout.write(`${minuteLine(r)}\n`);
    else process.stdout.write(`${json}\n`);
  };
  const graceSeqs = Math.ceil(60 * config.sim.rate);
  const started = performance.now();
  status(`soaking ${F.minutes} min (warm-up ${WARMUP} min), a sample every ${F.sampleS} s, ${F.commandsPerS} commands/s`);
  for (let minute = 1; minute <= F.minutes && !interrupted; minute++) {
    const samples: Record<string, ProcessSample>[] = [];
    const end = started + minute * 60_000;
    while (performance.now() < end && !interrupted) {
      await new Promise<void>((r) => {
        wake = r;
        setTimeout(r, Math.min(F.sampleS * 1000, Math.max(0, end - performance.now())));
      });
      if (interrupted) break;
      checkPids();
      samples.push(await sample());
    }
    if (samples.length === 0) break;
    const processes = minuteOf(samples);
    rows.push({ minute, processes });
    const report = minuteReport({
      minute,
      elapsedS: (performance.now() - started) / 1000,
      connected: fleet.latest()?.connected ?? 0,
      sent: fleet.latest()?.telemetry ?? 0,
      processes,
      lag: await within(watch.groupLag(), 20_000, 'consumer lag').catch(() => ({})),
      telemetry: watch.telemetry.figures(graceSeqs),
      commands: watch.commands.figures(),
      load: load.figures(),
      kafka: watch.counts(),
      restarts,
    });
    reports.push(report);
    emit(report);
  }

  // settle: no new commands, the cars leave (their queued messages sent first), Kafka drains
  status('stopping the load and the cars, then letting Kafka drain');
  await load.stop();
  const sentByCars = fleet.latest()?.telemetry ?? 0;
  fleetStopped = true;
  await fleet.stop().catch((err: unknown) => status(`simulator: ${(err as Error).message}`));
  let before = -1;
  for (const deadline = performance.now() + 120_000; performance.now() < deadline;) {
    await wait(5000);
    const now = watch.records();
    if (now === before) break;
    before = now;
  }
  const lag = await within(watch.groupLag(), 20_000, 'consumer lag').catch(() => ({}));
  const telemetry = watch.telemetry.figures(0);
  const commands = watch.commands.figures();
  let simSummary: {
    messages?: {
      published?: { telemetry?: number };
      totalSent?: number;
      totalAcked?: number;
      dropped?: number;
      rejected?: number;
      retransmitted?: number;
      unacknowledged?: number;
      unsent?: number;
    };
  } = {};
  try {
    simSummary = JSON.parse(readFileSync(summaryFile, 'utf8')) as typeof simSummary;
  } catch {
    status('no simulator summary (it did not stop cleanly)');
  }
  // the simulator's own count of telemetry handed to the cars' sessions (its summary, written when it
  // stops cleanly): a message it made that never reached Kafka, after the drain, is lost too unless
  // the cars had not got it acknowledged when they stopped (unsent while (re)connecting, in flight,
  // dropped by a full queue); the holes are part of it, counted once (ledger.ts acknowledgedLoss)
  const m = simSummary.messages;
  const published = m?.published?.telemetry;
  const loss = acknowledgedLossOf(telemetry.lost, telemetry.found, m);
  const tail = loss.neverInKafka ?? undefined;
  const lost = loss.lost;
  const lostDetail =
    `${telemetry.lost} in holes of the cars' sequences, ${tail ?? 'unknown'} made by the cars but never in Kafka ` +
    `(the cars had ${loss.notAcknowledged} messages of any kind not acknowledged at their stop, ${m?.dropped ?? 'unknown'} of them dropped by the cars themselves)`;
  const v = verdict({
    rows,
    warmupMinutes: WARMUP,
    maxGrowth: F.maxGrowth,
    lost,
    lostDetail,
    executedTwice: commands.executedTwice,
    restarts,
    notJudged: ['soak'],
  });
  const last = reports.at(-1);
  const result = {
    pass: v.pass,
    failures: v.failures,
    minutes: rows.length,
    minutes_planned: F.minutes,
    interrupted,
    warmup_minutes: WARMUP,
    max_growth: F.maxGrowth,
    cars: F.cars,
    cars_connected_at_end: last?.cars_connected ?? 0,
    commands_per_s: F.commandsPerS,
    coverage_holes_per_hour: F.coverageHoles,
    topology: stack.topology,
    growth: v.growth,
    telemetry: {
      ...telemetry,
      lost,
      lost_in_holes: telemetry.lost,
      published_by_cars: published ?? null,
      never_in_kafka: tail ?? null,
      sent_by_cars_last_update: sentByCars,
    },
    simulator: simSummary.messages ?? {},
    commands: { posted: load.figures().commandsByStatus, ...commands },
    kafka: watch.counts(),
    consumer_lag_at_end: lag,
    fences: last?.fences,
    restarts,
    peak: peakFigures(rows),
    kafka_source: local === undefined ? 'KAFKA_BROKERS' : 'local',
    commit: commitId(),
    machine: machineInfo(),
    at: new Date().toISOString(),
    rows: reports,
  };
  mkdirSync(OUT, { recursive: true });
  writeFileSync(join(OUT, 'soak.json'), `${JSON.stringify(result, null, 2)}\n`);
  writeFileSync(
    join(OUT, 'soak.svg'),
    soakChart(rows, { title: `soak: ${F.cars} cars, ${rows.length} min, commit ${result.commit}`, warmupMinutes: WARMUP }),
  );
  status(`wrote ${join(OUT, 'soak.json')} and soak.svg`);
  for (const f of v.failures) status(`FAIL: ${f}`);
  status(v.pass ? 'PASS' : 'FAIL');
  const { rows: _rows, machine: _machine, ...line } = result;
  console.log(JSON.stringify(line));
  if (!v.pass) exitCode = 1;
} catch (err) {
  status(`failed: ${(err as Error).stack ?? String(err)}`);
  exitCode = 1;
} finally {
  for (const c of cleanup.reverse()) await c().catch((err: unknown) => status(`cleanup: ${String(err)}`));
  await local?.stop();
}
process.exit(exitCode);

/** Per process, the highest minute's RSS and heap and the worst event-loop delay. */
function peakFigures(
  rows: readonly MinuteRow[],
): Record<string, { rss_mb: number; heap_mb?: number; loop_p99_ms?: number; loop_max_ms?: number }> {
  const out: Record<string, { rss_mb: number; heap_mb?: number; loop_p99_ms?: number; loop_max_ms?: number }> = {};
  for (const r of rows)
    for (const [name, p] of Object.entries(r.processes)) {
      const o = (out[name] ??= { rss_mb: 0 });
      o.rss_mb = Math.max(o.rss_mb, p.rssMb);
      if (p.heapMb !== undefined) o.heap_mb = Math.max(o.heap_mb ?? 0, p.heapMb);
      if (p.loopP99Ms !== undefined) o.loop_p99_ms = Math.max(o.loop_p99_ms ?? 0, p.loopP99Ms);
      if (p.loopMaxMs !== undefined) o.loop_max_ms = Math.max(o.loop_max_ms ?? 0, p.loopMaxMs);
    }
  return out;
}
