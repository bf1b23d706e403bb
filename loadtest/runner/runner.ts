/**
 * One load-test run: a scenario against one broker. The simulator's cars (worker threads, started
 * "controlled": no car connects by itself) follow the stages: every 100 ms the runner sets how
 * many cars run and their telemetry rate (planStages); chaos falls due (connection drops, the
 * broker restart hook); a probe subscriber measures end-to-end latency and loss; once a second the
 * fleet's stats feed the collector, abortOnFail thresholds are checked and the live status goes
 * out. A ramp-to-break scenario asks the controller (ramp-to-break.ts) after each level's hold
 * and stops at the first level that broke. With `profile.commands` the command sender
 * (commander.ts) sends remote commands to online cars on every control tick. At the end the
 * commands in flight get their answers, the fleet stops (offline, DISCONNECT), the probe (at a
 * subscriber or at Kafka) gets the tail, and the JSON report is built (report/json.ts).
 */
import { hostname } from 'node:os';
import { systemClock, type Clock } from '../../core/clock.js';
import { toV2xError, V2xError } from '../../core/errors.js';
import { logger } from '../../core/log.js';
import { Coordinator } from '../../simulator/runtime/coordinator.js';
import type { UnitStats } from '../../simulator/runtime/messages.js';
import { workerUnit } from '../../simulator/runtime/units.js';
import { MetricsCollector, type CollectorSnapshot } from '../metrics/collector.js';
import { summarize } from '../metrics/summary.js';
import { levelMeasured, startRampToBreak, type RampAction, type RampState } from '../ramp-to-break.js';
import { buildReport } from '../report/json.js';
import { liveStatusOf, type LiveStatus } from '../report/live.js';
import type { JsonReport } from '../report/schema.js';
import type { BrokerTarget, LoadScenario } from '../scenario/scenario.js';
import { planStages } from '../scenario/stages.js';
import { abortingThreshold, evaluateThresholds } from '../thresholds/evaluate.js';
import { createKafkaClient, type KafkaClient } from '../../backend/kafka/index.js';
import { chaosDue, runHook } from './chaos.js';
import { Commander } from './commander.js';
import { feedFleetStats } from './fleet-feed.js';
import { KafkaProbe, kafkaProbeTarget, type KafkaDefaults } from './kafka-probe.js';
import { Probe, type E2eProbe } from './probe.js';
import { probedVins } from './sampling.js';
import { simSettingsFor } from './sim-settings.js';
import { tailLoss } from './tail-loss.js';

const log = logger('loadtest');
const CONTROL_MS = 100;
const FATAL_AT_ONCE = new Set(['MQTT_BAD_CREDENTIALS', 'MQTT_NOT_AUTHORIZED', 'MQTT_CONNECT_REFUSED']);

export interface RunOptions {
  readonly scenario: LoadScenario;
  readonly scenarioFile?: string;
  /** A started broker (its url is mqtt://host:port). */
  readonly broker: BrokerTarget;
  readonly clock?: Clock;
  /** Once a second, with the live figures. */
  readonly onStatus?: (status: LiveStatus) => void;
  /** A chaos event or a ramp-to-break level, as a line for the log. */
  readonly onEvent?: (text: string) => void;
  /** Resolves when the run should stop early (Ctrl-C): the report covers what ran. */
  readonly stopRequested?: Promise<unknown>;
  /** Worker threads (default: by fleet size). */
  readonly workers?: number;
  /** Environment of the broker restart hook (V2X_BROKER_PID is added when known); the CLI passes its own,
   * read at the process entry. None given: the hook gets only V2X_BROKER_PID. */
  readonly hookEnv?: NodeJS.ProcessEnv;
  readonly brokerPid?: number;
  readonly commit?: string;
  /** Kafka as the CLI's config knows it, for `e2e.probe: kafka` when the scenario does not say. */
  readonly kafka?: KafkaDefaults;
  /** A Kafka client to use instead of one created from the brokers (tests). */
  readonly kafkaClient?: KafkaClient;
}

export interface RunResult {
  readonly report: JsonReport;
  readonly metrics: CollectorSnapshot;
}

export async function runLoadTest(o: RunOptions): Promise<RunResult> {
  const sc = o.scenario;
  const clock = o.clock ?? systemClock;
  const settings = simSettingsFor(sc, o.broker, o.workers === undefined ? {} : { workers: o.workers });
  const probeShare = sc.profile.e2e.probe === 'none' ? 0 : sc.profile.e2e.sampleShare;
  const kafkaTarget = kafkaProbeTarget(sc, o.kafka);
  const service = o.broker.service;
  const mqttService = {
    broker: settings.broker,
    ...(settings.caFile !== '' && { caFile: settings.caFile }),
    protocolVersion: settings.protocolVersion,
    ...(service !== undefined && { username: service.username, password: service.password }),
    clock,
  };
  const vins = probeShare > 0 && probeShare < 1 ? { vins: probedVins(settings.seed, sc.fleet.size, probeShare) } : {};
  const probe: E2eProbe | undefined =
    probeShare <= 0
      ? undefined
      : kafkaTarget !== undefined
        ? new KafkaProbe({
            kafka: o.kafkaClient ?? createKafkaClient({ brokers: kafkaTarget.brokers, clientId: 'v2x-loadtest' }),
            topic: kafkaTarget.topic,
            ...vins,
            clock,
          })
        : new Probe({ ...mqttService, qos: settings.qos, ...vins });
  const cmd = sc.profile.commands;
  const commander =
    cmd.perSecond > 0
      ? new Commander({
          ...mqttService,
          perSecond: cmd.perSecond,
          types: cmd.types,
          timeoutMs: cmd.timeoutMs,
          codec: sc.profile.codec,
          seed: settings.seed,
        })
      : undefined;
  // an unreachable broker (or Kafka) fails here, before any thread starts
  await probe?.start();
  try {
    await commander?.start();
  } catch (err) {
    await probe?.close();
    throw err;
  }

  let failure: V2xError | undefined;
  let wake: (() => void) | undefined;
  const coordinator = new Coordinator({
    settings,
    start: 0,
    end: sc.fleet.size,
    units: settings.workers,
    factory: workerUnit,
    groundTruth: false,
    rampPerSecond: settings.rampPerSecond,
    label: 'lt',
    onFailure: (e) => {
      failure ??= e;
      wake?.();
    },
  });
  let stopped = false;
  void o.stopRequested?.then(() => {
    stopped = true;
    wake?.();
  });
  const pause = (ms: number): Promise<void> =>
    new Promise((resolve) => {
      const t = clock.setTimeout(done, ms);
      function done(): void {
        t.cancel();
        wake = undefined;
        resolve();
      }
      wake = done;
    });

  const plan = planStages(sc);
  let ramp: { state: RampState; action: RampAction } | undefined =
    sc.rampToBreak === undefined ? undefined : startRampToBreak(sc.rampToBreak);
  let aborted: { atMs: number; threshold: string } | undefined;
  let prev: UnitStats | undefined;
  let startedAt = clock.now();
  let collector = new MetricsCollector({ startEpochMs: startedAt });
  const hooks: Promise<void>[] = [];
  try {
    await coordinator.ready();
    startedAt = clock.now() + 20;
    collector = new MetricsCollector({ startEpochMs: startedAt });
    probe?.attach(collector, startedAt);
    commander?.attach(collector, startedAt);
    coordinator.start(startedAt, startedAt, true);
    let active = -1;
    let rate = settings.rateHz;
    let chaosUntil = 0;
    let nextSecond = 1000;
    let firstTargetAt: number | undefined;
    while (!stopped && failure === undefined) {
      await pause(CONTROL_MS);
      const t = clock.now() - startedAt;
      const point = plan(t);
      const cars = Math.min(point.targetCars, sc.fleet.size);
      if (cars !== active || point.rateHz !== rate) {
        coordinator.control({ ...(cars !== active && { activeCars: cars }), ...(point.rateHz !== rate && { rateHz: point.rateHz }) });
        active = cars;
        rate = point.rateHz;
      }
      if (cars > 0) firstTargetAt ??= t;
      commander?.tick();
      for (const e of chaosDue(sc.chaos, chaosUntil, t)) {
        if (e.kind === 'drop') {
          o.onEvent?.(`chaos: dropping ${e.percent}% of the connections`);
          coordinator.control({ dropShare: e.percent / 100 });
        } else {
          o.onEvent?.(`chaos: broker restart hook: ${e.command}`);
          const env = { ...o.hookEnv, ...(o.brokerPid !== undefined && { V2X_BROKER_PID: String(o.brokerPid) }) };
          hooks.push(
            runHook(e.command, e.timeoutMs, env).then((r) => {
              if (r.ok) return;
              o.onEvent?.(`chaos: the broker restart hook failed: ${r.problem ?? ''}`);
              collector.error(clock.now() - startedAt, 'BROKER_RESTART_HOOK_FAILED');
            }),
          );
        }
      }
      chaosUntil = t;
      if (t < nextSecond && !point.done) continue;
      nextSecond = (Math.floor(t / 1000) + 1) * 1000;

      // once a second: the fleet's figures, the connection check, abortOnFail, ramp-to-break, status
      const stats = coordinator.stats();
      feedFleetStats(collector, t - 1, stats, prev);
      prev = stats;
      failure ??= connectProblem(stats, settings.broker, t, firstTargetAt, settings.connectTimeoutMs);
      const snap = collector.snapshot();
      if (ramp !== undefined && ramp.action.kind === 'run-level' && t >= ramp.action.window.toMs) {
        const a = ramp.action;
        const results = evaluateThresholds(sc.thresholds, summarize(snap, a.window));
        ramp = levelMeasured(ramp.state, results);
        const failed = results.filter((r) => !r.pass).map((r) => r.expression);
        o.onEvent?.(`ramp to break: ${a.cars} cars ${failed.length === 0 ? 'held' : `broke on ${failed.join(', ')}`}`);
        if (ramp.action.kind === 'done') break;
      }
      const sofar = ramp === undefined ? summarize(snap) : undefined;
      const failing = sofar === undefined ? [] : evaluateThresholds(sc.thresholds, sofar).filter((r) => !r.pass);
      o.onStatus?.(
        liveStatusOf(
          snap,
          t,
          { point, stages: sc.stages.length, totalMs: sc.totalMs },
          failing.map((r) => r.expression),
        ),
      );
      if (sofar !== undefined) {
        const abort = abortingThreshold(sc.thresholds, sofar, t);
        if (abort !== undefined) {
          aborted = { atMs: Math.round(t), threshold: abort.expression };
          o.onEvent?.(`aborted: ${abort.expression} failed (abortOnFail)`);
          break;
        }
      }
      if (point.done) break;
    }
  } catch (err) {
    failure ??= toV2xError(err);
  }
  // the answers to commands in flight, while their cars are still connected (at most 10 s)
  if (commander !== undefined && failure === undefined) await commander.settle(Math.min(cmd.timeoutMs, 10_000));
  const final = failure === undefined ? await coordinator.stop() : (await coordinator.kill(), coordinator.stats());
  await Promise.all(hooks);
  const tEnd = clock.now() - startedAt;
  feedFleetStats(collector, tEnd, final, prev);
  await commander?.close();
  if (probe !== undefined) {
    if (failure === undefined) await probe.drained(kafkaTarget === undefined ? 500 : 1500, 5000);
    await probe.close();
  }
  if (failure !== undefined) throw failure;
  const snap = collector.snapshot();
  const metrics = probeShare >= 1 ? { ...snap, seq: tailLoss(snap.seq, final.sim.published.telemetry) } : snap;
  const endedAt = clock.now();
  const report = buildReport({
    scenario: sc,
    ...(o.scenarioFile !== undefined && { scenarioFile: o.scenarioFile }),
    broker: { name: o.broker.name, url: o.broker.url },
    startedAtMs: startedAt,
    endedAtMs: endedAt,
    metrics,
    ...(aborted !== undefined && { aborted }),
    ...(ramp !== undefined && ramp.action.kind === 'done' && { rampToBreak: ramp.action }),
    host: hostname(),
    ...(o.commit !== undefined && { commit: o.commit }),
  });
  log.debug({ broker: o.broker.name, exitCode: report.result.exitCode }, 'load test done');
  return { report, metrics };
}

/** No car connected long after the first target, or the broker refused the credentials: the run cannot go on. */
function connectProblem(
  stats: UnitStats,
  broker: { readonly host: string; readonly port: number },
  tMs: number,
  firstTargetAt: number | undefined,
  timeoutMs: number,
): V2xError | undefined {
  const m = stats.mqtt;
  if (m.connects > 0 || firstTargetAt === undefined) return undefined;
  const fatal = Object.keys(m.errors).find((c) => FATAL_AT_ONCE.has(c));
  if (fatal !== undefined) {
    return new V2xError(fatal as 'MQTT_BAD_CREDENTIALS', `${broker.host}:${broker.port} refused the cars (${m.errors[fatal]} refusals)`);
  }
  if (tMs - firstTargetAt < timeoutMs) return undefined;
  return new V2xError(
    'MQTT_CONNECT_FAILED',
    `${broker.host}:${broker.port}: no car connected within ${Math.round(timeoutMs / 1000)} s (errors: ${JSON.stringify(m.errors)})`,
  );
}
