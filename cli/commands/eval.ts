/**
 * `v2x eval traffic --scenario FILE --seed S [--speedup N] [--json FILE] [--duration S] [--warmup S]
 * [--reroute-share X] [--compare]`: scores the traffic service's jam detection, forecasts and warnings
 * against the simulator's ground truth (issue 7). Runs in-process: the real traffic model and the
 * same TrafficService the Kafka role runs, fed with every car's fix at 1 Hz (GPS noise 4 m), without
 * MQTT and Kafka (that path is covered by test/integration/traffic). Prints a table and the issue's
 * JSON (stdout; --json also writes it to a file); progress on stderr. Exit 0.
 *
 * `v2x eval traffic --replay FILE --network FILE --truth FILE [--replay-speed N] [--warmup S]
 * [--json FILE] [--html FILE] [--truth-min-vehicles N] [--truth-exit-ratio X] [--truth-signal-cycle S]` scores the live service instead: the
 * stack (Kafka, broker, bridge, traffic role) fed by the replayed trace over MQTT, against truth
 * from outside (SUMO edgeData XML or a segment,time,speed CSV): eval-live.ts.
 *
 * `v2x eval traffic --sim-truth FILE [--json FILE]` reports the travel time that warned MQTT cars
 * saved by rerouting, from the ground truth the simulator wrote on the live stack (`v2x sim
 * --ground-truth FILE`): decisions, rerouted cars, total and median seconds saved
 * (eval/traffic/reroute-score.ts).
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { V2xError } from '../../core/errors.js';
import { formatRerouting, scoreRerouting } from '../../eval/traffic/reroute-score.js';
import { parseGroundTruthJsonl } from '../../eval/traffic/truth.js';
import { runTrafficEvaluation, type EvaluationDetails } from '../../eval/traffic/evaluate.js';
import type { TrafficReport } from '../../eval/traffic/score.js';
import type { Command, LeafCommand } from '../command.js';
import { progressLine } from '../progress.js';
import { runLiveTrafficEvaluation, type LiveEvalOptions, type LiveEvalResult } from './eval-live.js';
import { liveEvalHtml } from './eval-report.js';

export function formatLiveReport(r: LiveEvalResult): string {
  const s = r.score;
  const d = s.report.detection;
  const f = (v: number): string => (Number.isNaN(v) ? '-' : v.toFixed(3));
  const lines = [
    `detection   precision ${f(d.precision)}  recall ${f(d.recall)}  F1 ${f(d.f1)}  delay median ${d.median_delay_s} s  p90 ${d.p90_delay_s} s  ` +
      `(${s.trueJams.length} true jams, ${s.detectedJams} detected; ${s.missed.length} missed, ${s.falseAlarms.length} false alarms)`,
    `overlap     ${f(s.report.overlap.true_time_detected)} of true jam segment-time detected, ${f(s.report.overlap.detected_time_true)} of detected segment-time truly jammed`,
    'forecast (m/s)   model    ha       last',
  ];
  for (const k of ['mae_5', 'mae_10', 'mae_15', 'rmse_10'] as const) {
    const t = s.report.forecast[k];
    lines.push(`  ${k.padEnd(14)} ${f(t.model).padEnd(8)} ${f(t.ha).padEnd(8)} ${f(t.last)}`);
  }
  lines.push(`warnings    median lead ${s.report.warnings.median_lead_s} s`);
  lines.push(
    `run         ${r.vehicles} vehicles, ${r.fixes} fixes replayed; network ${r.network.segments} segments, ${r.network.signals} signals; ` +
      `${r.truthRecords} truth records; ${(r.wallMs / 1000).toFixed(1)} s wall`,
  );
  return lines.join('\n');
}

function num(v: unknown, name: string, check: (n: number) => boolean, rule: string): number | string | undefined {
  if (v === undefined) return undefined;
  const n = Number(v);
  return Number.isFinite(n) && check(n) ? n : `--${name} must be ${rule} (got ${String(v)})`;
}

export function formatTrafficReport(d: EvaluationDetails, baseline?: EvaluationDetails): string {
  const r: TrafficReport = d.report;
  const f = (v: number): string => (Number.isNaN(v) ? '-' : v.toFixed(3));
  const lines = [
    `detection   precision ${f(r.detection.precision)}  recall ${f(r.detection.recall)}  F1 ${f(r.detection.f1)}  ` +
      `delay median ${r.detection.median_delay_s} s  p90 ${r.detection.p90_delay_s} s  (${d.trueJams.length} true jams, ${d.detectedJams} detected)`,
    'forecast (m/s)   model    ha       last',
  ];
  for (const k of ['mae_5', 'mae_10', 'mae_15', 'rmse_10'] as const) {
    const t = r.forecast[k];
    lines.push(`  ${k.padEnd(14)} ${f(t.model).padEnd(8)} ${f(t.ha).padEnd(8)} ${f(t.last)}`);
  }
  lines.push(`warnings    median lead ${r.warnings.median_lead_s} s (${d.warnings.length} predicted jams)`);
  const rr = d.rerouting;
  lines.push(
    `car warnings ${rr.warningsPerCar} per car; ${rr.warningsReached} reached the warned segment, median ${rr.carWarningMedianLeadS} s after the warning`,
  );
  lines.push(
    `rerouting   share ${rr.share}: ${rr.carWarnings} warnings to ${rr.carsWarned} cars, ${rr.rerouted} rerouted; fleet mean speed ${rr.fleetMeanSpeedMps} m/s` +
      (baseline === undefined ? '' : ` (without rerouting: ${baseline.rerouting.fleetMeanSpeedMps} m/s)`),
  );
  lines.push(
    `run         ${d.simulatedS} simulated s in ${(d.wallMs / 1000).toFixed(1)} s wall; fixes matched ${d.fixes.matched}, unmatched ${d.fixes.unmatched}`,
  );
  return lines.join('\n');
}

const trafficEval: LeafCommand = {
  name: 'traffic',
  summary: 'score jam detection, forecasts and warnings against the simulator ground truth',
  usage:
    '--scenario FILE --seed S [--speedup N] [--json FILE] [--duration S] [--warmup S] [--reroute-share X] [--compare]\n' +
    '       --replay FILE --network FILE --truth FILE [--replay-speed N] [--warmup S] [--json FILE] [--html FILE]\n' +
    '       --sim-truth FILE [--json FILE]',
  options: {
    scenario: { type: 'string', valueName: 'FILE', description: 'scenario (default simulator/scenarios/incident.yaml)' },
    seed: { type: 'string', valueName: 'S', description: "seed (default: the scenario's)" },
    speedup: { type: 'string', valueName: 'N', description: 'pace the run at N x real time (default: as fast as possible)' },
    json: { type: 'string', valueName: 'FILE', description: 'also write the JSON report there' },
    duration: { type: 'string', valueName: 'S', description: 'simulated seconds (default 2700)' },
    warmup: { type: 'string', valueName: 'S', description: 'simulated seconds not scored at the start (default 600)' },
    'reroute-share': { type: 'string', valueName: 'X', description: 'share of warned drivers that reroute, 0..1 (default 0.3)' },
    compare: { type: 'boolean', description: 'run a second time without rerouting and show the fleet speed of both' },
    replay: { type: 'string', valueName: 'FILE', description: 'live mode: replay this trace (SUMO FCD or CSV) through the stack' },
    network: { type: 'string', valueName: 'FILE', description: 'live mode: the road network (SUMO .net.xml, .osm, GeoJSON)' },
    truth: { type: 'string', valueName: 'FILE', description: 'live mode: ground truth (SUMO edgeData XML, or CSV segment,time,speed)' },
    'replay-speed': { type: 'string', valueName: 'N', description: 'live mode: replay speed (default 10)' },
    'truth-min-vehicles': {
      type: 'string',
      valueName: 'N',
      description:
        'live mode: a true jam needs N vehicles on the segment at once at some window of it (default 2; 0: one car can be a jam)',
    },
    'truth-signal-cycle': {
      type: 'string',
      valueName: 'S',
      description:
        "live mode: a true jam on a signal approach lasts at least S seconds, one cycle (default 60; netconvert's static programs: 90)",
    },
    'truth-exit-ratio': {
      type: 'string',
      valueName: 'X',
      description: 'live mode: a true jam ends at a window at or above X of free flow (default 0.5; 0.4: the rule before decision 0037)',
    },
    html: { type: 'string', valueName: 'FILE', description: 'live mode: write an HTML report with a timeline chart' },
    'sim-truth': {
      type: 'string',
      valueName: 'FILE',
      description:
        'ground truth JSONL of an MQTT simulator run (v2x sim --ground-truth): report the travel time warned cars saved by rerouting',
    },
    records: {
      type: 'string',
      valueName: 'FILE',
      description: "live mode: also write the service's jam events and traffic records (JSON) to rescore",
    },
  },
  help:
    'Runs in-process: the real traffic model (IDM) and the same TrafficService as the backend role, without\n' +
    'MQTT and Kafka (the Kafka path is tested in test/integration/traffic). The last stdout line is the JSON\n' +
    'report of issue 7: {"detection":{...},"forecast":{...},"warnings":{"median_lead_s"}}.',
  async run({ config, options, stdout, stderr }) {
    const problems: string[] = [];
    const pick = (name: string, check: (n: number) => boolean, rule: string): number | undefined => {
      const v = num(options[name], name, check, rule);
      if (typeof v === 'string') problems.push(v);
      return typeof v === 'number' ? v : undefined;
    };
    const speedup = pick('speedup', (n) => n > 0, 'a number > 0');
    const duration = pick('duration', (n) => Number.isInteger(n) && n >= 60, 'a whole number >= 60');
    const warmup = pick('warmup', (n) => Number.isInteger(n) && n >= 0, 'a whole number >= 0');
    const share = pick('reroute-share', (n) => n >= 0 && n <= 1, 'between 0 and 1');
    const live = options.replay !== undefined || options.truth !== undefined;
    const speed = pick('replay-speed', (n) => n > 0 && n <= 1000, 'a number in (0, 1000]');
    const minVeh = pick('truth-min-vehicles', (n) => n >= 0, 'a number >= 0');
    const exitRatio = pick('truth-exit-ratio', (n) => n >= 0.4 && n <= 1, 'a number in [0.4, 1]');
    const cycle = pick('truth-signal-cycle', (n) => n >= 0 && n <= 600, 'a number of seconds in [0, 600]');
    const simTruth = typeof options['sim-truth'] === 'string';
    if (simTruth && (live || options.scenario !== undefined))
      problems.push('--sim-truth FILE reads a finished run: it does not go with --scenario, --replay, --network or --truth');
    else if (live)
      for (const k of ['replay', 'network', 'truth'])
        if (typeof options[k] !== 'string') problems.push(`--${k} FILE is needed to score the live service`);
    if (problems.length > 0) {
      stderr.write(`CLI_USAGE: ${problems.join('; ')}\n`);
      return 2;
    }
    if (typeof options['sim-truth'] === 'string') {
      const file = options['sim-truth'];
      let text: string;
      try {
        text = readFileSync(file, 'utf8');
      } catch (err) {
        throw new V2xError('CLI_USAGE', `--sim-truth: cannot read ${file}: ${(err as Error).message}`, { cause: err });
      }
      let records;
      try {
        records = parseGroundTruthJsonl(text);
      } catch (err) {
        throw new V2xError('CLI_USAGE', `--sim-truth: ${file} is not ground-truth JSONL: ${(err as Error).message}`, { cause: err });
      }
      const report = { rerouting: scoreRerouting(records) };
      if (typeof options.json === 'string') writeFileSync(options.json, JSON.stringify(report, null, 2) + '\n');
      stdout.write(`${formatRerouting(report.rerouting)}\n${JSON.stringify(report)}\n`);
      return 0;
    }
    if (live) {
      const o: LiveEvalOptions = {
        replay: options.replay as string,
        network: options.network as string,
        truth: options.truth as string,
        speed: speed ?? 10,
        warmupS: warmup ?? 600,
        ...(minVeh === undefined ? {} : { truthMinVehicles: minVeh }),
        ...(exitRatio === undefined ? {} : { truthExitRatio: exitRatio }),
        ...(cycle === undefined ? {} : { truthSignalCycleS: cycle }),
        ...(typeof options.records === 'string' ? { recordsFile: options.records } : {}),
      };
      const r = await runLiveTrafficEvaluation(config, o, progressLine(stderr), (w) => stderr.write(`v2x eval: warning: ${w}\n`));
      const report = {
        ...r.score.report,
        run: { vehicles: r.vehicles, fixes: r.fixes, trueJams: r.score.trueJams.length, detectedJams: r.score.detectedJams },
      };
      if (typeof options.json === 'string') writeFileSync(options.json, JSON.stringify(report, null, 2) + '\n');
      if (typeof options.html === 'string') writeFileSync(options.html, liveEvalHtml(o, r));
      stdout.write(`${formatLiveReport(r)}\n${JSON.stringify(report)}\n`);
      return 0;
    }
    const scenario = (options.scenario as string | undefined) ?? 'simulator/scenarios/incident.yaml';
    const seedText = options.seed as string | undefined;
    const seed = seedText === undefined ? undefined : /^\d{1,9}$/.test(seedText) ? Number(seedText) : seedText;
    const tty = (stderr as NodeJS.WriteStream).isTTY === true;
    const progress =
      (label: string) =>
      (t: number, total: number): void => {
        stderr.write(`${tty ? '\r' : ''}eval traffic ${label}: ${t}/${total} simulated s${tty ? '' : '\n'}`);
      };
    const base = {
      ...(seed === undefined ? {} : { seed }),
      ...(speedup === undefined ? {} : { speedup }),
      ...(duration === undefined ? {} : { durationS: duration }),
      ...(warmup === undefined ? {} : { warmupS: warmup }),
    };
    const d = await runTrafficEvaluation(scenario, {
      ...base,
      ...(share === undefined ? {} : { rerouteShare: share }),
      onProgress: progress('run'),
    });
    const baseline =
      options.compare === true
        ? await runTrafficEvaluation(scenario, { ...base, rerouteShare: 0, onProgress: progress('no rerouting') })
        : undefined;
    if (tty) stderr.write('\n');
    const json = JSON.stringify(d.report);
    if (typeof options.json === 'string') writeFileSync(options.json, JSON.stringify(d.report, null, 2) + '\n');
    stdout.write(`${formatTrafficReport(d, baseline)}\n${json}\n`);
    return 0;
  },
};

export const evalCommand: Command = {
  name: 'eval',
  summary: 'score the backend services against the simulator ground truth (eval traffic)',
  subcommands: [trafficEval],
};
