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
 * The edge runs with the product's connect-rate limit (mqtt.maxConnectRate, mqtt.connectBurst:
 * backend/broker/connect-rate.ts; --max-connect-rate and --connect-burst set those product keys,
 * default the product's defaults): CONNECTs beyond it get CONNACK 3 and the cars back off again.
 *
 * Measured, from the edge's probe every 200 ms from the restart: its connected-clients count
 * (bench/lib/reconnect-curve.ts: the curve is the distribution of the cars' reconnect times) and its
 * CONNECT counters (v2x_broker_connects_total by outcome): the steepest second of the accepted ones is
 * the peak accepted connect rate, of accepted plus refused the peak rate of the cars' attempts that
 * reached the broker (attempts refused at TCP level while no broker listened are not counted); every
 * car result on Kafka (executions per command: scripts/soak/ledger.ts). Targets: every car back
 * within --target-s (60) s; no herd: no second with more accepted CONNECTs than the configured rate
 * plus its burst (what the token bucket allows; not judged when the limit is off, 0); every queued
 * command executed exactly once.
 *
 * Progress on stderr; the last stdout line is JSON: cars, reconnected, reconnect_s {p50, p99, max},
 * peak_accepted_per_s, peak_attempts_per_s, max_connect_rate_per_s, connect_burst, commands_queued,
 * commands_delivered_once, duplicates, pass.
 *
 *   npm run bench -- broker-restart [--cars 10000] [--commands 200] [--rate 0.2] [--ramp 500]
 *        [--target-s 60] [--max-connect-rate N] [--connect-burst N] [--signal SIGKILL|SIGTERM] [--seed 1]
 *        [--reconnect-base-ms N] [--reconnect-max-ms N] [--reconnect-jitter X]
 */
import { randomUUID } from 'node:crypto';
import { Type } from '@sinclair/typebox';
import { createKafkaClient, type InRecord } from '../backend/kafka/index.js';
import { loadConfig } from '../core/config/load.js';
import { configureLogging } from '../core/log.js';
import { kafkaTopicName, tryDecodeCommandResult } from '../protocol/index.js';
import { mqttConfigSchema } from '../backend/broker/config.js';
import { simConfigSchema } from '../simulator/config.js';
import { FleetGenerator } from '../simulator/fleet/generate.js';
import { startFleetProcess } from '../simulator/runtime/fleet-process.js';
import { seedOf } from '../simulator/runtime/world.js';
import { CommandLedger } from '../scripts/soak/ledger.js';
import { benchConfig, benchKafka } from './lib/backend.js';
import { numberFlag, numberFlags, stringFlag } from './lib/flags.js';
import { peakPerSecond, reconnectFigures, type CounterSample, type CountSample } from './lib/reconnect-curve.js';
import { startBenchStack } from './lib/stack.js';

const F = numberFlags({ cars: 10_000, commands: 200, rate: 0.2, ramp: 500, targetS: 60 });
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
// the product's connect-rate limit: its defaults unless set here (a bad value is refused by the product's config)
const product = loadConfig(Type.Object({ mqtt: mqttConfigSchema }), {}).mqtt;
const connectFlags: Record<string, number> = { 'mqtt.maxConnectRate': product.maxConnectRate, 'mqtt.connectBurst': product.connectBurst };
for (const [flag, key] of [
  ['max-connect-rate', 'mqtt.maxConnectRate'],
  ['connect-burst', 'mqtt.connectBurst'],
] as const)
  if (argv.includes(`--${flag}`)) connectFlags[key] = numberFlag(flag, 0);
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
  ...connectFlags,
});
const { maxConnectRate, connectBurst } = config.mqtt;
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

  interface EdgeSample {
    readonly pid: number;
    /** bench time of the probe: the middle of its round trip */
    readonly t: number;
    readonly connected: number;
    /** CONNECTs accepted and refused (any reason) since the edge process started */
    readonly accepted: number;
    readonly refused: number;
  }
  const edgeNow = async (): Promise<EdgeSample | undefined> => {
    // a wedged process never answers its probe: give up on it after 5 s (the sample is skipped)
    const timeout = new Promise<never>((_, reject) => setTimeout(() => reject(new Error('probe timed out')), 5000).unref());
    const asked = performance.now();
    const all = await Promise.race([stack.probe(false), timeout]).catch(() => []);
    const t = (asked + performance.now()) / 2;
    const p = all.find((x) => x.name === edge);
    const metric = (name: string, labels: Record<string, string> = {}): number | undefined =>
      p?.probe.metrics
        .find((x) => x.name === name)
        ?.values.filter((v) => Object.entries(labels).every(([k, x]) => v.labels[k] === x))
        .reduce((n, v) => n + v.value, 0);
    const connected = metric('v2x_broker_connected_clients');
    if (p === undefined || connected === undefined) return undefined;
    const accepted = metric('v2x_broker_connects_total', { outcome: 'accepted' }) ?? 0;
    return { pid: p.pid, t, connected, accepted, refused: metric('v2x_broker_connects_total', { outcome: 'refused' }) ?? 0 };
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
  let before: EdgeSample | undefined;
  for (const deadline = performance.now() + 120_000; performance.now() < deadline; await wait(500)) {
    before = await edgeNow();
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
  const accepted: CounterSample[] = [];
  const attempts: CounterSample[] = [];
  let last: EdgeSample | undefined;
  let upAt: number | undefined;
  for (const deadline = t0 + (F.targetS + 60) * 1000; performance.now() < deadline; await wait(200)) {
    const now = await edgeNow();
    if (now === undefined || now.pid === before.pid) continue;
    upAt ??= performance.now();
    last = now;
    samples.push({ t: now.t - t0, connected: Math.max(0, now.connected - own) });
    accepted.push({ t: now.t, value: now.accepted });
    attempts.push({ t: now.t, value: now.accepted + now.refused });
    if (now.connected - own >= F.cars && samples.length > 5) break;
  }
  const curve = reconnectFigures(samples, F.cars);
  const peakAccepted = peakPerSecond(accepted);
  const peakAttempts = peakPerSecond(attempts);
  status(`reconnected ${curve.reconnected}/${F.cars}: p50 ${curve.p50_s} s, p99 ${curve.p99_s} s, all ${curve.max_s} s`);
  status(
    `peak per second: ${peakAccepted} CONNECTs accepted, ${peakAttempts} attempted (limit ${maxConnectRate || 'off'}/s, burst ${connectBurst}); ` +
      `${last?.refused ?? 0} refused in all`,
  );

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
    // the token bucket lets through at most rate + burst in any second; unlimited (0): not judged
    no_herd: maxConnectRate === 0 ? null : peakAccepted <= maxConnectRate + connectBurst,
    delivered_once: deliveredOnce === F.commands && duplicates === 0,
  };
  const result = {
    cars: F.cars,
    reconnected: curve.reconnected,
    reconnect_s: { p50: curve.p50_s, p99: curve.p99_s, max: curve.max_s },
    peak_accepted_per_s: peakAccepted,
    peak_attempts_per_s: peakAttempts,
    max_connect_rate_per_s: maxConnectRate,
    connect_burst: connectBurst,
    commands_queued: queued.length,
    commands_delivered_once: deliveredOnce,
    duplicates,
    pass: Object.values(checks).every((c) => c !== false),
    checks,
    target_s: F.targetS,
    // the rise of the connected-clients count (clients the broker has finished connecting) in its steepest second
    peak_connected_rise_per_s: curve.peak_connect_rate_per_s,
    connects_accepted: last?.accepted ?? 0,
    connects_refused: last?.refused ?? 0,
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
