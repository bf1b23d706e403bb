/**
 * A validated load-test scenario: the schema check (schema.ts), then the rules a schema cannot
 * say (stage targets within the fleet, credentials complete for their mode, chaos within the
 * run, parseable thresholds, stages or rampToBreak but not both), then normalisation: durations
 * in ms, defaults filled in, thresholds parsed. Any problem is one SCENARIO_INVALID listing each
 * field and what it allows; `details.problems` holds them as { field, message }.
 */
import { isAbsolute, resolve } from 'node:path';
import { TypeCompiler } from '@sinclair/typebox/compiler';
import { isV2xError, V2xError } from '../../core/errors.js';
import { COMMAND_TYPES, isCommandType } from '../../protocol/schemas/commands.js';
import type { ThresholdSpec } from '../thresholds/evaluate.js';
import { parseThreshold } from '../thresholds/parse.js';
import { parseDuration } from './duration.js';
import { rampToBreakStages } from './ramp-stages.js';
import { problemsOf, type FieldProblem } from './schema-errors.js';
import { ScenarioFileSchema, type ScenarioFile } from './schema.js';

export interface BrokerTarget {
  readonly name: string;
  readonly url: string;
  readonly credentials:
    | { readonly mode: 'fleet-key'; readonly fleetKey: string }
    | { readonly mode: 'password'; readonly username: string; readonly password: string }
    | { readonly mode: 'none' };
  readonly tls: { readonly caFile: string; readonly rejectUnauthorized: boolean } | undefined;
  /** The service account of the probe subscriber and the command sender (none: anonymous). */
  readonly service?: { readonly username: string; readonly password: string } | undefined;
}

export interface Stage {
  readonly durationMs: number;
  readonly target: number;
  readonly rateHz: number;
}

export interface RampToBreakSettings {
  readonly startCars: number;
  readonly stepCars: number;
  readonly maxCars: number;
  readonly rampMs: number;
  readonly holdMs: number;
  readonly settleMs: number;
  readonly rateHz: number;
}

export interface LoadScenario {
  readonly name: string;
  readonly description: string;
  readonly brokers: readonly BrokerTarget[];
  readonly fleet: {
    readonly size: number;
    readonly seed: string;
    readonly city: { readonly kind: 'builtin' } | { readonly kind: 'file'; readonly path: string };
  };
  /** The stages to run; for a ramp-to-break scenario, every level up to maxCars. */
  readonly stages: readonly Stage[];
  readonly rampToBreak: RampToBreakSettings | undefined;
  readonly profile: {
    readonly qos: 0 | 1 | 2;
    readonly mqttVersion: '3.1.1' | '5';
    readonly codec: 'json' | 'binary';
    readonly telemetryHz: number;
    readonly eventsPerCarPerHour: number;
    readonly commands: { readonly perSecond: number; readonly types: readonly string[]; readonly timeoutMs: number };
    readonly e2e: {
      readonly probe: 'subscriber' | 'kafka' | 'none';
      readonly sampleShare: number;
      /** For probe kafka; each undefined = from the config the CLI read (KAFKA_BROKERS, bridge.topicPrefix). */
      readonly kafka?: { readonly brokers: readonly string[] | undefined; readonly topicPrefix: string | undefined };
    };
    readonly keepaliveMs: number;
    readonly cleanSession: boolean;
  };
  readonly chaos: {
    readonly connectionDrops: readonly { readonly atMs: number; readonly percent: number }[];
    readonly coverageHoles: { readonly perCarPerHour: number; readonly minMs: number; readonly maxMs: number };
    readonly brokerRestarts: readonly { readonly atMs: number; readonly command: string; readonly timeoutMs: number }[];
  };
  readonly thresholds: readonly ThresholdSpec[];
  /** Sum of the stage durations. */
  readonly totalMs: number;
}

const check = TypeCompiler.Compile(ScenarioFileSchema);

export function invalid(problems: readonly FieldProblem[]): V2xError {
  const text = problems.map((p) => `${p.field}: ${p.message}`).join('; ');
  return new V2xError('SCENARIO_INVALID', text, { details: { problems } });
}

export interface ParseOptions {
  /** Folder relative paths (city file, CA file) are resolved against: the scenario's folder. */
  readonly baseDir?: string;
}

export function parseScenario(input: unknown, options: ParseOptions = {}): LoadScenario {
  if (typeof input !== 'object' || input === null || Array.isArray(input)) {
    throw invalid([{ field: '(top level)', message: 'must be a mapping with name, brokers, fleet, stages, ...' }]);
  }
  if (!check.Check(input)) throw invalid(problemsOf(check.Errors(input)));
  return normalise(input, options.baseDir ?? process.cwd());
}

function normalise(f: ScenarioFile, baseDir: string): LoadScenario {
  const problems: FieldProblem[] = [];
  const p = (field: string, message: string): void => {
    problems.push({ field, message });
  };
  const abs = (path: string): string => (isAbsolute(path) ? path : resolve(baseDir, path));
  const ms = (v: string | number): number => parseDuration(v);

  const names = new Set<string>();
  const brokers = f.brokers.map((b, i): BrokerTarget => {
    const name = b.name ?? new URL(b.url).host;
    if (names.has(name)) p(`brokers[${i}].name`, `"${name}" is used twice: give each broker its own name`);
    names.add(name);
    const c = b.credentials ?? { mode: 'fleet-key' };
    let credentials: BrokerTarget['credentials'];
    if (c.mode === 'password') {
      if (c.username === undefined) p(`brokers[${i}].credentials.username`, 'is required with mode "password"');
      if (c.fleetKey !== undefined) p(`brokers[${i}].credentials.fleetKey`, 'applies to mode "fleet-key" only');
      credentials = { mode: 'password', username: c.username ?? '', password: c.password ?? '' };
    } else {
      for (const k of ['username', 'password'] as const) {
        if (c[k] !== undefined) p(`brokers[${i}].credentials.${k}`, 'applies to mode "password" only');
      }
      if (c.mode === 'none' && c.fleetKey !== undefined) p(`brokers[${i}].credentials.fleetKey`, 'applies to mode "fleet-key" only');
      credentials = c.mode === 'none' ? { mode: 'none' } : { mode: 'fleet-key', fleetKey: c.fleetKey ?? 'v2x-demo-fleet-key' };
    }
    const tlsUrl = /^(mqtts|ssl|tls):/.test(b.url);
    if (b.tls !== undefined && !tlsUrl) p(`brokers[${i}].tls`, 'needs an mqtts:// url');
    return {
      name,
      url: b.url,
      credentials,
      tls: b.tls === undefined ? undefined : { caFile: abs(b.tls.caFile), rejectUnauthorized: b.tls.rejectUnauthorized ?? true },
      ...(b.service !== undefined && { service: { username: b.service.username, password: b.service.password } }),
    };
  });

  const pr = f.profile ?? {};
  const telemetryHz = pr.telemetryHz ?? 1;

  let rampToBreak: RampToBreakSettings | undefined;
  let stages: Stage[] = [];
  if (f.stages !== undefined && f.rampToBreak !== undefined)
    p('rampToBreak', 'cannot be given with stages: the controller makes the stages');
  if (f.stages === undefined && f.rampToBreak === undefined) p('stages', 'is required (or rampToBreak): a list of { duration, target }');
  if (f.rampToBreak !== undefined) {
    const r = f.rampToBreak;
    rampToBreak = {
      startCars: r.startCars,
      stepCars: r.stepCars,
      maxCars: r.maxCars,
      rampMs: ms(r.rampDuration),
      holdMs: ms(r.holdDuration),
      settleMs: r.settleDuration === undefined ? 0 : ms(r.settleDuration),
      rateHz: r.rateHz ?? telemetryHz,
    };
    if (r.maxCars < r.startCars) p('rampToBreak.maxCars', `must be at least startCars (${r.startCars})`);
    if (r.maxCars > f.fleet.size) p('rampToBreak.maxCars', `must be at most fleet.size (${f.fleet.size})`);
    if (rampToBreak.holdMs <= 0) p('rampToBreak.holdDuration', 'must be more than 0');
    if (rampToBreak.settleMs >= rampToBreak.holdMs) p('rampToBreak.settleDuration', 'must be shorter than holdDuration');
    stages = rampToBreakStages(rampToBreak);
  } else if (f.stages !== undefined) {
    stages = f.stages.map((s, i) => {
      if (s.target > f.fleet.size) p(`stages[${i}].target`, `must be at most fleet.size (${f.fleet.size}) (got ${s.target})`);
      return { durationMs: ms(s.duration), target: s.target, rateHz: s.rateHz ?? telemetryHz };
    });
  }
  const totalMs = stages.reduce((a, s) => a + s.durationMs, 0);
  if (f.stages !== undefined && totalMs <= 0) p('stages', 'must last more than 0 s in total');

  const ch = f.chaos ?? {};
  const within = (field: string, atMs: number): void => {
    if (atMs > totalMs) p(field, `must be within the run (at most ${totalMs / 1000} s)`);
  };
  const connectionDrops = (ch.connectionDrops ?? []).map((d, i) => {
    const atMs = ms(d.at);
    within(`chaos.connectionDrops[${i}].at`, atMs);
    return { atMs, percent: d.percent };
  });
  const brokerRestarts = (ch.brokerRestarts ?? []).map((r, i) => {
    const atMs = ms(r.at);
    within(`chaos.brokerRestarts[${i}].at`, atMs);
    return { atMs, command: r.command, timeoutMs: r.timeout === undefined ? 60_000 : ms(r.timeout) };
  });
  const holes = ch.coverageHoles;
  const coverageHoles = {
    perCarPerHour: holes?.perCarPerHour ?? 0,
    minMs: holes?.minDuration === undefined ? 5000 : ms(holes.minDuration),
    maxMs: holes?.maxDuration === undefined ? 60_000 : ms(holes.maxDuration),
  };
  if (coverageHoles.maxMs < coverageHoles.minMs) p('chaos.coverageHoles.maxDuration', 'must be at least minDuration');

  if (pr.e2e?.kafka !== undefined && pr.e2e.probe !== 'kafka') p('profile.e2e.kafka', 'applies to probe "kafka" only');
  (pr.commands?.types ?? []).forEach((t, i) => {
    if (!isCommandType(t)) p(`profile.commands.types[${i}]`, `must be one of ${COMMAND_TYPES.join(', ')} (got ${JSON.stringify(t)})`);
  });

  const thresholds: ThresholdSpec[] = [];
  (f.thresholds ?? []).forEach((t, i) => {
    const entry = typeof t === 'string' ? { expr: t } : t;
    const field = typeof t === 'string' ? `thresholds[${i}]` : `thresholds[${i}].expr`;
    try {
      thresholds.push({
        expr: parseThreshold(entry.expr),
        abortOnFail: 'abortOnFail' in entry ? entry.abortOnFail === true : false,
        abortDelayMs: 'delay' in entry && entry.delay !== undefined ? ms(entry.delay) : 0,
      });
    } catch (err) {
      if (!isV2xError(err, 'THRESHOLD_INVALID')) throw err;
      p(field, err.message.replace(/^invalid threshold expression: /, '').split('\n')[0] ?? err.message);
    }
  });

  if (problems.length > 0) throw invalid(problems);
  const city = f.fleet.city;
  return {
    name: f.name,
    description: f.description ?? '',
    brokers,
    fleet: {
      size: f.fleet.size,
      seed: String(f.fleet.seed ?? f.name),
      city: city === undefined || city === 'builtin' ? { kind: 'builtin' } : { kind: 'file', path: abs(city.file) },
    },
    stages,
    rampToBreak,
    profile: {
      qos: pr.qos ?? 1,
      mqttVersion: pr.mqttVersion === undefined ? '3.1.1' : pr.mqttVersion === 5 ? '5' : pr.mqttVersion,
      codec: pr.codec ?? 'json',
      telemetryHz,
      eventsPerCarPerHour: pr.eventsPerCarPerHour ?? 0,
      commands: {
        perSecond: pr.commands?.perSecond ?? 0,
        types: pr.commands?.types ?? ['lock', 'unlock'],
        timeoutMs: pr.commands?.timeout === undefined ? 30_000 : ms(pr.commands.timeout),
      },
      e2e: {
        probe: pr.e2e?.probe ?? 'subscriber',
        sampleShare: pr.e2e?.sampleShare ?? 1,
        ...(pr.e2e?.kafka !== undefined && { kafka: { brokers: pr.e2e.kafka.brokers, topicPrefix: pr.e2e.kafka.topicPrefix } }),
      },
      keepaliveMs: pr.keepalive === undefined ? 60_000 : ms(pr.keepalive),
      cleanSession: pr.cleanSession ?? true,
    },
    chaos: { connectionDrops, coverageHoles, brokerRestarts },
    thresholds,
    totalMs,
  };
}
