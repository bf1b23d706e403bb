/**
 * Building, checking and reading the JSON report (schema.ts). `buildReport` is pure: the runner
 * passes what it knows (scenario, broker, times, the merged collector snapshot, thresholds).
 */
import { TypeCompiler } from '@sinclair/typebox/compiler';
import { V2xError } from '../../core/errors.js';
import { exitCodeOf } from '../exit-code.js';
import type { CollectorSnapshot } from '../metrics/collector.js';
import { summarize, timelineOf } from '../metrics/summary.js';
import type { RampAction } from '../ramp-to-break.js';
import type { BrokerTarget, LoadScenario } from '../scenario/scenario.js';
import { evaluateThresholds } from '../thresholds/evaluate.js';
import { JsonReportSchema, REPORT_SCHEMA_VERSION, type JsonReport } from './schema.js';

export interface ReportInput {
  readonly scenario: LoadScenario;
  readonly scenarioFile?: string;
  readonly broker: Pick<BrokerTarget, 'name' | 'url'>;
  readonly startedAtMs: number;
  readonly endedAtMs: number;
  readonly metrics: CollectorSnapshot;
  readonly aborted?: { readonly atMs: number; readonly threshold: string };
  readonly rampToBreak?: Extract<RampAction, { kind: 'done' }>;
  readonly host?: string;
  readonly commit?: string;
}

export function buildReport(input: ReportInput): JsonReport {
  const { scenario: sc } = input;
  const durationMs = Math.max(0, input.endedAtMs - input.startedAtMs);
  const summary = summarize(input.metrics, { durationMs });
  const thresholds = evaluateThresholds(sc.thresholds, summary).map((r) => ({
    ...r,
    observed: Number.isFinite(r.observed) ? r.observed : null,
  }));
  const r = input.rampToBreak;
  const exitCode =
    r !== undefined
      ? exitCodeOf({ kind: 'ramp-to-break', lastHeld: r.lastHeld })
      : exitCodeOf({ kind: 'completed', thresholds, aborted: input.aborted !== undefined });
  return {
    schemaVersion: REPORT_SCHEMA_VERSION,
    tool: 'v2x-loadtest',
    scenario: {
      name: sc.name,
      description: sc.description,
      ...(input.scenarioFile !== undefined && { file: input.scenarioFile }),
      fleetSize: sc.fleet.size,
      stages: sc.stages.map((s) => ({ durationMs: s.durationMs, target: s.target, rateHz: s.rateHz })),
      profile: { qos: sc.profile.qos, mqttVersion: sc.profile.mqttVersion, codec: sc.profile.codec, telemetryHz: sc.profile.telemetryHz },
    },
    broker: { name: input.broker.name, url: input.broker.url },
    run: {
      startedAt: new Date(input.startedAtMs).toISOString(),
      endedAt: new Date(input.endedAtMs).toISOString(),
      durationMs,
      bucketMs: input.metrics.bucketMs,
      ...(input.host !== undefined && { host: input.host }),
      ...(input.commit !== undefined && { commit: input.commit }),
    },
    summary: { ...summary, sequence: { ...summary.sequence } },
    thresholds,
    result: { pass: exitCode === 0, exitCode, ...(input.aborted !== undefined && { aborted: { ...input.aborted } }) },
    ...(r !== undefined && {
      rampToBreak: {
        lastHeld: r.lastHeld,
        brokeAt: r.brokeAt,
        failed: [...r.failed],
        levels: r.levels.map((l) => ({ ...l, failed: [...l.failed] })),
      },
    }),
    timeline: timelineOf(input.metrics),
  };
}

const check = TypeCompiler.Compile(JsonReportSchema);

/** Problems of a value against the report schema ([] when it conforms). */
export function reportProblems(value: unknown): string[] {
  return [...check.Errors(value)].slice(0, 10).map((e) => `${e.path || '/'}: ${e.message}`);
}

/** A parsed JSON report (for comparisons), or LOADTEST_REPORT_INVALID naming the source. */
export function readReport(text: string, source = 'report'): JsonReport {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (err) {
    throw new V2xError('LOADTEST_REPORT_INVALID', `${source}: not JSON: ${(err as Error).message}`, { cause: err });
  }
  if (check.Check(value)) return value;
  const version = (value as { schemaVersion?: unknown } | null)?.schemaVersion;
  if (version !== REPORT_SCHEMA_VERSION) {
    throw new V2xError('LOADTEST_REPORT_INVALID', `${source}: schemaVersion ${JSON.stringify(version)}, expected ${REPORT_SCHEMA_VERSION}`);
  }
  throw new V2xError('LOADTEST_REPORT_INVALID', `${source}: ${reportProblems(value).join('; ')}`);
}

export function stringifyReport(report: JsonReport): string {
  return `${JSON.stringify(report, null, 2)}\n`;
}
