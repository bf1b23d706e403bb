/**
 * Benchmark: end to end, hop by hop, on the shipped stack (issue 17, decision 0030). A real Kafka
 * (KAFKA_BROKERS, else one started through infra/kafka); the backend exactly as `v2x up` lays it
 * out (bench/lib/stack.ts: every role, the topology of decision 0026 sized to this machine; --edges
 * and --single-process as the user's flags); a real Simulation of --cars cars (one fleet process per
 * edge, 1 Hz telemetry, QoS --qos, --codec payloads, no sleep, no coverage holes) driving the
 * built-in city with one incident that blocks lanes of an arterial (a jam, and the traffic
 * service's warnings to the cars behind it); --fences circular geofences on junctions, every
 * --action-every'th of them with an enter action that sends a `flash_lights` command to the car.
 *
 * Measured over --seconds after the ramp and --warmup seconds:
 * - ack_*: car timestamp -> Kafka acknowledged the fix to the bridge (the edge's v2x_hop_seconds
 *   {hop="kafka",service="bridge",mode="live"} histogram, differenced over the window: quantiles
 *   interpolated in 1 ms buckets, max as the bound of the highest bucket);
 * - event_*: car timestamp of the fix that fired a geofence event -> the event record in Kafka (its
 *   record timestamp, stamped by the producer as it writes; the `decided` histogram, taken at the
 *   acknowledgement, is reported beside it), per event, read from the geofence-events topic;
 * - loop_*: car timestamp of the fix that fired a fence action -> the car received the command
 *   (the `receivedAt` the car reports in its `delivered` result), per command, from the
 *   commands and command-results topics. Car and machine share one clock (the simulation clock runs
 *   on it at speedup 1).
 * The waterfall of every hop (p50/p99, from the stack's /metrics) is written as an SVG to
 * bench/results/e2e-waterfall.svg (docs/latency.md shows it). Progress on stderr; the last stdout
 * line is JSON.
 *
 *   node dist/bench/e2e.js [--cars 5000] [--seconds 120] [--warmup 20] [--ramp 250] [--fences 40]
 *        [--action-every 4] [--radius 150] [--qos 1] [--codec binary|json] [--seed 1] [--edges 0] [--single-process]
 *        [--linger -1] [--fetch-wait -1]   (-1: the product defaults; else bridge.lingerMs / bridge.fetchMaxWaitMs)
 */
import { randomUUID } from 'node:crypto';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { availableParallelism, loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { Type } from '@sinclair/typebox';
import { createKafkaClient, type InRecord } from '../backend/kafka/index.js';
import { loadConfig } from '../core/config/load.js';
import { configureLogging } from '../core/log.js';
import { HEADERS, kafkaTopicName, tryDecode } from '../protocol/index.js';
import { simConfigSchema } from '../simulator/config.js';
import { startFleetProcess } from '../simulator/runtime/fleet-process.js';
import { loadNetwork } from '../simulator/runtime/world.js';
import { benchConfig, benchKafka } from './lib/backend.js';
import { numberFlag, numberFlags, stringFlag } from './lib/flags.js';
import { hopStats, parseHopScrape, pathWaterfall, waterfallSvg, type HopScrape } from './lib/hop-figures.js';
import { repoRoot } from './lib/provenance.js';
import { pct, r1 } from './lib/commands-figures.js';
import { startBenchStack } from './lib/stack.js';

const F = numberFlags({ cars: 5000, seconds: 120, warmup: 20, ramp: 250, fences: 40, actionEvery: 4, radius: 150, qos: 1, edges: 0 });
const LINGER = numberFlag('linger', -1);
const FETCH_WAIT = numberFlag('fetch-wait', -1);
const SEED = stringFlag('seed', '1');
const CODEC = stringFlag('codec', 'binary');
if (CODEC !== 'json' && CODEC !== 'binary') throw new Error(`--codec must be json or binary (got ${CODEC})`);
if (F.qos !== 0 && F.qos !== 1) throw new Error(`--qos must be 0 or 1 (got ${F.qos})`);
const SINGLE = process.argv.includes('--single-process');
const TOKEN = 'bench-admin-token';

configureLogging('warn');
const status = (s: string): void => void process.stderr.write(`[e2e bench] ${s}\n`);
const wait = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

const quant = (xs: readonly number[]) => ({
  n: xs.length,
  p50: r1(pct(xs, 50)),
  p99: r1(pct(xs, 99)),
  p999: r1(pct(xs, 99.9)),
  max: r1(pct(xs, 100)),
  over_1s: xs.filter((x) => x > 1000).length,
});

const { brokers, local } = await benchKafka(status);
const prefix = `bench${randomUUID().slice(0, 8)}.`;
const config = benchConfig(brokers, {
  'bridge.topicPrefix': prefix,
  'api.tokens': `bench:admin:${TOKEN}`,
  'sim.seed': SEED,
  'sim.cars': F.cars,
  'stack.singleProcess': SINGLE,
  'stack.edges': F.edges,
  ...(LINGER >= 0 ? { 'bridge.lingerMs': LINGER } : {}),
  ...(FETCH_WAIT >= 0 ? { 'bridge.fetchMaxWaitMs': FETCH_WAIT } : {}),
});
const kafka = createKafkaClient({ brokers, clientId: 'bench-e2e' });
const cleanup: (() => Promise<unknown>)[] = [];
let exitCode = 0;
const tmp = mkdtempSync(join(tmpdir(), 'bench-e2e-'));
cleanup.push(async () => rmSync(tmp, { recursive: true, force: true }));

/** Window bounds on the shared clock (ms since epoch); samples whose cause falls inside count. */
const win = { from: Number.POSITIVE_INFINITY, to: Number.POSITIVE_INFINITY };
const inWindow = (ts: number): boolean => ts >= win.from && ts < win.to;
const events: number[] = [];
const eventKinds: Record<string, number> = {};
const causeOf = new Map<string, number>();
const loops: number[] = [];
let warnings = 0;

try {
  status('backend starting (the shipped topology, every role)');
  const backend = await startBenchStack(config, { status });
  cleanup.push(() => backend.close());
  status(`topology: ${backend.topology.processes.map((p) => `${p.name} (${p.roles})`).join(', ')}`);
  const scrape = async (): Promise<HopScrape> => parseHopScrape(await (await fetch(`${backend.httpUrl}/metrics`)).text());

  // observers: geofence events, command requests (their cause) and the cars' results, warnings
  const topics = {
    events: kafkaTopicName('geofenceEvents', prefix),
    commands: kafkaTopicName('commands', prefix),
    results: kafkaTopicName('commandResults', prefix),
    warnings: kafkaTopicName('warnings', prefix),
  };
  const watch = await kafka.consumer({ groupId: `bench-e2e-${randomUUID()}`, topics: Object.values(topics), fromBeginning: true });
  cleanup.push(() => watch.close());
  await watch.start(async (records: readonly InRecord[]) => {
    for (const r of records) {
      if (r.topic === topics.events) {
        const cause = Number(r.headers[HEADERS.causeTs]);
        if (!Number.isFinite(cause) || !inWindow(cause)) continue;
        events.push(r.timestamp - cause);
        const type = (JSON.parse(r.value?.toString('utf8') ?? '{}') as { type?: string }).type ?? '?';
        eventKinds[type] = (eventKinds[type] ?? 0) + 1;
      } else if (r.topic === topics.commands) {
        const cause = Number(r.headers[HEADERS.causeTs]);
        const d = tryDecode('commandRequest', r.value ?? Buffer.alloc(0));
        if (d.ok && cause > 0) causeOf.set(d.value.commandId, cause);
      } else if (r.topic === topics.results) {
        const d = tryDecode('commandResult', r.value ?? Buffer.alloc(0));
        if (!d.ok || d.value.status !== 'delivered' || d.value.receivedAt === undefined) continue;
        const cause = causeOf.get(d.value.commandId);
        if (cause !== undefined && inWindow(cause)) loops.push(d.value.receivedAt - cause);
        causeOf.delete(d.value.commandId);
      } else if (r.topic === topics.warnings) warnings++;
    }
  });

  // fences on junctions spread over the city; every actionEvery'th sends a command on enter
  const network = loadNetwork({ seed: SEED, city: 'builtin', scenario: '' });
  const junctions = network.nodes.filter((_, i) => i % Math.max(1, Math.floor(network.nodes.length / F.fences)) === 0).slice(0, F.fences);
  for (const [i, n] of junctions.entries()) {
    const res = await fetch(`${backend.httpUrl}/api/v1/fences`, {
      method: 'POST',
      headers: { authorization: `Bearer ${TOKEN}`, 'content-type': 'application/json' },
      body: JSON.stringify({
        id: `bench-fence-${i}`,
        name: `bench fence ${i}`,
        geometry: { type: 'Circle', center: [n.lon, n.lat], radiusM: F.radius },
        ...(i % F.actionEvery === 0 ? { actions: [{ on: 'enter', command: { type: 'flash_lights', params: {} } }] } : {}),
      }),
    });
    if (res.status !== 201) throw new Error(`creating a fence: HTTP ${res.status} ${await res.text()}`);
  }
  status(`${junctions.length} fences, ${Math.ceil(junctions.length / F.actionEvery)} with an enter action`);

  // the incident: lanes of the busiest-looking arterial near the centre blocked from 10 s on
  const arterial = network.segments
    .filter((s) => s.roadClass === 'arterial' && s.lanes >= 2)
    .map((s) => ({ s, d: Math.hypot((s.geometry[0]![0] - network.centre.lon) * 0.67, s.geometry[0]![1] - network.centre.lat) }))
    .sort((a, b) => a.d - b.d)[0]?.s;
  const scenarioFile = join(tmp, 'scenario.json');
  const incidents =
    arterial === undefined
      ? []
      : [{ id: 'bench-crash', segment: arterial.id, start: '10s', duration: '30m', lanesBlocked: arterial.lanes - 1, position: 0.5 }];
  writeFileSync(scenarioFile, JSON.stringify({ incidents }));
  status(
    arterial === undefined
      ? 'no two-lane arterial: no incident'
      : `incident on ${arterial.id} (${arterial.name}), ${arterial.lanes - 1} lane(s) blocked`,
  );

  // the fleet: one process per edge, each with its shard of the cars
  const urls = backend.mqttUrls;
  const phases = urls.map(() => ({ phase: 'starting', connected: 0 }));
  let ramped!: () => void;
  const running = new Promise<void>((resolve) => (ramped = resolve));
  let lastPrint = 0;
  const fleets = [];
  for (const [i, url] of urls.entries()) {
    const flags = {
      'sim.broker': url,
      'sim.cars': F.cars,
      'sim.shard': `${i}/${urls.length}`,
      'sim.seed': SEED,
      'sim.rate': 1,
      'sim.qos': F.qos,
      'sim.rampRate': Math.max(1, Math.round(F.ramp / urls.length)),
      'sim.workers': 1,
      'sim.credentials': 'fleet-key',
      'sim.fleetKey': config.mqtt.fleetKey,
      'sim.sleep': false,
      'sim.coverageHolesPerHour': 0,
      'sim.connectTimeoutS': 180,
      'sim.commandDelayScale': 0,
      'sim.codec': CODEC,
      'sim.scenario': scenarioFile,
    };
    const simConfig = loadConfig(Type.Object({ sim: simConfigSchema }), { flags }).sim;
    const fleet = await startFleetProcess(simConfig, {
      onUpdate: (u) => {
        phases[i] = { phase: u.phase, connected: u.connected };
        if (phases.every((p) => p.phase === 'running')) ramped();
        if (performance.now() - lastPrint > 5000) {
          lastPrint = performance.now();
          status(`${u.phase}: ${phases.reduce((n, p) => n + p.connected, 0)} connected`);
        }
      },
    });
    cleanup.push(() => fleet.stop());
    fleets.push(fleet);
  }
  const ended = Promise.all(fleets.map((f) => f.done)).then(() => Promise.reject(new Error('the simulation ended early')));
  await Promise.race([running, ended]);
  const connected = phases.reduce((n, p) => n + p.connected, 0);
  status(`${connected} cars connected; warming up ${F.warmup} s`);
  await wait(F.warmup * 1000);

  const begin = await scrape();
  const w = await backend.window();
  win.from = Date.now();
  status(`measuring ${F.seconds} s`);
  for (let t = 0; t < F.seconds; t += 10) {
    await wait(Math.min(10, F.seconds - t) * 1000);
    status(`${Math.min(F.seconds, t + 10)} s: ${events.length} events, ${loops.length} loops, ${warnings} warnings so far`);
  }
  win.to = Date.now();
  const end = await scrape();
  const figures = await w.end();
  // what was caused inside the window and is still on its way: give it a few seconds
  await wait(3000);

  const ack = hopStats(begin, end, 'kafka', 'bridge');
  const decided = hopStats(begin, end, 'decided', 'geofencing');
  const E = quant(events);
  const L = quant(loops);
  const stored = ['kafka', 'consumed'].map(
    (hop) => hopStats(begin, end, hop as 'kafka', hop === 'kafka' ? 'bridge' : 'geofencing', 'stored')?.n ?? 0,
  );
  const bars = pathWaterfall(begin, end);
  const svgFile = join(repoRoot(), 'bench', 'results', 'e2e-waterfall.svg');
  writeFileSync(
    svgFile,
    waterfallSvg(
      bars,
      `End to end, hop by hop: ${connected} cars at 1 Hz, QoS ${F.qos}, ${F.seconds} s`,
      `event p99 ${E.p99} ms, loop p99 ${L.p99} ms; ${availableParallelism()} cores, load ${r1(loadavg()[0] ?? 0)}; ${backend.topology.processes.map((p) => p.name).join(', ')}`,
    ),
  );
  const result = {
    cars: F.cars,
    cars_connected: connected,
    seconds: F.seconds,
    qos: F.qos,
    codec: CODEC,
    ack_p50_ms: ack?.p50_ms ?? null,
    ack_p99_ms: ack?.p99_ms ?? null,
    ack_p999_ms: ack?.p999_ms ?? null,
    ack_max_bucket_ms: ack?.max_le_ms ?? null,
    event_p50_ms: E.p50,
    event_p99_ms: E.p99,
    event_p999_ms: E.p999,
    event_max_ms: E.max,
    event_ack_p99_ms: decided?.p99_ms ?? null,
    loop_p50_ms: L.p50,
    loop_p99_ms: L.p99,
    loop_p999_ms: L.p999,
    loop_max_ms: L.max,
    max_ms: r1(Math.max(E.max || 0, L.max || 0)),
    over_1s: E.over_1s + L.over_1s + (ack?.over_1s ?? 0),
    events: E.n,
    event_types: eventKinds,
    loops: L.n,
    warnings_published: warnings,
    stored_in_window: { kafka: stored[0], consumed: stored[1] },
    targets: { event_p99_ms: 20, loop_p99_ms: 50, max_ms: 1000 },
    met: E.p99 <= 20 && L.p99 <= 50 && Math.max(E.max || 0, L.max || 0) <= 1000,
    waterfall: bars.map((b) => ({ hop: b.hop, service: b.service, ...b.stats })),
    linger_ms: config.bridge.lingerMs,
    fetch_max_wait_ms: config.bridge.fetchMaxWaitMs,
    telemetry_msg_per_s: figures.telemetryPerS,
    bridge_produce_mean_ms: figures.bridgeProduceMeanMs,
    processes: figures.processes,
    topology: backend.topology,
    machine_cores: availableParallelism(),
    load_avg_1m: r1(loadavg()[0] ?? 0),
    kafka: local === undefined ? 'KAFKA_BROKERS' : 'local',
  };
  for (const b of bars)
    console.log(`${b.hop.padEnd(9)} (${b.service.padEnd(10)}) p50 ${b.stats.p50_ms} ms  p99 ${b.stats.p99_ms} ms  n ${b.stats.n}`);
  console.log(`ack   p50 ${result.ack_p50_ms} p99 ${result.ack_p99_ms} p99.9 ${result.ack_p999_ms} max<=${result.ack_max_bucket_ms} ms`);
  console.log(
    `event p50 ${E.p50} p99 ${E.p99} p99.9 ${E.p999} max ${E.max} ms (${E.n} events; at the ack p99 ${result.event_ack_p99_ms} ms)`,
  );
  console.log(`loop  p50 ${L.p50} p99 ${L.p99} p99.9 ${L.p999} max ${L.max} ms (${L.n} commands); ${warnings} warnings published`);
  console.log(`waterfall: ${svgFile}`);
  console.log(JSON.stringify(result));
  if (E.n === 0 || L.n === 0) {
    status('no events or no loops were measured');
    exitCode = 1;
  }
} catch (err) {
  status(`failed: ${(err as Error).stack ?? String(err)}`);
  exitCode = 1;
} finally {
  for (const c of cleanup.reverse()) await c().catch((err: unknown) => status(`cleanup: ${String(err)}`));
  if (local === undefined) {
    const admin = await kafka.admin();
    const mine = (await admin.listTopics()).filter((t) => t.startsWith(prefix));
    await admin.deleteTopics(mine).catch((err: unknown) => status(`deleting topics: ${String(err)}`));
    await admin.close();
  } else await local.stop();
}
process.exit(exitCode);
