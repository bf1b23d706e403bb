/**
 * `npm run bench -- failover`: the stack `v2x up` starts (bench/lib/stack.ts, the shipped topology,
 * every role) with two instances of each service (`--geofencing-instances 2 --traffic-instances 2
 * --commands-instances 2`) and `--edges 2` edges, on a 3-node local Kafka, twice with the same seed:
 * once uninterrupted, once with SIGKILLs. The cars are `v2x up`'s simulator (--cars, default 1,000) on
 * bench/lib/failover-scenario.yaml (two road closures: jams); fences whose actions send commands and
 * a steady stream of API commands come through the REST API (bench/lib/failover-load.ts).
 *
 * In the second run, one after another with pauses between (at 20, 40, 60 and 75 % of --minutes): a
 * geofencing instance (geofencing-2), a traffic instance (traffic-2), a commands instance
 * (commands-2) are SIGKILLed and come back under the stack's supervisor; then one Kafka broker is
 * SIGKILLed and started again at 90 %. Every 10 s a progress line goes to stderr.
 *
 * At the end the load and the cars stop, Kafka drains and the books are settled:
 * - lost / duplicates: telemetry (VIN, seq) acknowledged to a car and not in Kafka (a hole below a
 *   later seq that arrived; or made by the cars, not in Kafka, and not among what the cars still held
 *   unacknowledged or unsent when they stopped: `not_acknowledged_at_stop`, which is not loss), and
 *   seqs in Kafka twice (scripts/soak/ledger.ts, the soak's books; duplicates are counted, not failures);
 * - geofence_events_missing / _doubled, jams_diff: compared with the uninterrupted run
 *   (bench/lib/failover-books.ts: by car, fence and type; jams by head segment and start within one
 *   window);
 * - geofence_events_missing_vs_replay: within the run with kills, the events its own fixes give
 *   through the geofence evaluator (bench/lib/failover-replay.ts) and the topic lacks: free of the
 *   noise between two runs. The fences are made, and every geofencing instance has them, before the
 *   cars start, and the books are settled (no geofencing lag, every event read) first, so the replay
 *   is exact: the uninterrupted run's `geofence_replay` shows 0 missing, 0 unexpected;
 * - commands_incomplete (not terminal after the drain), commands_executed_twice (the car's two
 *   final results with different stamps).
 * The last line is the JSON of both runs' figures.
 *
 *   npm run bench -- failover [--cars 1000] [--minutes 6] [--edges 2] [--commands-per-s 2] [--seed 1]
 */
import { randomUUID } from 'node:crypto';
import { readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { configureLogging } from '../core/log.js';
import { loadConfig } from '../core/config/load.js';
import { configSchema } from '../app/config-schema.js';
import { defaultCacheDir, startLocalKafka, type LocalKafka } from '../infra/kafka/index.js';
import { FleetGenerator } from '../simulator/fleet/generate.js';
import { startFleetProcess } from '../simulator/runtime/fleet-process.js';
import { seedOf } from '../simulator/runtime/world.js';
import { startSoakWatch } from '../scripts/soak/watch.js';
import { acknowledgedLossOf } from '../scripts/soak/ledger.js';
import { benchConfig } from './lib/backend.js';
import { numberFlags, stringFlag } from './lib/flags.js';
import { commitId, machineInfo, repoRoot } from './lib/provenance.js';
import { startBenchStack, type Topology } from './lib/stack.js';
import {
  createFailoverFences,
  fencesEverywhere,
  FAILOVER_FENCES,
  startFailoverLoad,
  type FailoverLoadFigures,
} from './lib/failover-load.js';
import { replayDiff } from './lib/failover-replay.js';
import { assertFence } from '../backend/services/geofencing/validate.js';
import {
  commandsByStatus,
  compareGeofenceEvents,
  geofencingSettled,
  incompleteCommands,
  jamsDiff,
  startOutputBooks,
  type GeofenceEventRow,
  type JamRow,
  type RunSpan,
} from './lib/failover-books.js';

const F = numberFlags({ cars: 1000, minutes: 6, edges: 2, commandsPerS: 2 });
const SEED = stringFlag('seed', '1');
for (const [k, v] of Object.entries({ cars: F.cars, minutes: F.minutes, edges: F.edges }))
  if (!(v > 0)) throw new Error(`--${k} must be above 0 (got ${v})`);
if (!Number.isInteger(F.cars) || !Number.isInteger(F.edges)) throw new Error('--cars and --edges must be whole numbers');
if (process.env['KAFKA_BROKERS'] !== undefined && process.env['KAFKA_BROKERS'] !== '')
  throw new Error('failover kills a Kafka broker: it runs its own 3-node Kafka (unset KAFKA_BROKERS)');
const TOKEN = `failover-${randomUUID()}`;
const CENTRE = { lat: 48.137, lon: 11.575 };
const WINDOW_MS = 60_000;
const RUN_MS = F.minutes * 60_000;
/** When each kill happens, as a fraction of the run; the broker comes back at 90 %. */
const KILLS = [
  { at: 0.2, what: 'geofencing-2' },
  { at: 0.4, what: 'traffic-2' },
  { at: 0.6, what: 'commands-2' },
  { at: 0.75, what: 'kafka broker' },
] as const;
const BROKER_BACK_AT = 0.9;
const KAFKA_NODE = 2;

configureLogging('warn');
const status = (s: string): void => void process.stderr.write(`[failover] ${s}\n`);
const wait = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

interface KillRecord {
  readonly what: string;
  readonly at_s: number;
  readonly pid: number;
  /** Seconds until it was running again (a new pid; the broker: restarted and ready). */
  back_after_s?: number;
}

interface RunFigures {
  readonly span: RunSpan;
  readonly topology: Topology;
  readonly kills: KillRecord[];
  readonly restarts: number;
  readonly cars_connected: number;
  readonly telemetry: {
    found: number;
    duplicates: number;
    lost: number;
    lost_in_holes: number;
    never_in_kafka: number | null;
    not_acknowledged_at_stop: number;
    dropped_by_cars: number | null;
  };
  readonly commands: { byStatus: Record<string, number>; incomplete: number; executedTwice: number; finished: number };
  readonly load: FailoverLoadFigures;
  readonly geofenceEvents: GeofenceEventRow[];
  readonly geofenceIdsRepeated: number;
  /** The run's own fixes replayed through the geofence evaluator against the events written. */
  readonly geofenceReplay: ReturnType<typeof replayDiff> & { expected: number; settled: boolean };
  readonly jams: JamRow[];
}

async function run(local: LocalKafka, withKills: boolean): Promise<RunFigures> {
  const name = withKills ? 'with kills' : 'uninterrupted';
  const prefix = `fo${randomUUID().slice(0, 8)}.`;
  const config = benchConfig(local.brokers, {
    'bridge.topicPrefix': prefix,
    'api.tokens': `failover:admin:${TOKEN}`,
    'sim.scenario': join(repoRoot(), 'bench', 'lib', 'failover-scenario.yaml'),
    'sim.seed': SEED,
    'stack.edges': F.edges,
    'stack.instances.geofencing': 2,
    'stack.instances.traffic': 2,
    'stack.instances.commands': 2,
  });
  const cleanup: (() => Promise<unknown>)[] = [];
  try {
    status(`${name}: starting the stack`);
    const stack = await startBenchStack(config, { status: (s) => status(`${name}: ${s}`) });
    cleanup.push(() => stack.close());
    const watch = await startSoakWatch(local.brokers, prefix);
    cleanup.push(() => watch.close());
    const books = await startOutputBooks(local.brokers, prefix);
    cleanup.push(() => books.close());

    // the fences before the cars: every fix of the run is evaluated against all of them, in every
    // geofencing instance, as in the replay (failover-replay.ts)
    await createFailoverFences({ httpUrl: stack.httpUrl, token: TOKEN, centre: CENTRE });
    await fencesEverywhere(stack.httpUrl, FAILOVER_FENCES.length, config.stack.instances.geofencing);

    const summaryFile = join(tmpdir(), `failover-sim-${randomUUID()}.json`);
    cleanup.push(async () => rmSync(summaryFile, { force: true }));
    const startMs = Date.now();
    const fleet = await startFleetProcess(
      {
        ...config.sim,
        cars: F.cars,
        broker: stack.mqttUrls.join(','),
        duration: '0',
        credentials: 'fleet-key',
        fleetKey: config.mqtt.fleetKey,
        connectTimeoutS: 120,
        summaryJson: summaryFile,
      },
      { logLevel: 'warn', nice: config.stack.fleetNice },
    );
    let fleetStopped = false;
    cleanup.push(() => (fleetStopped ? Promise.resolve() : fleet.stop()));
    await Promise.race([fleet.ramped, fleet.done]);
    status(`${name}: ${fleet.latest()?.connected ?? 0} cars connected after ${((Date.now() - startMs) / 1000).toFixed(1)} s`);
    const vins = new FleetGenerator({ seed: seedOf(SEED) }).cars(0, F.cars).map((c) => c.vin);
    const load = await startFailoverLoad({
      httpUrl: stack.httpUrl,
      token: TOKEN,
      vins,
      commandsPerS: F.commandsPerS,
      seed: SEED,
      onError: (line) => status(`${name}: ${line}`),
    });
    cleanup.push(() => load.stop());

    const kills: KillRecord[] = [];
    const pending = withKills ? [...KILLS] : [];
    let brokerDown = false;
    let brokerBack: Promise<void> | undefined;
    let restarts = 0;
    const pidsSeen = new Map<string, number>();
    const checkPids = (): void => {
      for (const [n, pid] of Object.entries(stack.pids())) {
        const before = pidsSeen.get(n);
        if (before !== undefined && before !== pid) {
          restarts++;
          const k = kills.find((x) => x.what === n && x.back_after_s === undefined);
          if (k !== undefined) k.back_after_s = Math.round(((Date.now() - startMs) / 1000 - k.at_s) * 10) / 10;
        }
        pidsSeen.set(n, pid);
      }
    };
    checkPids();
    const pidTimer = setInterval(checkPids, 500);
    cleanup.push(async () => clearInterval(pidTimer));
    let nextLine = Date.now() + 10_000;
    while (Date.now() - startMs < RUN_MS) {
      await wait(500);
      const elapsed = Date.now() - startMs;
      const due = pending[0];
      if (due !== undefined && elapsed >= due.at * RUN_MS) {
        pending.shift();
        const at_s = Math.round(elapsed / 100) / 10;
        if (due.what === 'kafka broker') {
          const pid = local.nodes[KAFKA_NODE]?.pid ?? -1;
          await local.kill(KAFKA_NODE);
          brokerDown = true;
          kills.push({ what: `kafka node ${KAFKA_NODE}`, at_s, pid });
          status(`${name}: SIGKILL kafka node ${KAFKA_NODE} (pid ${pid}) at ${at_s} s`);
        } else {
          const pid = stack.pids()[due.what];
          if (pid === undefined) throw new Error(`no process ${due.what} in the stack: ${Object.keys(stack.pids()).join(', ')}`);
          process.kill(pid, 'SIGKILL');
          kills.push({ what: due.what, at_s, pid });
          status(`${name}: SIGKILL ${due.what} (pid ${pid}) at ${at_s} s`);
        }
      }
      if (brokerDown && elapsed >= BROKER_BACK_AT * RUN_MS) {
        // not awaited: the run keeps its length (a node takes tens of seconds to be ready here)
        brokerDown = false;
        const k = kills.find((x) => x.what.startsWith('kafka'))!;
        status(`${name}: starting kafka node ${KAFKA_NODE} again`);
        brokerBack = local.restart(KAFKA_NODE).then(() => {
          k.back_after_s = Math.round(((Date.now() - startMs) / 1000 - k.at_s) * 10) / 10;
          status(`${name}: kafka node ${KAFKA_NODE} back after ${k.back_after_s} s`);
        });
      }
      if (Date.now() >= nextLine) {
        nextLine += 10_000;
        const tel = watch.telemetry.figures(Math.ceil(60 * config.sim.rate));
        const cmd = watch.commands.figures();
        status(
          `${name} ${Math.round(elapsed / 1000)} s: ${fleet.latest()?.connected ?? 0} cars, telemetry ${tel.found} (lost ${tel.lost}, dup ${tel.duplicates}), ` +
            `geofence events ${books.geofenceEvents.length}, jam events ${books.jams.length}, commands ${books.commands.size} ` +
            `(${incompleteCommands(books.commands)} open, ${cmd.executedTwice} twice), restarts ${restarts}`,
        );
      }
    }
    if (brokerDown) brokerBack = local.restart(KAFKA_NODE);

    status(`${name}: stopping the load and the cars, then letting Kafka drain`);
    await load.stop();
    fleetStopped = true;
    await fleet.stop().catch((err: unknown) => status(`${name}: simulator: ${(err as Error).message}`));
    // the cars stop on time; the broker may still be getting ready (the drain below needs it)
    await brokerBack;
    let before = -1;
    for (const deadline = Date.now() + 120_000; Date.now() < deadline;) {
      await wait(5000);
      const now = watch.records();
      if (now === before) break;
      before = now;
    }
    // commands settle: the car's answer, or their TTL (60 s) runs out
    for (const deadline = Date.now() + 90_000; Date.now() < deadline && incompleteCommands(books.commands) > 0;) await wait(1000);
    checkPids();
    // every fix evaluated, every geofence event read: the replay compares whole books
    const geofenceSettled = await geofencingSettled(() => watch.groupLag(), books, config.geofencing.groupId);
    if (!geofenceSettled) status(`${name}: geofencing still had fixes to evaluate (or events unread) after 60 s`);

    const tel = watch.telemetry.figures(0);
    let messages: { published?: { telemetry?: number }; unacknowledged?: number; unsent?: number; dropped?: number } | undefined;
    try {
      messages = (JSON.parse(readFileSync(summaryFile, 'utf8')) as { messages?: typeof messages }).messages;
    } catch {
      status(`${name}: no simulator summary (it did not stop cleanly)`);
    }
    // acknowledged and not in Kafka: the holes, or what the cars made beyond what they had not got
    // acknowledged when they stopped (scripts/soak/ledger.ts acknowledgedLoss: lower bounds)
    const loss = acknowledgedLossOf(tel.lost, tel.found, messages);
    const fenceList = await fetch(`${stack.httpUrl}/api/v1/fences`, { headers: { authorization: `Bearer ${TOKEN}` } });
    const fences = ((await fenceList.json()) as { items: unknown[] }).items.map(assertFence);
    const g = config.geofencing;
    const expected = books.replay.expectedIds(fences, {
      hysteresisM: g.hysteresisM,
      confirmFixes: g.confirmFixes,
      maxGapMs: g.maxGapMs,
      cellDeg: g.cellDeg,
    });
    const geofenceReplay = { expected: expected.size, ...replayDiff(expected, books.geofenceEventIds()), settled: geofenceSettled };
    const cmd = watch.commands.figures();
    return {
      span: { startMs, lengthMs: RUN_MS },
      topology: stack.topology,
      kills,
      restarts,
      cars_connected: fleet.latest()?.connected ?? 0,
      telemetry: {
        found: tel.found,
        duplicates: tel.duplicates,
        lost: loss.lost,
        lost_in_holes: tel.lost,
        never_in_kafka: loss.neverInKafka,
        not_acknowledged_at_stop: loss.notAcknowledged,
        dropped_by_cars: messages?.dropped ?? null,
      },
      commands: {
        byStatus: commandsByStatus(books.commands),
        incomplete: incompleteCommands(books.commands),
        executedTwice: cmd.executedTwice,
        finished: cmd.finished,
      },
      load: load.figures(),
      geofenceEvents: [...books.geofenceEvents],
      geofenceIdsRepeated: books.repeatedEventIds(),
      geofenceReplay,
      jams: [...books.jams],
    };
  } finally {
    for (const c of cleanup.reverse()) await c().catch((err: unknown) => status(`${name}: cleanup: ${String(err)}`));
  }
}

const kafkaCfg = loadConfig(configSchema, { defaults: { kafka: { cacheDir: defaultCacheDir(process.env) } } }).kafka;
status('starting a 3-node Kafka');
const local = await startLocalKafka(kafkaCfg, { nodes: 3, onProgress: status });
let exitCode = 0;
try {
  const base = await run(local, false);
  const failed = await run(local, true);
  const geo = compareGeofenceEvents(base.geofenceEvents, base.span, failed.geofenceEvents, failed.span);
  const jams = jamsDiff(base.jams, base.span, failed.jams, failed.span, WINDOW_MS);
  const summary = (r: RunFigures): Record<string, unknown> => ({
    cars_connected: r.cars_connected,
    restarts: r.restarts,
    telemetry: r.telemetry,
    commands: r.commands,
    api_commands: r.load,
    geofence_events: r.geofenceEvents.length,
    geofence_event_ids_repeated: r.geofenceIdsRepeated,
    geofence_replay: r.geofenceReplay,
    jams_started: r.jams.filter((j) => j.type === 'jam_started').length,
    jam_events: r.jams.length,
  });
  const result = {
    cars: F.cars,
    minutes: F.minutes,
    seed: SEED,
    commands_per_s: F.commandsPerS,
    kills: failed.kills.length,
    kill_log: failed.kills,
    lost: failed.telemetry.lost,
    duplicates: failed.telemetry.duplicates,
    geofence_events_missing: geo.missing,
    geofence_events_doubled: geo.doubled,
    geofence_events_extra: geo.extra,
    geofence_events_missing_vs_replay: failed.geofenceReplay.missing,
    jams_diff: jams.diff,
    jams_unmatched: jams.unmatched,
    commands_incomplete: failed.commands.incomplete,
    commands_executed_twice: failed.commands.executedTwice,
    uninterrupted: {
      ...summary(base),
      geofence_events_doubled: compareGeofenceEvents([], base.span, base.geofenceEvents, base.span).doubled,
    },
    with_kills: summary(failed),
    topology: failed.topology,
    commit: commitId(),
    machine: machineInfo(),
    at: new Date().toISOString(),
  };
  console.log(JSON.stringify(result));
} catch (err) {
  status(`failed: ${(err as Error).stack ?? String(err)}`);
  exitCode = 1;
} finally {
  await local.stop();
}
process.exit(exitCode);
