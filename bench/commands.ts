/**
 * Benchmark: remote command round trip while a fleet streams telemetry, everything on this machine.
 * A real Kafka (KAFKA_BROKERS, else one started through infra/kafka); the backend as `v2x backend`
 * runs it (bench/lib/stack.ts: the shipped topology of decision 0026, sized to this machine; --edges
 * is stack.edges, --single-process stack.singleProcess; roles broker, bridge and commands, plus the
 * dashboard with --socket 1; the JSON's `topology` lists the processes that ran); and a
 * real Simulation of --cars cars, one fleet process per broker with its shard of the cars
 * (fleet-key credentials, telemetry at 1 Hz in the --codec payload codec, QoS 1, parked or
 * driving, no sleep and no coverage holes so every commanded car is reachable). Then --commands
 * commands (flash_lights by default: every car, parked or driving, executes it) POSTed over HTTP
 * with an operator token, paced at --rate per second, each to a different car. For each command:
 *
 * - headline: from the 202 received to SUCCEEDED seen through the API: GET /api/v1/commands/{id}
 *   ?waitMs (a long poll, answered when the command finishes), or with --poll N a plain GET every
 *   N ms (which adds up to N ms, about half of it on average);
 * - the same end seen as the service's transition event (forwarded by its process: no poll error)
 *   and, with the dashboard role, on socket.io ('command' event);
 * - the hops, from Kafka record timestamps, the broker's receive-time header and the car's own
 *   timestamps (the car's clock is the simulation clock, which runs on this machine's clock):
 *   request produced -> car has it, the car executing, car result -> broker, broker -> service
 *   applied, service applied -> seen through the API.
 *
 * The cars answer at once by default (--delay-scale 0, sim.commandDelayScale): the round trip is
 * then the platform's own. With --delay-scale 1 each car takes its catalogue time (200-800 ms for
 * flash_lights), which the round trip contains by construction; platform_* subtracts it.
 *
 * Progress on stderr; figures on stdout, the last line JSON (p50_ms, p99_ms, platform_p99_ms...).
 *
 *   node .build/x/bench/commands.js [--cars 5000] [--commands 300] [--rate 5] [--poll 0]
 *        [--warmup 10] [--ramp 200] [--qos 1] [--type flash_lights] [--socket 1] [--seed 1] [--delay-scale 0] [--warm-commands 20]
 *        [--single-process] [--edges 0] [--codec binary|json] [--sim-nice 0] [--dump FILE]
 */
import { randomUUID } from 'node:crypto';
import { writeFileSync } from 'node:fs';
import { Type } from '@sinclair/typebox';
import { createKafkaClient, type InRecord } from '../backend/kafka/index.js';
import { SERVICE_ROLES } from '../backend/roles.js';
import { loadConfig } from '../core/config/load.js';
import { configureLogging } from '../core/log.js';
import { kafkaTopicName } from '../protocol/index.js';
import { simConfigSchema } from '../simulator/config.js';
import { FleetGenerator } from '../simulator/fleet/generate.js';
import { Rng } from '../core/random.js';
import { startFleetProcess } from '../simulator/runtime/fleet-process.js';
import { seedOf } from '../simulator/runtime/world.js';
import { benchConfig, benchKafka } from './lib/backend.js';
import { numberFlag, numberFlags, stringFlag } from './lib/flags.js';
import { startBenchStack, type BenchStack } from './lib/stack.js';
import { commandFigures, observeRecords, r1, reportLines, stats, timelineJsonl, type Probe } from './lib/commands-figures.js';

const { cars: CARS, commands: COMMANDS, rate: RATE } = numberFlags({ cars: 5000, commands: 300, rate: 5 });
/** 0: long poll (GET ?waitMs, answered when the command finishes); N: poll every N ms. */
const POLL_MS = numberFlag('poll', 0);
const { warmup: WARMUP_S, ramp: RAMP, qos: QOS } = numberFlags({ warmup: 10, ramp: 200, qos: 1 });
const TYPE = stringFlag('type', 'flash_lights');
const SEED = stringFlag('seed', '1');
/** The cars' execution time: 0 = they answer at once, so the round trip is the platform's own. */
const DELAY_SCALE = numberFlag('delay-scale', 0);
/** Write every command's timeline (epoch ms of each step) as JSON lines to this file. */
const DUMP = stringFlag('dump', '');
/** Commands sent first and not counted: the command path's first use (JIT, connections, partitions). */
const WARM_COMMANDS = numberFlag('warm-commands', 20);
/** `v2x backend --single-process` (stack.singleProcess): every role in one process. */
const SINGLE = process.argv.includes('--single-process');
/** `v2x backend --edges N` (stack.edges): 0 = sized to the machine; each edge gets its share of the cars (a fleet process each). */
const EDGES = numberFlag('edges', 0);
if (!Number.isInteger(EDGES) || EDGES < 0) throw new Error(`--edges must be a whole number >= 0 (got ${EDGES})`);
/** The cars' payload codec: binary (compact, as a car on a mobile network would send) or json (protocol/codec). */
const CODEC = stringFlag('codec', 'binary');
if (CODEC !== 'json' && CODEC !== 'binary') throw new Error(`--codec must be json or binary (got ${CODEC})`);
/** Niceness of the fleet's process: 0 = the same priority as the backend. */
const SIM_NICE = numberFlag('sim-nice', 0);
const SOCKET = numberFlag('socket', 0) !== 0 && SERVICE_ROLES.some((r) => r.name === 'dashboard');
const TOKEN = 'bench-operator-token';

configureLogging('warn');
const status = (s: string): void => void process.stderr.write(`[commands bench] ${s}\n`);
const wait = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

const { brokers, local } = await benchKafka(status);
const prefix = `bench${randomUUID().slice(0, 8)}.`;
const config = benchConfig(brokers, {
  'bridge.topicPrefix': prefix,
  'api.tokens': `bench:operator:${TOKEN}`,
  'backend.roles': ['broker', 'bridge', 'commands', ...(SOCKET ? ['dashboard'] : [])].join(','),
  'stack.singleProcess': SINGLE,
  'stack.edges': EDGES,
});
const kafka = createKafkaClient({ brokers, clientId: 'bench-commands' });
const cleanup: (() => Promise<unknown>)[] = [];
let exitCode = 0;

const probes = new Map<string, Probe>();
const early = new Map<string, { to: string; at: number; epoch: number }[]>();

try {
  // observers: the service's transitions (forwarded by its process), the request and result records on Kafka
  status('backend starting (the shipped topology)');
  const backend: BenchStack = await startBenchStack(config, {
    status,
    onTransition(t) {
      const p = probes.get(t.commandId);
      if (p === undefined) {
        const list = early.get(t.commandId) ?? [];
        list.push({ to: t.to, at: performance.now(), epoch: t.at });
        early.set(t.commandId, list);
        return;
      }
      p.eventSeen[t.to] ??= performance.now();
      p.transitionAt[t.to] ??= t.at;
    },
  });
  cleanup.push(() => backend.close());
  const pendingRequests = new Map<string, number>();
  const requestsTopic = kafkaTopicName('commands', prefix);
  const onRecords = async (records: readonly InRecord[]): Promise<void> => observeRecords(records, requestsTopic, probes, pendingRequests);
  const watch = await kafka.consumer({
    groupId: `bench-watch-${randomUUID()}`,
    topics: [requestsTopic, kafkaTopicName('commandResults', prefix)],
    fromBeginning: true,
  });
  cleanup.push(() => watch.close());
  await watch.start(onRecords);

  let socketConnected = false;
  if (SOCKET) {
    const { io } = await import('socket.io-client');
    const socket = io(backend.httpUrl, { path: '/socket.io', auth: { token: TOKEN }, transports: ['websocket'] });
    cleanup.push(async () => socket.close());
    socket.on('command', (m: { commandId: string; to: string }) => {
      const p = probes.get(m.commandId);
      if (p !== undefined) p.socketSeen[m.to] ??= performance.now();
    });
    await new Promise<void>((resolve) => {
      socket.once('connect', () => resolve());
      setTimeout(resolve, 10_000);
    });
    socketConnected = socket.connected;
    status(`socket.io ${socketConnected ? 'connected' : 'did not connect: no socket figures'}`);
  }

  // the fleet: one process per broker, each with its shard of the cars
  const urls = backend.mqttUrls;
  const simFlags = (i: number) => ({
    'sim.broker': urls[i],
    'sim.cars': CARS,
    'sim.shard': `${i}/${urls.length}`,
    'sim.seed': SEED,
    'sim.rate': 1,
    'sim.qos': QOS,
    'sim.rampRate': Math.max(1, Math.round(RAMP / urls.length)),
    'sim.workers': 1,
    'sim.credentials': 'fleet-key',
    'sim.fleetKey': config.mqtt.fleetKey,
    'sim.sleep': false,
    'sim.coverageHolesPerHour': 0,
    'sim.connectTimeoutS': 120,
    'sim.commandDelayScale': DELAY_SCALE,
    'sim.codec': CODEC,
  });
  const updates: { phase: string; connected: number; telemetry: number }[] = urls.map(() => ({
    phase: 'starting',
    connected: 0,
    telemetry: 0,
  }));
  let latest: { connected: number; telemetry: number } | undefined;
  let running!: () => void;
  const ramped = new Promise<void>((resolve) => (running = resolve));
  let lastPrint = 0;
  const onUpdate = (i: number, phase: string, connected: number, telemetry: number): void => {
    updates[i] = { phase, connected, telemetry };
    latest = { connected: updates.reduce((n, u) => n + u.connected, 0), telemetry: updates.reduce((n, u) => n + u.telemetry, 0) };
    if (updates.every((u) => u.phase === 'running')) running();
    if (performance.now() - lastPrint > 5000) {
      lastPrint = performance.now();
      status(`${phase}: connected ${latest.connected}, telemetry ${latest.telemetry}`);
    }
  };
  status(`${CARS} cars connecting to ${urls.join(' and ')} (fleet-key credentials, 1 Hz, QoS ${QOS})`);
  const fleets = [];
  for (const [i] of urls.entries()) {
    const simConfig = loadConfig(Type.Object({ sim: simConfigSchema }), { flags: simFlags(i) }).sim;
    const fleet = await startFleetProcess(simConfig, { nice: SIM_NICE, onUpdate: (u) => onUpdate(i, u.phase, u.connected, u.telemetry) });
    cleanup.push(() => fleet.stop());
    fleets.push(fleet);
  }
  const run = Promise.all(fleets.map((f) => f.done));
  await Promise.race([ramped, run.then(() => Promise.reject(new Error('the simulation ended before the ramp finished')))]);
  status(`ramp done; warming up ${WARMUP_S} s`);
  await wait(WARMUP_S * 1000);

  const vins = new FleetGenerator({ seed: seedOf(SEED) }).cars(0, CARS).map((c) => c.vin);
  const rng = new Rng(`${SEED}:bench-commands`);
  for (let i = vins.length - 1; i > 0; i--) {
    const j = rng.int(0, i);
    [vins[i], vins[j]] = [vins[j] as string, vins[i] as string];
  }

  const failures: Record<string, number> = {};
  const one = async (vin: string): Promise<void> => {
    const t0 = performance.now();
    const res = await fetch(`${backend.httpUrl}/api/v1/vehicles/${vin}/commands`, {
      method: 'POST',
      headers: { authorization: `Bearer ${TOKEN}`, 'content-type': 'application/json' },
      body: JSON.stringify({ type: TYPE, params: {}, ttlSeconds: 30 }),
    });
    const body = (await res.json()) as { commandId?: string; code?: string };
    const acceptedAt = performance.now();
    if (res.status !== 202 || body.commandId === undefined) {
      failures[`http_${res.status}_${body.code ?? ''}`] = (failures[`http_${res.status}_${body.code ?? ''}`] ?? 0) + 1;
      return;
    }
    const id = body.commandId;
    const p: Probe = {
      vin,
      id,
      postMs: acceptedAt - t0,
      acceptedAt,
      acceptedEpoch: Date.now(),
      apiSeen: {},
      eventSeen: {},
      socketSeen: {},
      transitionAt: {},
    };
    probes.set(id, p);
    for (const e of early.get(id) ?? []) {
      p.eventSeen[e.to] ??= e.at;
      p.transitionAt[e.to] ??= e.epoch;
    }
    early.delete(id);
    const req = pendingRequests.get(id);
    if (req !== undefined) p.requestTs = req;
    const deadline = acceptedAt + 35_000;
    while (performance.now() < deadline) {
      const query = POLL_MS === 0 ? `?waitMs=${Math.max(1, Math.round(deadline - performance.now()))}` : '';
      const g = await fetch(`${backend.httpUrl}/api/v1/commands/${id}${query}`, { headers: { authorization: `Bearer ${TOKEN}` } });
      const s = ((await g.json()) as { status?: string }).status ?? '?';
      p.apiSeen[s] ??= performance.now();
      if (['SUCCEEDED', 'FAILED', 'REJECTED', 'TIMED_OUT', 'CANCELED'].includes(s)) {
        p.final = s;
        if (s !== 'SUCCEEDED') failures[s] = (failures[s] ?? 0) + 1;
        return;
      }
      if (POLL_MS > 0) await wait(POLL_MS);
    }
    failures.no_answer = (failures.no_answer ?? 0) + 1;
  };

  if (WARM_COMMANDS > 0) {
    status(`${WARM_COMMANDS} warm-up commands (not counted)`);
    const warm: Promise<void>[] = [];
    for (let i = 0; i < WARM_COMMANDS; i++) {
      warm.push(one(vins[vins.length - 1 - (i % vins.length)] as string));
      await wait(1000 / RATE);
    }
    await Promise.all(warm);
    probes.clear();
    early.clear();
    pendingRequests.clear();
    for (const k of Object.keys(failures)) delete failures[k];
  }
  const win = await backend.window();
  const win0 = { t: performance.now(), sim: latest?.telemetry ?? 0 };
  status(`${COMMANDS} ${TYPE} commands at ${RATE}/s, ${POLL_MS === 0 ? 'long-polling' : `polling every ${POLL_MS} ms`}`);
  const inFlight: Promise<void>[] = [];
  const start = performance.now();
  for (let i = 0; i < COMMANDS; i++) {
    const at = start + (i * 1000) / RATE;
    const delay = at - performance.now();
    if (delay > 0) await wait(delay);
    inFlight.push(one(vins[i % vins.length] as string));
    if ((i + 1) % 50 === 0) status(`${i + 1}/${COMMANDS} sent`);
  }
  await Promise.all(inFlight);
  const w = await win.end();
  const winS = (performance.now() - win0.t) / 1000;
  const simPerS = ((latest?.telemetry ?? 0) - win0.sim) / winS;
  const connected = latest?.connected ?? 0;
  const profile = {
    commands_produce_mean_ms: w.commandsProduceMeanMs,
    commands_produce_batches: w.commandsProduceBatches,
    bridge_produce_mean_ms: w.bridgeProduceMeanMs,
    processes: w.processes,
  };

  // figures
  const { done, series, hops } = commandFigures(probes.values());
  const { api, event, socket, delivered, carExec, platform } = series;
  if (DUMP !== '') writeFileSync(DUMP, timelineJsonl(probes.values()));
  const A = stats(api);
  const P = stats(platform);
  const result = {
    p50_ms: A.p50,
    p90_ms: A.p90,
    p99_ms: A.p99,
    max_ms: A.max,
    platform_p50_ms: P.p50,
    platform_p99_ms: P.p99,
    delivered_p50_ms: stats(delivered).p50,
    delivered_p99_ms: stats(delivered).p99,
    in_process_p50_ms: stats(event).p50,
    in_process_p99_ms: stats(event).p99,
    ...(socketConnected ? { socket_p50_ms: stats(socket).p50, socket_p99_ms: stats(socket).p99 } : {}),
    car_exec_p50_ms: stats(carExec).p50,
    car_exec_p99_ms: stats(carExec).p99,
    car_delay_scale: DELAY_SCALE,
    warm_up_commands: WARM_COMMANDS,
    topology: backend.topology,
    codec: CODEC,
    sim_nice: SIM_NICE,
    target_p99_ms: 100,
    cars: CARS,
    cars_connected: connected,
    commands: COMMANDS,
    succeeded: done.length,
    failures,
    type: TYPE,
    rate_per_s: RATE,
    poll_ms: POLL_MS,
    telemetry_msg_per_s: w.telemetryPerS,
    sim_telemetry_msg_per_s: Math.round(simPerS),
    window_s: r1(winS),
    kafka: local === undefined ? 'KAFKA_BROKERS' : 'local',
    hops,
    profile,
  };
  for (const line of reportLines({ result, series, hops, profile, socket: socketConnected })) console.log(line);
  console.log(JSON.stringify(result));
  if (done.length < COMMANDS) exitCode = 1;
} catch (err) {
  status(`failed: ${(err as Error).stack ?? String(err)}`);
  exitCode = 1;
} finally {
  for (const c of cleanup.reverse()) await c().catch((err: unknown) => status(`cleanup: ${String(err)}`));
  if (local === undefined) {
    // a shared Kafka: leave no bench topics behind
    const admin = await kafka.admin();
    const mine = (await admin.listTopics()).filter((t) => t.startsWith(prefix));
    await admin.deleteTopics(mine).catch((err: unknown) => status(`deleting topics: ${String(err)}`));
    await admin.close();
  } else await local.stop();
}
process.exit(exitCode);
