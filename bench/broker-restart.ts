/**
 * Benchmark: a broker restart under a connected fleet (issue 19). The shipped stack (bench/lib/stack.ts:
 * the topology `v2x up` starts on this machine; on 2 cores one edge process with the broker and the
 * uplink, and a services process with the commands service, the downlink and the API), --cars cars
 * (default 10,000) connected to the edge by the simulator in a child process, telemetry at --rate Hz
 * (0.2: the bench is about connections), QoS 1, every car awake and in coverage.
 *
 * Then the edge process is killed (--signal, default SIGKILL: a crash) and its supervisor starts it
 * again on the same port. While it is down --commands commands (flash_lights) are POSTed, each to a
 * different car: the commands service holds them and sends them again when each car's `online`
 * status comes back (docs/commands.md). The cars come back under their reconnect backoff
 * (sim.reconnectBaseMs, reconnectMaxMs, reconnectJitter: --reconnect-base-ms, --reconnect-max-ms,
 * --reconnect-jitter, default the product's).
 *
 * Measured: the edge's connected-clients count every 200 ms from the restart (bench/lib/reconnect-curve.ts:
 * its curve is the distribution of the cars' reconnect times, its steepest second the peak connect
 * rate); every car result on Kafka (executions per command: scripts/soak/ledger.ts). Targets: every car
 * back within --target-s (60) s, the peak connect rate at most --max-connect-rate (1,000/s), every
 * queued command executed exactly once.
 *
 * Progress on stderr; the last stdout line is JSON: cars, reconnected, reconnect_s {p50, p99, max},
 * peak_connect_rate_per_s, commands_queued, commands_delivered_once, duplicates, pass.
 *
 *   npm run bench -- broker-restart [--cars 10000] [--commands 200] [--rate 0.2] [--ramp 500]
 *        [--target-s 60] [--max-connect-rate 1000] [--signal SIGKILL|SIGTERM] [--seed 1]
 *        [--reconnect-base-ms N] [--reconnect-max-ms N] [--reconnect-jitter X]
 */
import { randomUUID } from 'node:crypto';
import { Type } from '@sinclair/typebox';
import { createKafkaClient, type InRecord } from '../backend/kafka/index.js';
import { loadConfig } from '../core/config/load.js';
import { configureLogging } from '../core/log.js';
import { kafkaTopicName, tryDecodeCommandResult } from '../protocol/index.js';
import { simConfigSchema } from '../simulator/config.js';
import { FleetGenerator } from '../simulator/fleet/generate.js';
import { startFleetProcess } from '../simulator/runtime/fleet-process.js';
import { seedOf } from '../simulator/runtime/world.js';
import { CommandLedger } from '../scripts/soak/ledger.js';
import { benchConfig, benchKafka } from './lib/backend.js';
import { numberFlag, numberFlags, stringFlag } from './lib/flags.js';
import { reconnectFigures, type CountSample } from './lib/reconnect-curve.js';
import { startBenchStack } from './lib/stack.js';

const F = numberFlags({ cars: 10_000, commands: 200, rate: 0.2, ramp: 500, targetS: 60, maxConnectRate: 1000 });
const SIGNAL = stringFlag('signal', 'SIGKILL');
if (SIGNAL !== 'SIGKILL' && SIGNAL !== 'SIGTERM') throw new Error(`--signal must be SIGKILL or SIGTERM (got ${SIGNAL})`);
const SEED = stringFlag('seed', '1');
const argv = process.argv;
const reconnectFlags: Record<string, number> = {};
for (const [flag, key] of [
  ['reconnect-base-ms', 'sim.reconnectBaseMs'],
  ['reconnect-max-ms', 'sim.reconnectMaxMs'],
  ['reconnect-jitter', 'sim.reconnectJitter'],
] as const)
  if (argv.includes(`--${flag}`)) reconnectFlags[key] = numberFlag(flag, 0);
if (!(F.commands <= F.cars)) throw new Error(`--commands (${F.commands}) must not be above --cars (${F.cars})`);
const TOKEN = `bench-${randomUUID()}`;
const TERMINAL = new Set(['SUCCEEDED', 'FAILED', 'REJECTED', 'TIMED_OUT', 'CANCELED']);

configureLogging('warn');
const status = (s: string): void => void process.stderr.write(`[broker-restart] ${s}\n`);
const wait = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

const { brokers, local } = await benchKafka(status);
const prefix = `bench${randomUUID().slice(0, 8)}.`;
const config = benchConfig(brokers, {
  'bridge.topicPrefix': prefix,
  'api.tokens': `bench:operator:${TOKEN}`,
  'backend.roles': 'broker,bridge,commands',
});
const cleanup: (() => Promise<unknown>)[] = [];
let exitCode = 0;
try {
  /** Each command's latest state, from the commands service's transitions. */
  const finals = new Map<string, string>();
  const stack = await startBenchStack(config, {
    status,
    onTransition: (t) => void finals.set(t.commandId, t.to),
  });
  cleanup.push(() => stack.close());
  const edge = stack.topology.processes.find((p) => p.roles.split('+').includes('broker'))?.name;
  if (edge === undefined) throw new Error('the stack has no broker process');
  const ledger = new CommandLedger();
  const kafka = createKafkaClient({ brokers, clientId: 'bench-broker-restart' });
  const watch = await kafka.consumer({
    groupId: `bench-watch-${randomUUID()}`,
    topics: [kafkaTopicName('commandResults', prefix)],
    fromBeginning: true,
  });
  cleanup.push(() => watch.close());
  await watch.start(async (records: readonly InRecord[]) => {
    for (const r of records) {
      const d = r.value === null ? undefined : tryDecodeCommandResult(r.value);
      if (d?.ok === true) ledger.add(d.value);
    }
  });

  const connectedNow = async (): Promise<{ pid: number; connected: number } | undefined> => {
    // a wedged process never answers its probe: give up on it after 5 s (the sample is skipped)
    const timeout = new Promise<never>((_, reject) => setTimeout(() => reject(new Error('probe timed out')), 5000).unref());
    const all = await Promise.race([stack.probe(false), timeout]).catch(() => []);
    const p = all.find((x) => x.name === edge);
    const m = p?.probe.metrics.find((x) => x.name === 'v2x_broker_connected_clients');
    return p === undefined || m === undefined ? undefined : { pid: p.pid, connected: m.values.reduce((n, v) => n + v.value, 0) };
  };

  const sim = loadConfig(Type.Object({ sim: simConfigSchema }), {
    flags: {
      'sim.broker': stack.mqttUrls.join(','),
      'sim.cars': F.cars,
      'sim.seed': SEED,
      'sim.rate': F.rate,
      'sim.qos': 1,
      'sim.rampRate': F.ramp,
      'sim.credentials': 'fleet-key',
      'sim.fleetKey': config.mqtt.fleetKey,
      'sim.sleep': false,
      'sim.coverageHolesPerHour': 0,
      'sim.connectTimeoutS': 120,
      'sim.commandDelayScale': 0,
      ...reconnectFlags,
    },
  }).sim;
  status(`${F.cars} cars connecting to ${stack.mqttUrls.join(',')} at ${F.ramp}/s`);
  let lastPrint = 0;
  const fleet = await startFleetProcess(sim, {
    nice: config.stack.fleetNice,
    onUpdate(u) {
      if (performance.now() - lastPrint < 5000) return;
      lastPrint = performance.now();
      status(`${u.phase}: ${u.connected} cars connected`);
    },
  });
  cleanup.push(() => fleet.stop());
  await Promise.race([fleet.ramped, fleet.done]);
  let before: { pid: number; connected: number } | undefined;
  for (const deadline = performance.now() + 120_000; performance.now() < deadline; await wait(500)) {
    before = await connectedNow();
    if (before !== undefined && before.connected >= F.cars) break;
  }
  if (before === undefined || before.connected < F.cars) throw new Error(`only ${before?.connected ?? 0} of ${F.cars} cars connected`);
  // the backend's own MQTT clients (the downlink) are counted too
  const own = before.connected - (fleet.latest()?.connected ?? F.cars);
  status(`${F.cars} cars connected (${own} clients of the backend's own); restarting ${edge} (${SIGNAL})`);

  const vins = new FleetGenerator({ seed: seedOf(SEED) }).cars(0, F.cars).map((c) => c.vin);
  const t0 = performance.now();
  process.kill(before.pid, SIGNAL);
  // the queued commands: POSTed while the broker is down
  const queued: string[] = [];
  const http: Record<string, number> = {};
  await Promise.all(
    Array.from({ length: F.commands }, async (_, i) => {
      const vin = vins[Math.floor((i * vins.length) / F.commands)] as string;
      const res = await fetch(`${stack.httpUrl}/api/v1/vehicles/${vin}/commands`, {
        method: 'POST',
        headers: { authorization: `Bearer ${TOKEN}`, 'content-type': 'application/json' },
        body: JSON.stringify({ type: 'flash_lights', params: {}, ttlSeconds: 300 }),
      });
      const body = (await res.json()) as { commandId?: string };
      http[res.status] = (http[res.status] ?? 0) + 1;
      if (res.status === 202 && body.commandId !== undefined) queued.push(body.commandId);
    }),
  );
  const postedWithinS = (performance.now() - t0) / 1000;
  const samples: CountSample[] = [];
  let upAt: number | undefined;
  for (const deadline = t0 + (F.targetS + 60) * 1000; performance.now() < deadline; await wait(200)) {
    const now = await connectedNow();
    if (now === undefined || now.pid === before.pid) continue;
    upAt ??= performance.now();
    samples.push({ t: performance.now() - t0, connected: Math.max(0, now.connected - own) });
    if (now.connected - own >= F.cars && samples.length > 5) break;
  }
  const curve = reconnectFigures(samples, F.cars);
  status(`reconnected ${curve.reconnected}/${F.cars}: p50 ${curve.p50_s} s, p99 ${curve.p99_s} s, all ${curve.max_s} s`);

  const deadline = performance.now() + 120_000;
  while (performance.now() < deadline && queued.some((id) => !TERMINAL.has(finals.get(id) ?? ''))) await wait(500);
  await wait(3000); // late duplicates, if any, have a moment to show
  const executions = queued.map((id) => ledger.executions(id));
  const deliveredOnce = queued.filter((id, i) => finals.get(id) === 'SUCCEEDED' && executions[i] === 1).length;
  const duplicates = executions.reduce((n, e) => n + Math.max(0, e - 1), 0);
  const finalStates: Record<string, number> = {};
  for (const id of queued) finalStates[finals.get(id) ?? 'none'] = (finalStates[finals.get(id) ?? 'none'] ?? 0) + 1;
  const checks = {
    all_back: curve.max_s !== null && curve.max_s <= F.targetS,
    no_herd: curve.peak_connect_rate_per_s <= F.maxConnectRate,
    delivered_once: deliveredOnce === F.commands && duplicates === 0,
  };
  const result = {
    cars: F.cars,
    reconnected: curve.reconnected,
    reconnect_s: { p50: curve.p50_s, p99: curve.p99_s, max: curve.max_s },
    peak_connect_rate_per_s: curve.peak_connect_rate_per_s,
    commands_queued: queued.length,
    commands_delivered_once: deliveredOnce,
    duplicates,
    pass: Object.values(checks).every(Boolean),
    checks,
    target_s: F.targetS,
    max_connect_rate_per_s: F.maxConnectRate,
    broker_down_s: upAt === undefined ? null : Math.round((upAt - t0) / 100) / 10,
    commands_posted_within_s: Math.round(postedWithinS * 10) / 10,
    commands_http: http,
    commands_final: finalStates,
    commands_executed: executions.filter((e) => e > 0).length,
    signal: SIGNAL,
    reconnect:
      sim.reconnectBaseMs === undefined ? {} : { baseMs: sim.reconnectBaseMs, maxMs: sim.reconnectMaxMs, jitter: sim.reconnectJitter },
    telemetry_hz: F.rate,
    samples: samples.length,
    topology: stack.topology,
    kafka: local === undefined ? 'KAFKA_BROKERS' : 'local',
  };
  console.log(JSON.stringify(result));
  if (!result.pass) exitCode = 1;
} catch (err) {
  status(`failed: ${(err as Error).stack ?? String(err)}`);
  exitCode = 1;
} finally {
  for (const c of cleanup.reverse()) await c().catch((err: unknown) => status(`cleanup: ${String(err)}`));
  await local?.stop();
}
process.exit(exitCode);
