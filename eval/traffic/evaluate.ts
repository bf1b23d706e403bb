/**
 * Offline evaluation: runs the real TrafficModel on a scenario in-process, faster than real time,
 * samples every car's fix at 1 Hz as its telemetry would (with GPS noise: position sd `gpsNoiseM`,
 * heading sd 5 deg, speed sd 0.3 m/s, all seeded), feeds the detector, collects the simulator's
 * ground truth and scores. The Kafka-based run and `v2x eval traffic` wrap this later.
 *
 * The first `warmupS` simulated seconds (random placement puts cars everywhere at once, and the
 * model needs minutes to settle) feed the detector but are not scored: true jams, detected jams,
 * forecasts and warnings that start before then are left out.
 *
 * It drives the same TrafficService as the Kafka role (minus Kafka and MQTT): warnings to cars come
 * from it, and a share `rerouteShare` of the warned drivers (seeded draw per warning) take a detour
 * around the jam in the model (TrafficModel.rerouteAround). The fleet's mean speed over the scored
 * period shows the effect (run once with rerouteShare 0 to compare).
 */
import type { Clock } from '../../core/clock.js';
import { systemClock } from '../../core/clock.js';
import { Rng } from '../../core/random.js';
import { M_PER_DEG, mPerDegLon } from '../../road/geo.js';
import { SegmentIndex } from '../../road/spatial-index.js';
import { buildScenario } from '../../simulator/scenario/build.js';
import { loadScenarioFile } from '../../simulator/scenario/scenario.js';
import type { GroundTruthRecord } from '../../simulator/traffic/ground-truth.js';
import { emptyKinematics } from '../../simulator/traffic/kinematics.js';
import type { DetectorOptions } from '../../backend/services/traffic/detector.js';
import { percentile } from '../../backend/services/traffic/windows.js';
import { TrafficService } from '../../backend/services/traffic/service.js';
import type { JamEvent, JamWarning, SpeedForecast } from '../../backend/services/traffic/types.js';
import { coverageFromEvents, scoreDetection, scoreForecasts, scoreWarnings, type TrafficReport } from './score.js';
import { trueJams, TruthSpeeds, type TrueJam } from './truth.js';

export interface EvaluateOptions {
  readonly seed?: number | string;
  /** Pace the run at N x real time; default: as fast as the CPU allows. */
  readonly speedup?: number;
  /** Simulated seconds to run (default 2700). */
  readonly durationS?: number;
  readonly warmupS?: number;
  /** Share of cars that report telemetry (default 1). */
  readonly probeShare?: number;
  readonly gpsNoiseM?: number;
  readonly detector?: DetectorOptions;
  readonly clock?: Clock;
  /** Epoch ms of simulated time 0 (default 2026-11-25T07:00:00Z, a weekday morning). */
  readonly startEpochMs?: number;
  /** Share of warned drivers that reroute around the jam (default 0.3). */
  readonly rerouteShare?: number;
  /** Cars within this road distance upstream of a jam are warned (default 800 m). */
  readonly warningDistanceM?: number;
  /** Called every simulated minute (progress). */
  readonly onProgress?: (simulatedS: number, durationS: number) => void;
  /**
   * Shadow detectors: fed the same fixes, scored on the same traffic, but their warnings reroute
   * nobody (the main detector's do); to compare detector options on identical traffic.
   */
  readonly shadowDetectors?: readonly DetectorOptions[];
}

export interface ReroutingFigures {
  readonly share: number;
  /** Warnings sent to cars (scored period), distinct cars warned, drivers who rerouted. */
  readonly carWarnings: number;
  readonly carsWarned: number;
  readonly rerouted: number;
  /** Warnings per car of the fleet (scored period). */
  readonly warningsPerCar: number;
  /**
   * Warnings to cars followed by the car driving onto one of the warned segments (the jam's, or the
   * predicted one) within 15 min: their share, and the median time from warning to arrival (s).
   */
  readonly warningsReached: number;
  readonly carWarningMedianLeadS: number;
  /** Mean speed of all cars over the scored period, m/s. */
  readonly fleetMeanSpeedMps: number;
}

export interface EvaluationDetails {
  readonly report: TrafficReport;
  readonly trueJams: readonly TrueJam[];
  readonly detectedJams: number;
  readonly events: readonly JamEvent[];
  readonly warnings: readonly JamWarning[];
  readonly forecastsScored: number;
  readonly delays_s: readonly number[];
  readonly fixes: { readonly matched: number; readonly unmatched: number };
  readonly modelWeights: Record<string, number[]>;
  /** Detection scores of the shadow detectors, in the order given. */
  readonly shadows: readonly {
    readonly detection: TrafficReport['detection'];
    readonly detectedJams: number;
    readonly delays_s: readonly number[];
    /** Its jam events (to score it against another truth rule). */
    readonly events: readonly JamEvent[];
  }[];
  readonly wallMs: number;
  readonly simulatedS: number;
  readonly rerouting: ReroutingFigures;
}

export async function evaluateTrafficScenario(scenarioPath: string, options: EvaluateOptions = {}): Promise<TrafficReport> {
  return (await runTrafficEvaluation(scenarioPath, options)).report;
}

export async function runTrafficEvaluation(scenarioPath: string, options: EvaluateOptions = {}): Promise<EvaluationDetails> {
  const clock = options.clock ?? systemClock;
  const scenario = loadScenarioFile(scenarioPath);
  const startEpochMs = options.startEpochMs ?? Date.UTC(2026, 10, 25, 7, 0, 0);
  const seed = options.seed ?? scenario.seed;
  const { network, model } = buildScenario({ ...scenario, seed }, { seed, startEpochMs });
  const service = new TrafficService(new SegmentIndex(network), {
    stepMs: 10_000,
    latenessMs: 0,
    warningDistanceM: options.warningDistanceM ?? 800,
    ...(options.detector === undefined ? {} : { detector: options.detector }),
  });
  const detector = service.detector;
  const shadows = (options.shadowDetectors ?? []).map((d) => ({
    service: new TrafficService(new SegmentIndex(network), { stepMs: 10_000, latenessMs: 0, warningDistanceM: 0, detector: d }),
    events: [] as JamEvent[],
  }));
  const rng = new Rng(seed).fork('telemetry');
  const rngReroute = new Rng(seed).fork('reroute');
  const rerouteShare = options.rerouteShare ?? 0.3;
  const warned = new Set<string>();
  let carWarnings = 0;
  /** Per car: warned segment indices with the warning time (scored warnings only), until reached or 15 min old. */
  const open = new Map<number, { segs: Set<number>; atMs: number }[]>();
  const leads: number[] = [];
  let rerouted = 0;
  let speedSum = 0;
  let speedN = 0;
  const durationS = options.durationS ?? 2700;
  const warmupMs = startEpochMs + (options.warmupS ?? 600) * 1000;
  const share = options.probeShare ?? 1;
  const noise = options.gpsNoiseM ?? 4;
  const probes: number[] = [];
  for (let i = 0; i < model.carCount; i++) if (share >= 1 || rng.chance(share)) probes.push(i);
  const k = emptyKinematics();
  const records: GroundTruthRecord[] = [];
  const events: JamEvent[] = [];
  const forecasts: SpeedForecast[] = [];
  const warnings: JamWarning[] = [];
  const mPerDegLonCentre = mPerDegLon(network.centre.lat);
  const wallStart = clock.monotonic();
  for (let t = 1; t <= durationS; t++) {
    model.step(1);
    const ts = startEpochMs + t * 1000;
    const scored = ts > warmupMs;
    if (scored) {
      for (let c = 0; c < model.carCount; c++) speedSum += model.state.speed[c] as number;
      speedN += model.carCount;
    }
    for (const i of probes) {
      model.readCar(i, k);
      const pending = open.get(i);
      if (pending !== undefined) {
        const keep = pending.filter((w) => {
          if (w.segs.has(k.segment)) {
            leads.push((ts - w.atMs) / 1000);
            return false;
          }
          return ts - w.atMs <= 15 * 60_000;
        });
        if (keep.length === 0) open.delete(i);
        else open.set(i, keep);
      }
      const heading = (k.headingDeg + rng.normal(0, 5) + 360) % 360;
      const fix = {
        vin: `SIMCAR${i}`,
        ts: ts - 1, // the fix taken during the last second
        lon: k.lon + rng.normal(0, noise) / mPerDegLonCentre,
        lat: k.lat + rng.normal(0, noise) / M_PER_DEG,
        headingDeg: heading,
        speedMps: Math.max(0, k.speedMps + rng.normal(0, 0.3)),
      };
      service.ingestFix(fix);
      for (const sh of shadows) sh.service.ingestFix(fix);
    }
    for (const r of model.takeRecords()) records.push(r);
    if (t % 10 === 0) {
      for (const sh of shadows) for (const out of sh.service.advanceTo(ts)) sh.events.push(...out.events);
      for (const out of service.advanceTo(ts)) {
        for (const e of out.events) events.push(e);
        if (ts >= warmupMs) for (const f of out.forecasts) forecasts.push(f);
        for (const w of out.predicted) if (ts >= warmupMs) warnings.push(w);
        out.carWarnings.forEach((w, n) => {
          if (ts >= warmupMs) {
            carWarnings++;
            warned.add(w.vin);
          }
          const car = Number(w.vin.slice(6));
          if (ts >= warmupMs) {
            const segs = new Set((out.avoid[n] ?? []).map((id) => network.segmentIndexById.get(id) ?? -1));
            open.set(car, [...(open.get(car) ?? []), { segs, atMs: out.atMs }]);
          }
          if (rerouteShare > 0 && rngReroute.chance(rerouteShare) && model.rerouteAround(car, out.avoid[n] ?? []) && ts >= warmupMs)
            rerouted++;
        });
      }
      if (t % 60 === 0) options.onProgress?.(t, durationS);
      if (options.speedup !== undefined && options.speedup > 0) {
        const due = wallStart + (t * 1000) / options.speedup;
        const wait = due - clock.monotonic();
        if (wait > 0) await new Promise<void>((resolve) => clock.setTimeout(resolve, wait));
      }
    }
  }
  const endMs = startEpochMs + durationS * 1000;
  const allTruth = trueJams(records);
  const truth = allTruth.filter((j) => j.startMs >= warmupMs);
  const coverage = coverageFromEvents(events, endMs);
  const startOf = new Map<string, number>();
  for (const e of events) if (e.type === 'jam_started') startOf.set(e.jam.id, e.atMs);
  const scoredCoverage = coverage.filter((c) => (startOf.get(c.jamId) ?? 0) >= warmupMs);
  const detection = scoreDetection(truth, scoredCoverage, 60_000, allTruth);
  const shadowScores = shadows.map((sh) => {
    const starts = new Map<string, number>();
    for (const e of sh.events) if (e.type === 'jam_started') starts.set(e.jam.id, e.atMs);
    const cov = coverageFromEvents(sh.events, endMs).filter((c) => (starts.get(c.jamId) ?? 0) >= warmupMs);
    const d = scoreDetection(truth, cov, 60_000, allTruth);
    return {
      detection: { precision: d.precision, recall: d.recall, f1: d.f1, median_delay_s: d.median_delay_s, p90_delay_s: d.p90_delay_s },
      detectedJams: new Set(cov.map((c) => c.jamId)).size,
      delays_s: d.delays_s,
      events: sh.events,
    };
  });
  const fc = scoreForecasts(forecasts, new TruthSpeeds(records));
  const warn = scoreWarnings(warnings, truth);
  const report: TrafficReport = {
    detection: {
      precision: detection.precision,
      recall: detection.recall,
      f1: detection.f1,
      median_delay_s: detection.median_delay_s,
      p90_delay_s: detection.p90_delay_s,
    },
    forecast: { mae_5: fc.mae_5, mae_10: fc.mae_10, mae_15: fc.mae_15, rmse_10: fc.rmse_10 },
    warnings: { median_lead_s: warn.median_lead_s },
  };
  return {
    report,
    trueJams: truth,
    detectedJams: new Set(scoredCoverage.map((c) => c.jamId)).size,
    events,
    warnings,
    forecastsScored: fc.n_10,
    delays_s: detection.delays_s,
    fixes: { matched: detector.matched, unmatched: detector.unmatched },
    modelWeights: detector.forecaster.weights(),
    shadows: shadowScores,
    wallMs: Math.round(clock.monotonic() - wallStart),
    simulatedS: durationS,
    rerouting: {
      share: rerouteShare,
      carWarnings,
      carsWarned: warned.size,
      rerouted,
      warningsPerCar: Math.round((carWarnings / Math.max(1, model.carCount)) * 10) / 10,
      warningsReached: leads.length,
      carWarningMedianLeadS: percentile(
        leads.sort((a, b) => a - b),
        50,
      ),
      fleetMeanSpeedMps: speedN === 0 ? 0 : Math.round((speedSum / speedN) * 1000) / 1000,
    },
  };
}
