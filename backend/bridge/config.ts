/** The `bridge` config section: MQTT <-> Kafka, and the Kafka topic namespace (prefix, sizes) every service shares. */
import { Type } from '@sinclair/typebox';
import { topicsConfigSchema } from '../kafka/topics.js';

export const bridgeConfigSchema = Type.Object(
  {
    topicPrefix: Type.String({ default: '', pattern: '^[A-Za-z0-9._-]*$', description: 'prefix for every Kafka topic name' }),
    topics: topicsConfigSchema,
    brokerUrl: Type.String({
      default: '',
      description:
        "external MQTT broker (mqtt://host:port); empty = the embedded broker. Several, comma-separated, with uplink=false: commands go to each (only the car's own broker delivers)",
    }),
    username: Type.String({ default: 'v2x-bridge', description: 'the bridge account on an external broker' }),
    password: Type.String({ default: '', description: 'its password' }),
    clientId: Type.String({
      default: 'v2x-bridge-1',
      minLength: 1,
      description:
        'MQTT client id of this bridge instance on an external broker (a persistent session: the broker queues for it while it is away)',
    }),
    shareGroup: Type.String({
      default: 'v2x-bridge',
      pattern: '^[A-Za-z0-9_.-]*$',
      description: 'shared-subscription group on an external broker (empty = plain subscriptions)',
    }),
    producers: Type.Integer({
      minimum: 1,
      maximum: 16,
      default: 1,
      description:
        'parallel Kafka producers (lanes); a car always goes through the same one, so its order holds. More than 1 helps when the Kafka round trip, not CPU, is the limit',
    }),
    expressResults: Type.Boolean({
      default: true,
      description: "the cars' command results go through a producer of their own, not behind a telemetry batch (one more Kafka connection)",
    }),
    lingerMs: Type.Integer({
      minimum: 0,
      maximum: 1000,
      default: 0,
      description:
        'how long a Kafka batch waits for more records when none is in flight (while one is, records queue behind it anyway); 0 = at once (docs/latency.md)',
    }),
    fetchMaxWaitMs: Type.Integer({
      minimum: 0,
      maximum: 10_000,
      default: 5,
      description:
        'longest a fetch of the geofencing telemetry consumer waits for fetchMinBytes: the bound on the time a fix waits in Kafka for that service (docs/latency.md; decision 0030)',
    }),
    fetchMinBytes: Type.Integer({
      minimum: 1,
      maximum: 64 * 1024 * 1024,
      default: 256 * 1024,
      description: 'bytes a fetch of the geofencing telemetry consumer waits for (or fetchMaxWaitMs): larger means fewer fetches',
    }),
    maxBatchRecords: Type.Integer({ minimum: 1, maximum: 100_000, default: 5000, description: 'records per Kafka batch at most' }),
    maxBatchBytes: Type.Integer({
      minimum: 1024,
      maximum: 64 * 1024 * 1024,
      default: 4 * 1024 * 1024,
      description: 'bytes per Kafka batch at most',
    }),
    maxBufferedRecords: Type.Integer({
      minimum: 1,
      maximum: 10_000_000,
      default: 100_000,
      description: 'records waiting for Kafka before the bridge pushes back (shared by the producers)',
    }),
    retryMaxMs: Type.Integer({ minimum: 10, maximum: 60_000, default: 2000, description: 'longest wait between Kafka produce retries' }),
    commands: Type.Boolean({
      default: true,
      description: 'forward Kafka to the cars: the commands topic and the hazard warnings (Kafka -> MQTT)',
    }),
    maxClockSkewMs: Type.Integer({
      minimum: 0,
      maximum: 365 * 24 * 3600 * 1000,
      default: 5 * 60 * 1000,
      description:
        "how far ahead of the receiving clock a car's timestamp may be: a message stamped later is dead-lettered (TIMESTAMP_AHEAD), and no service's clock moves past wall time plus this. 0 = no bound (a simulator run with sim.speedup > 1, whose cars' clocks run ahead)",
    }),
    uplink: Type.Boolean({
      default: true,
      description:
        "take the cars' messages into Kafka (MQTT -> Kafka). false: this bridge only forwards commands, through its session on bridge.brokerUrl (a bridge beside the command service while another process bridges the broker's uplink)",
    }),
  },
  { additionalProperties: false, default: {} },
);
