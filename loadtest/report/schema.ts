/**
 * The JSON report, schemaVersion 1: a stable, documented contract (docs/loadtest.md). Additive
 * changes (new optional fields) keep the version; anything else bumps it. Latencies are in ms,
 * times in ms since the start unless named epoch or ISO.
 */
import { Type, type Static } from '@sinclair/typebox';

export const REPORT_SCHEMA_VERSION = 1;

const Count = Type.Integer({ minimum: 0 });
const Counts = Type.Record(Type.String(), Count);

export const TrendSchema = Type.Object({
  count: Count,
  min: Type.Number(),
  avg: Type.Number(),
  p50: Type.Number(),
  p90: Type.Number(),
  p95: Type.Number(),
  p99: Type.Number(),
  p999: Type.Number(),
  max: Type.Number(),
});

const PointLatency = Type.Object({ count: Count, p50: Type.Number(), p90: Type.Number(), p99: Type.Number(), max: Type.Number() });

export const TimelinePointSchema = Type.Object({
  t: Type.Number({ description: 'seconds since the start (bucket start)' }),
  sent: Count,
  acked: Count,
  received: Count,
  connected: Type.Union([Count, Type.Null()]),
  errors: Count,
  reconnects: Count,
  commands: Type.Optional(Count),
  latencyMs: Type.Object({
    connect: PointLatency,
    puback: PointLatency,
    e2e: PointLatency,
    command: Type.Optional(PointLatency),
    commandDone: Type.Optional(PointLatency),
  }),
});

/** Remote commands the runner sent (profile.commands) and what became of each (docs/loadtest.md). */
export const CommandsSummarySchema = Type.Object({
  sent: Count,
  delivered: Count,
  succeeded: Count,
  failed: Count,
  rejected: Count,
  timedOut: Count,
  offline: Count,
  late: Count,
  noTarget: Count,
});

export const SummarySchema = Type.Object({
  durationMs: Type.Number({ minimum: 0 }),
  latencyMs: Type.Object({
    connect: TrendSchema,
    puback: TrendSchema,
    e2e: TrendSchema,
    command: Type.Optional(TrendSchema),
    commandDone: Type.Optional(TrendSchema),
  }),
  messages: Type.Object({
    sent: Count,
    acked: Count,
    received: Count,
    sentByKind: Counts,
    ackedByKind: Counts,
    receivedByKind: Counts,
  }),
  sequence: Type.Object({ cars: Count, received: Count, distinct: Count, duplicates: Count, reordered: Count, lost: Count }),
  connected: Type.Object({ min: Type.Number(), max: Type.Number(), avg: Type.Number(), last: Type.Number() }),
  errors: Count,
  errorsByCause: Counts,
  reconnects: Count,
  connectAttempts: Count,
  commands: Type.Optional(CommandsSummarySchema),
});

export const ThresholdResultSchema = Type.Object({
  expression: Type.String(),
  metric: Type.String(),
  stat: Type.String(),
  op: Type.Union([Type.Literal('<'), Type.Literal('<='), Type.Literal('>'), Type.Literal('>='), Type.Literal('=='), Type.Literal('!=')]),
  bound: Type.Number(),
  observed: Type.Union([Type.Number(), Type.Null()], { description: 'null when the metric had no value' }),
  unit: Type.Union([Type.Literal('ms'), Type.Literal('ratio'), Type.Literal('per-s'), Type.Literal('count'), Type.Literal('cars')]),
  pass: Type.Boolean(),
  abortOnFail: Type.Boolean(),
});

export const RampLevelSchema = Type.Object({ cars: Count, pass: Type.Boolean(), failed: Type.Array(Type.String()) });

export const JsonReportSchema = Type.Object({
  schemaVersion: Type.Literal(REPORT_SCHEMA_VERSION),
  tool: Type.Literal('v2x-loadtest'),
  scenario: Type.Object({
    name: Type.String(),
    description: Type.String(),
    file: Type.Optional(Type.String()),
    fleetSize: Count,
    stages: Type.Array(Type.Object({ durationMs: Type.Number(), target: Count, rateHz: Type.Number() })),
    profile: Type.Object({
      qos: Type.Integer({ minimum: 0, maximum: 2 }),
      mqttVersion: Type.Union([Type.Literal('3.1.1'), Type.Literal('5')]),
      codec: Type.Union([Type.Literal('json'), Type.Literal('binary')]),
      telemetryHz: Type.Number(),
    }),
  }),
  broker: Type.Object({ name: Type.String(), url: Type.String() }),
  run: Type.Object({
    startedAt: Type.String({ description: 'ISO 8601' }),
    endedAt: Type.String({ description: 'ISO 8601' }),
    durationMs: Type.Number({ minimum: 0 }),
    bucketMs: Type.Number({ exclusiveMinimum: 0 }),
    host: Type.Optional(Type.String()),
    commit: Type.Optional(Type.String()),
  }),
  summary: SummarySchema,
  thresholds: Type.Array(ThresholdResultSchema),
  result: Type.Object({
    pass: Type.Boolean(),
    exitCode: Type.Integer(),
    aborted: Type.Optional(Type.Object({ atMs: Type.Number(), threshold: Type.String() })),
  }),
  rampToBreak: Type.Optional(
    Type.Object({
      lastHeld: Type.Union([Count, Type.Null()]),
      brokeAt: Type.Union([Count, Type.Null()]),
      failed: Type.Array(Type.String()),
      levels: Type.Array(RampLevelSchema),
    }),
  ),
  timeline: Type.Array(TimelinePointSchema),
});

export type JsonReport = Static<typeof JsonReportSchema>;
