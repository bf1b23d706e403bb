/**
 * One simulator run, built apart from being run: `new Simulation(settings)` plans the spread
 * (processes, worker threads), `run()` starts the units, waits for the ramp (with a deadline: an
 * unreachable broker fails the run instead of hanging), runs for the duration or until stopped,
 * stops the units and returns the summary. Ground truth is appended to a JSONL file as it comes.
 * The caller (cli/commands/sim.ts) shows progress from the `onUpdate` calls.
 *
 * A replay (`--replay FILE`: `Simulation.create` loads the trace) drives the trace's vehicles: each
 * car connects at its first fix and leaves after its last; the run ends when every car has been
 * connected and has left after the trace's last fix (or at --duration, or when stopped).
 */
import { createWriteStream, writeFileSync, type WriteStream } from 'node:fs';
import { toV2xError, V2xError } from '../../core/errors.js';
import type { SimSettings } from '../config.js';
import { shardRange } from '../fleet/shard.js';
import type { Trace } from '../replay/trace.js';
import { toJsonl } from '../traffic/ground-truth.js';
import { Coordinator } from './coordinator.js';
import type { UnitStats } from './messages.js';
import { processesFor, workersPerProcess } from './plan.js';
import { keepWithinRetention, loadReplayTrace } from './replay-fleet.js';
import { REPLAY_TICK_MS, replayUnitData, type ReplayUnitData } from './replay-source.js';
import { buildSummary, type SimSummary } from './summary.js';
import { processUnitFactory, workerUnit } from './units.js';

export type RunPhase = 'starting' | 'ramp' | 'running' | 'stopping';

export interface RunHooks {
  /** About every 250 ms with the latest merged stats. */
  readonly onUpdate?: (phase: RunPhase, stats: UnitStats, cars: number) => void;
  /** Resolves when the run should stop early (a signal). */
  readonly stopRequested?: Promise<unknown>;
}

const FATAL_AT_ONCE = new Set(['MQTT_BAD_CREDENTIALS', 'MQTT_NOT_AUTHORIZED', 'MQTT_CONNECT_REFUSED']);

export class Simulation {
  readonly settings: SimSettings;
  readonly start: number;
  readonly end: number;
  readonly processes: number;
  readonly workers: number;
  /** A replay: the trace of this run's cars (vehicle 0 = car `start`). */
  readonly replay: ReplayUnitData | undefined;
  /** The trace as loaded (a replay), for its warnings and stats. */
  readonly trace: Trace | undefined;

  /** A run; with `--replay` the trace is loaded first (bad traces fail here, before any thread). */
  static async create(settings: SimSettings, nowMs = Date.now()): Promise<Simulation> {
    if (settings.replay === undefined) return new Simulation(settings);
    const { trace, replay } = keepWithinRetention(await loadReplayTrace(settings.replay), settings.replay, settings.speedup, nowMs);
    return new Simulation({ ...settings, replay }, trace);
  }

  /** `trace`: the loaded trace of a replay (required when settings.replay is set). */
  constructor(settings: SimSettings, trace?: Trace) {
    if (settings.replay !== undefined && trace === undefined) {
      throw new V2xError('CONFIG_INVALID', 'sim.replay: the trace must be loaded first (Simulation.create)');
    }
    if (trace !== undefined) settings = { ...settings, cars: trace.vehicles.length };
    this.settings = settings;
    this.trace = trace;
    const range = shardRange(settings.cars, settings.shard);
    this.start = range.start;
    this.end = range.end;
    const cars = range.end - range.start;
    if (cars === 0)
      throw new V2xError('SHARD_INVALID', `shard ${settings.shard.index}/${settings.shard.count} of ${settings.cars} cars is empty`);
    this.processes = processesFor(settings, cars);
    const perProcess = Math.ceil(cars / this.processes);
    if (perProcess > settings.maxSocketsPerProcess) {
      throw new V2xError(
        'CONFIG_INVALID',
        `sim.processes: ${this.processes} processes would hold ${perProcess} cars each, above sim.maxSocketsPerProcess (${settings.maxSocketsPerProcess})`,
      );
    }
    this.workers = workersPerProcess(settings, perProcess);
    this.replay = trace === undefined ? undefined : replayUnitData(trace, this.start, this.end);
  }

  /** Replay: simulated ms from the start to this range's first fix, and to the tick after its last. */
  #replayWindow(): { first: number; end: number } | undefined {
    const r = this.replay;
    if (r === undefined) return undefined;
    let first = Number.POSITIVE_INFINITY;
    let last = 0;
    for (const v of r.trace.vehicles) {
      first = Math.min(first, (r.trace.timeMs[v.start] as number) - r.originMs);
      last = Math.max(last, (r.trace.timeMs[v.end - 1] as number) - r.originMs);
    }
    return { first, end: (Math.floor(last / REPLAY_TICK_MS) + 1) * REPLAY_TICK_MS };
  }

  get cars(): number {
    return this.end - this.start;
  }

  async run(hooks: RunHooks = {}): Promise<SimSummary> {
    const s = this.settings;
    const baseRssKb = process.resourceUsage().maxRSS;
    const cpu0 = process.cpuUsage();
    const wall0 = performance.now();
    let truth: WriteStream | undefined;
    if (s.groundTruth !== '') truth = createWriteStream(s.groundTruth, { flags: 'w' });
    let failure: V2xError | undefined;
    let wake: (() => void) | undefined;
    const multi = this.processes > 1;
    const coordinator = new Coordinator({
      settings: s,
      start: this.start,
      end: this.end,
      units: multi ? this.processes : this.workers,
      factory: multi ? processUnitFactory() : workerUnit,
      groundTruth: truth !== undefined,
      rampPerSecond: s.rampPerSecond,
      label: multi ? 'p' : 'w',
      threads: !multi,
      onTruth: (records) => truth?.write(toJsonl(records)),
      onFailure: (e) => {
        failure ??= e;
        wake?.();
      },
      ...(this.replay !== undefined && { replay: this.replay }),
    });
    const replay = this.#replayWindow();
    let stopped = false;
    let connectedAtEnd = 0;
    void hooks.stopRequested?.then(() => {
      stopped = true;
      wake?.();
    });
    const cars = this.cars;
    const update = (phase: RunPhase): void => hooks.onUpdate?.(phase, coordinator.stats(), cars);
    const pause = (ms: number): Promise<void> =>
      new Promise((resolve) => {
        const t = setTimeout(done, ms);
        function done(): void {
          clearTimeout(t);
          wake = undefined;
          resolve();
        }
        wake = done;
      });
    try {
      update('starting');
      const ready = coordinator.ready();
      while (!stopped) {
        const r = await Promise.race([ready.then(() => true), pause(250).then(() => false)]);
        if (r) break;
        update('starting');
      }
      const startWall = Date.now() + 20;
      // a replay with recorded timestamps runs the cars' clock on the trace's
      const recorded = s.replay?.timestamps === 'recorded' && this.replay !== undefined;
      coordinator.start(startWall, recorded ? (this.replay?.originMs ?? startWall) : (s.startEpochMs ?? startWall));
      const startedAt = performance.now();
      // --duration is simulated time from the start, the ramp included; a replay ends with its trace
      const durationMs = replay === undefined ? s.durationMs : s.durationMs > 0 ? Math.min(s.durationMs, replay.end) : replay.end;
      const endAt = durationMs > 0 ? startedAt + durationMs / s.speedup : Number.POSITIVE_INFINITY;
      // ramp: until every car has connected once, or the deadline passes without any connection
      // (a replay: until the first car has connected; the others connect at their first fixes)
      const firstAt = performance.now() + (replay === undefined ? 0 : replay.first / s.speedup);
      const deadline = firstAt + s.connectTimeoutMs;
      let lastProgress = firstAt;
      let lastConnects = 0;
      while (!stopped && failure === undefined && performance.now() < endAt) {
        await pause(Math.min(250, Math.max(1, endAt - performance.now())));
        const st = coordinator.stats();
        update('ramp');
        const connects = st.mqtt.connects;
        if (connects > lastConnects) {
          lastConnects = connects;
          lastProgress = performance.now();
        }
        if (st.mqtt.states.connected + st.sim.asleepNow >= cars || connects >= cars) break;
        if (replay !== undefined && connects > 0) break;
        const fatal = Object.keys(st.mqtt.errors).find((c) => FATAL_AT_ONCE.has(c));
        if (fatal !== undefined && st.mqtt.states.connected === 0) {
          failure = new V2xError(
            fatal as 'MQTT_BAD_CREDENTIALS',
            `${s.broker.host}:${s.broker.port} refused the cars (${st.mqtt.errors[fatal]} refusals)`,
          );
          break;
        }
        const now = performance.now();
        if ((connects === 0 && now > deadline) || now - lastProgress > Math.max(s.connectTimeoutMs, 30_000)) {
          const [code] = Object.entries(st.mqtt.errors).sort((a, b) => b[1] - a[1])[0] ?? ['MQTT_CONNECT_TIMEOUT'];
          const known = code === 'MQTT_CONNECT_FAILED' ? 'MQTT_CONNECT_FAILED' : 'MQTT_CONNECT_TIMEOUT';
          failure = new V2xError(
            known,
            `${s.broker.host}:${s.broker.port}: ${connects} of ${cars} cars connected within ${Math.round((now - lastProgress) / 1000)} s (errors: ${JSON.stringify(st.mqtt.errors)})`,
          );
          break;
        }
      }
      while (!stopped && failure === undefined && performance.now() < endAt) {
        await pause(Math.min(250, Math.max(1, endAt - performance.now())));
        update('running');
      }
      // a replay's last cars leave after their last fix: wait (briefly) until all have come and gone
      const grace = performance.now() + s.connectTimeoutMs;
      while (replay !== undefined && durationMs === replay.end && !stopped && failure === undefined && performance.now() < grace) {
        const st = coordinator.stats();
        if (st.mqtt.connects >= cars && st.mqtt.states.connected === 0) break;
        await pause(100);
        update('running');
      }
    } catch (err) {
      // a unit failed before it was ready (bad network file, scenario segment...): end the others
      failure ??= toV2xError(err);
    } finally {
      connectedAtEnd = coordinator.stats().mqtt.states.connected;
      update('stopping');
    }
    const final = failure === undefined ? await coordinator.stop() : (await coordinator.kill(), coordinator.stats());
    await new Promise<void>((resolve) => (truth === undefined ? resolve() : truth.end(() => resolve())));
    if (failure !== undefined) throw failure;
    const own = process.cpuUsage(cpu0);
    const ownCpuS = (own.user + own.system) / 1e6;
    const ownRss = process.resourceUsage().maxRSS;
    const summary = buildSummary({
      cars,
      stats: final,
      wallSeconds: (performance.now() - wall0) / 1000,
      cpuSeconds: ownCpuS + (multi ? (final.cpuUs ?? 0) / 1e6 : 0),
      peakRssKb: ownRss + (multi ? (final.maxRssKb ?? 0) : 0),
      baseRssKb: multi ? 0 : baseRssKb,
      connected: connectedAtEnd,
    });
    if (s.summaryJson !== '') writeFileSync(s.summaryJson, `${JSON.stringify(summary, null, 2)}\n`);
    return summary;
  }
}
