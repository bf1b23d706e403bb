/**
 * Drives a range of the fleet split over several units (worker threads, or child processes that
 * run their own workers): waits until all are ready, starts them on one clock, relays speed caps
 * between the replicas of the traffic model and the cars' warnings to the shared model thread, keeps the latest stats of each and adds them up, and
 * stops them (final stats, then exit). A unit that fails before it is ready fails the whole start.
 */
import { toV2xError, V2xError } from '../../core/errors.js';
import { mergeSnapshots } from '../../mqtt/stats.js';
import type { SimSettings } from '../config.js';
import { sliceTrace } from '../replay/trace.js';
import type { GroundTruthRecord } from '../traffic/ground-truth.js';
import type { DriverWarning } from '../traffic/warned-drivers.js';
import { addCounters } from './counters.js';
import type { UnitControl, UnitInit, UnitStats } from './messages.js';
import { startModelUnit, type ModelUnit } from './model-unit.js';
import type { ReplayUnitData } from './replay-source.js';
import { errorFromUnit, type Unit, type UnitFactory } from './units.js';

export interface CoordinatorOptions {
  readonly settings: SimSettings;
  readonly start: number;
  readonly end: number;
  readonly units: number;
  readonly factory: UnitFactory;
  /** The first unit keeps ground truth. */
  readonly groundTruth: boolean;
  /** Connections per second over all units. */
  readonly rampPerSecond: number;
  readonly label: string;
  readonly onTruth?: (records: readonly GroundTruthRecord[]) => void;
  /** A unit capped a car's speed (relayed to the other units here; a child process also passes it up). */
  readonly onSpeedCap?: (car: number, mps: number) => void;
  /** A unit's car received a warning (applied here; a child process also passes it up to the other processes). */
  readonly onWarning?: (w: DriverWarning) => void;
  /** A unit failed after the start. */
  readonly onFailure?: (error: V2xError) => void;
  /** A replay: the trace of cars [start, end) (vehicle 0 = car `start`), split over the units. */
  readonly replay?: ReplayUnitData;
  /**
   * The units are worker threads of this process: with `--traffic fleet` (and no replay) one model
   * thread steps the traffic for all of them (model-unit.ts) instead of a replica in each.
   */
  readonly threads?: boolean;
}

export function mergeUnitStats(list: readonly UnitStats[]): UnitStats {
  let cpuUs: number | undefined;
  let maxRssKb: number | undefined;
  for (const s of list) {
    if (s.cpuUs !== undefined) cpuUs = (cpuUs ?? 0) + s.cpuUs;
    if (s.maxRssKb !== undefined) maxRssKb = (maxRssKb ?? 0) + s.maxRssKb;
  }
  return {
    mqtt: mergeSnapshots(list.map((s) => s.mqtt)),
    sim: addCounters(list.map((s) => s.sim)),
    ...(cpuUs !== undefined && { cpuUs }),
    ...(maxRssKb !== undefined && { maxRssKb }),
  };
}

export class Coordinator {
  readonly units: Unit[] = [];
  /** Each unit's car range [from, to), relative to the coordinator's start. */
  readonly #ranges: (readonly [number, number])[] = [];
  readonly #cars: number;
  readonly #latest: (UnitStats | undefined)[] = [];
  readonly #finals: ((s: UnitStats) => void)[] = [];
  readonly #ready: Promise<number>;
  readonly #model: ModelUnit | undefined;
  #started = false;
  #stopping = false;

  constructor(o: CoordinatorOptions) {
    const cars = o.end - o.start;
    const n = Math.max(1, Math.min(o.units, cars));
    this.#cars = cars;
    const readies: Promise<number>[] = [];
    const shared = o.threads === true && o.settings.traffic === 'fleet' && o.replay === undefined;
    const model = shared
      ? startModelUnit({ settings: o.settings, readers: n, groundTruth: o.groundTruth, ...(o.onTruth && { onTruth: o.onTruth }) })
      : undefined;
    this.#model = model;
    if (model !== undefined) {
      readies.push(model.failed);
      void model.failed.catch((err: unknown) => {
        if (this.#started && !this.#stopping) o.onFailure?.(toV2xError(err));
      });
    }
    for (let u = 0; u < n; u++) {
      const from = Math.floor((cars * u) / n);
      const to = Math.floor((cars * (u + 1)) / n);
      const init: UnitInit = {
        settings: o.settings,
        start: o.start + from,
        end: o.start + to,
        groundTruth: o.groundTruth && u === 0 && model === undefined,
        rampPerSecond: o.rampPerSecond / n,
        label: `${o.label}${u}`,
        ...(o.replay !== undefined && { replay: { ...o.replay, trace: sliceTrace(o.replay.trace, from, to) } }),
        ...(model !== undefined && { traffic: { buffers: model.buffers, reader: u } }),
      };
      const unit = o.factory(init);
      this.units.push(unit);
      this.#ranges.push([from, to]);
      this.#latest.push(undefined);
      readies.push(
        new Promise<number>((resolve, reject) => {
          unit.onMessage((m) => {
            switch (m.type) {
              case 'ready':
                resolve(m.cars);
                break;
              case 'stats':
                this.#latest[u] = m.stats;
                if (m.final) this.#finals[u]?.(m.stats);
                break;
              case 'truth':
                o.onTruth?.(m.records);
                break;
              case 'warning':
                this.warn(m.warning, unit);
                o.onWarning?.(m.warning);
                break;
              case 'speedCap':
                for (const other of this.units) if (other !== unit) other.send({ type: 'speedCap', car: m.car, mps: m.mps });
                o.onSpeedCap?.(m.car, m.mps);
                break;
              case 'fatal': {
                const err = errorFromUnit(m.code, m.message);
                if (this.#started) o.onFailure?.(err);
                reject(err);
                break;
              }
            }
          });
          unit.onExit((problem) => {
            this.#finals[u]?.(this.#latest[u] ?? emptyStats());
            if (problem === undefined || this.#stopping) return;
            const err = new V2xError('INTERNAL', `simulator unit ${init.label} ended: ${problem}`);
            if (this.#started) o.onFailure?.(err);
            reject(err);
          });
        }),
      );
    }
    // the model's promise only ever rejects: the units' readiness races it
    const units = Promise.all(readies.slice(model === undefined ? 0 : 1));
    this.#ready = (model === undefined ? units : Promise.race([units, model.failed])).then((c) => c.reduce((a, b) => a + b, 0));
    this.#ready.catch(() => {}); // observed by ready()
  }

  /**
   * A car's warning reaches every model of the fleet here: the shared model thread, or else the
   * replicas in the units other than `from` (which applied it already).
   */
  warn(w: DriverWarning, from?: Unit): void {
    if (this.#model !== undefined) this.#model.warn(w);
    else for (const u of this.units) if (u !== from) u.send({ type: 'warning', warning: w });
  }

  /** Resolves with the number of cars once every unit is ready. */
  ready(): Promise<number> {
    return this.#ready;
  }

  /** `controlled`: a load test; no car connects until control() says how many run. */
  start(startWallMs: number, startEpochMs: number, controlled = false): void {
    this.#started = true;
    for (const u of this.units) u.send({ type: 'start', startWallMs, startEpochMs, ...(controlled && { controlled }) });
  }

  /**
   * Load-test control (after a controlled start): `activeCars` of this coordinator's cars run,
   * spread over the units in proportion to their cars (every worker carries its share of a ramp).
   */
  control(c: UnitControl): void {
    const active = c.activeCars === undefined ? undefined : Math.max(0, Math.min(Math.round(c.activeCars), this.#cars));
    this.units.forEach((u, i) => {
      const [from, to] = this.#ranges[i] as readonly [number, number];
      const share = active === undefined ? undefined : Math.floor((active * to) / this.#cars) - Math.floor((active * from) / this.#cars);
      u.send({ type: 'control', control: { ...c, ...(share !== undefined && { activeCars: share }) } });
    });
  }

  /** The latest stats of all units, added up. */
  stats(): UnitStats {
    return mergeUnitStats(this.#latest.map((s) => s ?? emptyStats()));
  }

  /** Stops every unit, waits (up to timeoutMs) for their final stats, and ends them. */
  async stop(timeoutMs = 10_000): Promise<UnitStats> {
    this.#stopping = true;
    const finals = this.units.map(
      (_, u) =>
        new Promise<UnitStats>((resolve) => {
          this.#finals[u] = resolve;
        }),
    );
    for (const u of this.units) u.send({ type: 'stop' });
    let timer: NodeJS.Timeout | undefined;
    const deadline = new Promise<void>((resolve) => (timer = setTimeout(resolve, timeoutMs)));
    await Promise.race([Promise.all(finals), deadline]);
    clearTimeout(timer);
    await Promise.all([...this.units.map((u) => u.terminate()), this.#model?.stop()]);
    return this.stats();
  }

  /** Ends every unit at once (after a failed start). */
  async kill(): Promise<void> {
    this.#stopping = true;
    await Promise.all([...this.units.map((u) => u.terminate()), this.#model?.stop()]);
  }
}

function emptyStats(): UnitStats {
  return { mqtt: mergeSnapshots([]), sim: addCounters([]) };
}
