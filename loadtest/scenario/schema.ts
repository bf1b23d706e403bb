/**
 * The load-test scenario file (YAML or JSON) as a TypeBox schema: what `v2x loadtest` reads.
 * Unknown keys are refused. Descriptions say what is allowed; validation errors quote them.
 * docs/loadtest.md is the reference; keep both in step.
 */
import { Type, type Static } from '@sinclair/typebox';
import { DURATION_HELP, DURATION_PATTERN } from './duration.js';

const closed = { additionalProperties: false } as const;

export const DurationSchema = Type.Union([Type.String({ pattern: DURATION_PATTERN }), Type.Number({ minimum: 0 })], {
  description: DURATION_HELP,
});

const RateHz = Type.Number({ exclusiveMinimum: 0, maximum: 50, description: 'messages per car per second, more than 0 and at most 50' });

export const BrokerSchema = Type.Object(
  {
    name: Type.Optional(Type.String({ minLength: 1, description: 'a label for reports (default: the URL host)' })),
    url: Type.String({ pattern: '^(mqtt|mqtts|tcp|ssl|tls)://[^/]+', description: 'a broker URL: mqtt://host:port or mqtts://host:port' }),
    credentials: Type.Optional(
      Type.Object(
        {
          mode: Type.Union([Type.Literal('fleet-key'), Type.Literal('password'), Type.Literal('none')]),
          fleetKey: Type.Optional(Type.String({ minLength: 1, description: "the key the cars' passwords are derived from" })),
          username: Type.Optional(Type.String({ minLength: 1 })),
          password: Type.Optional(Type.String()),
        },
        closed,
      ),
    ),
    service: Type.Optional(
      Type.Object(
        {
          username: Type.String({ minLength: 1, description: 'a backend service account (embedded broker: config mqtt.services)' }),
          password: Type.String(),
        },
        { ...closed, description: 'the account the probe subscriber and the command sender connect with: { username, password }' },
      ),
    ),
    tls: Type.Optional(
      Type.Object(
        {
          caFile: Type.String({ minLength: 1, description: 'a PEM CA file (relative to the scenario file)' }),
          rejectUnauthorized: Type.Optional(Type.Boolean()),
        },
        closed,
      ),
    ),
  },
  closed,
);

export const StageSchema = Type.Object(
  {
    duration: DurationSchema,
    target: Type.Integer({ minimum: 0, description: 'cars connected at the end of the stage, a whole number of at least 0' }),
    rateHz: Type.Optional(RateHz),
  },
  closed,
);

export const RampToBreakSchema = Type.Object(
  {
    startCars: Type.Integer({ minimum: 1 }),
    stepCars: Type.Integer({ minimum: 1 }),
    maxCars: Type.Integer({ minimum: 1 }),
    rampDuration: DurationSchema,
    holdDuration: DurationSchema,
    /** Measure only the last part of each hold (the first part lets the broker settle). */
    settleDuration: Type.Optional(DurationSchema),
    rateHz: Type.Optional(RateHz),
  },
  closed,
);

export const ProfileSchema = Type.Object(
  {
    qos: Type.Optional(Type.Union([Type.Literal(0), Type.Literal(1), Type.Literal(2)])),
    mqttVersion: Type.Optional(Type.Union([Type.Literal('3.1.1'), Type.Literal('5'), Type.Literal(5)])),
    codec: Type.Optional(Type.Union([Type.Literal('json'), Type.Literal('binary')])),
    telemetryHz: Type.Optional(RateHz),
    eventsPerCarPerHour: Type.Optional(Type.Number({ minimum: 0, description: 'a number of at least 0' })),
    commands: Type.Optional(
      Type.Object(
        {
          perSecond: Type.Number({ minimum: 0, description: 'remote commands sent to cars per second (whole fleet)' }),
          types: Type.Optional(Type.Array(Type.String({ minLength: 1 }), { minItems: 1 })),
          timeout: Type.Optional(DurationSchema),
        },
        closed,
      ),
    ),
    e2e: Type.Optional(
      Type.Object(
        {
          probe: Type.Union([Type.Literal('subscriber'), Type.Literal('kafka'), Type.Literal('none')]),
          sampleShare: Type.Optional(Type.Number({ exclusiveMinimum: 0, maximum: 1, description: 'share of cars probed, in (0, 1]' })),
          kafka: Type.Optional(
            Type.Object(
              {
                brokers: Type.Optional(
                  Type.Array(Type.String({ pattern: '^[^\\s:/]+:\\d+$', description: 'host:port' }), {
                    minItems: 1,
                    description: 'Kafka bootstrap servers, a list of host:port (default: KAFKA_BROKERS / config kafka.brokers)',
                  }),
                ),
                topicPrefix: Type.Optional(
                  Type.String({
                    pattern: '^[A-Za-z0-9._-]*$',
                    description: "the bridge's Kafka topic prefix (bridge.topicPrefix): letters, digits, . _ -",
                  }),
                ),
              },
              closed,
            ),
          ),
        },
        closed,
      ),
    ),
    keepalive: Type.Optional(DurationSchema),
    cleanSession: Type.Optional(Type.Boolean()),
  },
  closed,
);

export const ChaosSchema = Type.Object(
  {
    connectionDrops: Type.Optional(
      Type.Array(
        Type.Object(
          {
            at: DurationSchema,
            percent: Type.Number({ exclusiveMinimum: 0, maximum: 100, description: 'a share of connected cars in (0, 100]' }),
          },
          closed,
        ),
      ),
    ),
    coverageHoles: Type.Optional(
      Type.Object(
        {
          perCarPerHour: Type.Number({ minimum: 0 }),
          minDuration: Type.Optional(DurationSchema),
          maxDuration: Type.Optional(DurationSchema),
        },
        closed,
      ),
    ),
    brokerRestarts: Type.Optional(
      Type.Array(
        Type.Object(
          {
            at: DurationSchema,
            command: Type.String({ minLength: 1, description: 'a shell command that restarts the broker' }),
            timeout: Type.Optional(DurationSchema),
          },
          closed,
        ),
      ),
    ),
  },
  closed,
);

export const ThresholdEntrySchema = Type.Union(
  [
    Type.String({ minLength: 1 }),
    Type.Object(
      {
        expr: Type.String({ minLength: 1 }),
        abortOnFail: Type.Optional(Type.Boolean()),
        delay: Type.Optional(DurationSchema),
      },
      closed,
    ),
  ],
  { description: 'an expression such as "puback_latency.p99 < 50ms", or { expr, abortOnFail, delay }' },
);

export const ScenarioFileSchema = Type.Object(
  {
    name: Type.String({ minLength: 1, pattern: '^[A-Za-z0-9._-]+$', description: 'letters, digits, ".", "_" and "-"' }),
    description: Type.Optional(Type.String()),
    brokers: Type.Array(BrokerSchema, { minItems: 1, description: 'a list of at least one broker { url, credentials, tls }' }),
    fleet: Type.Object(
      {
        size: Type.Integer({ minimum: 1, maximum: 2_000_000, description: 'a whole number of cars, 1 to 2,000,000' }),
        seed: Type.Optional(Type.Union([Type.String(), Type.Integer()], { description: 'a string or a whole number' })),
        city: Type.Optional(
          Type.Union([Type.Literal('builtin'), Type.Object({ file: Type.String({ minLength: 1 }) }, closed)], {
            description: '"builtin" or { file: road-network.geojson }',
          }),
        ),
      },
      closed,
    ),
    stages: Type.Optional(Type.Array(StageSchema, { minItems: 1, description: 'a list of at least one { duration, target, rateHz }' })),
    rampToBreak: Type.Optional(RampToBreakSchema),
    profile: Type.Optional(ProfileSchema),
    chaos: Type.Optional(ChaosSchema),
    thresholds: Type.Optional(Type.Array(ThresholdEntrySchema)),
  },
  closed,
);

export type ScenarioFile = Static<typeof ScenarioFileSchema>;
