/**
 * One simulator run, built apart from being run: `new Simulation(settings)` plans the spread
 * (processes, worker threads), `run()` starts the units, waits for the ramp (with a deadline: an
 * unreachable broker fails the run instead of hanging), runs for the duration or until stopped,
 * stops the units and returns the summary. Ground truth is appended to a JSONL file as it comes.
 * The caller (cli/commands/sim.ts) shows progress from the `onUpdate` calls.
 */
import { createWriteStream, writeFileSync, type WriteStream } from 'node:fs';
import { toV2xError, V2xError } from '../../core/errors.js';
import type { SimSettings } from '../config.js';
import { shardRange } from '../fleet/shard.js';
import { toJsonl } from '../traffic/ground-truth.js';
import { Coordinator } from './coordinator.js';
import type { UnitStats } from './messages.js';
import { processesFor, workersPerProcess } from './plan.js';
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

  constructor(settings: SimSettings) {
    this.settings = settings;
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
      onTruth: (records) => truth?.write(toJsonl(records)),
      onFailure: (e) => {
        failure ??= e;
        wake?.();
      },
    });
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
      coordinator.start(startWall, s.startEpochMs ?? startWall);
      const startedAt = performance.now();
      // --duration is simulated time from the start, the ramp included
      const endAt = s.durationMs > 0 ? startedAt + s.durationMs / s.speedup : Number.POSITIVE_INFINITY;
      // ramp: until every car has connected once, or the deadline passes without any connection
      const deadline = performance.now() + s.connectTimeoutMs;
      let lastProgress = performance.now();
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
