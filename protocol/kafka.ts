/**
 * The Kafka contract: topics (cleanup policy, suggested partitions, record key), header names and
 * helpers, and the dead-letter record. Record key = VIN for every per-car stream, so one car's
 * records stay in order on one partition; compacted state topics are keyed by what they hold the
 * latest value of. Values are the MQTT payload bytes as received (JSON or binary, told by the
 * content-type header), so the bridge does not pay a re-encode.
 */
import { isMessageKind, PROTOCOL_VERSION, SCHEMA_VERSION, type MessageKind } from './kinds.js';
import { CONTENT_TYPES, type CodecName } from './codec/index.js';
import type { Issue } from './issues.js';

export type CleanupPolicy = 'delete' | 'compact';
export type RecordKey = 'vin' | 'commandId' | 'geofenceId' | 'segmentId' | 'jamId' | 'vin-or-null';

export interface KafkaTopicSpec {
  readonly name: string;
  readonly cleanupPolicy: CleanupPolicy;
  /** Suggested partitions: enough consumers per group for a 3-broker cluster, per-car order kept. */
  readonly partitions: number;
  readonly key: RecordKey;
  /** The protocol message kind of the value, when it is one. */
  readonly kind?: MessageKind;
  /** Retention for delete topics, ms. */
  readonly retentionMs?: number;
  readonly description: string;
}

const HOUR = 3_600_000;
const DAY = 24 * HOUR;

export const KAFKA_TOPICS = {
  telemetry: {
    name: 'telemetry',
    cleanupPolicy: 'delete',
    partitions: 12,
    key: 'vin',
    kind: 'telemetry',
    retentionMs: DAY,
    description: 'every telemetry message, from the bridge',
  },
  vehicleStatus: {
    name: 'vehicle-status',
    cleanupPolicy: 'compact',
    partitions: 6,
    key: 'vin',
    kind: 'status',
    description: 'latest online/offline status per car',
  },
  vehicleEvents: {
    name: 'vehicle-events',
    cleanupPolicy: 'delete',
    partitions: 6,
    key: 'vin',
    kind: 'event',
    retentionMs: 7 * DAY,
    description: 'car events (DTC, ignition, doors, lock, crash...)',
  },
  commands: {
    name: 'commands',
    cleanupPolicy: 'delete',
    partitions: 6,
    key: 'vin',
    kind: 'commandRequest',
    retentionMs: DAY,
    description: 'command requests to send to cars',
  },
  commandStatus: {
    name: 'command-status',
    cleanupPolicy: 'compact',
    partitions: 6,
    key: 'commandId',
    description: 'latest lifecycle state of every command, written by the command service (compacted by commandId)',
  },
  commandResults: {
    name: 'command-results',
    cleanupPolicy: 'delete',
    partitions: 6,
    key: 'vin',
    kind: 'commandResult',
    retentionMs: 7 * DAY,
    description: "the cars' answers to commands as received, from the bridge",
  },
  commandAudit: {
    name: 'command-audit',
    cleanupPolicy: 'delete',
    partitions: 6,
    key: 'vin',
    retentionMs: 30 * DAY,
    description: 'every command lifecycle transition, for audit',
  },
  geofences: {
    name: 'geofences',
    cleanupPolicy: 'compact',
    partitions: 1,
    key: 'geofenceId',
    description: 'geofence definitions (tombstone deletes)',
  },
  geofenceEvents: {
    name: 'geofence-events',
    cleanupPolicy: 'delete',
    partitions: 6,
    key: 'vin',
    retentionMs: 7 * DAY,
    description: 'enter/exit/dwell per car and geofence',
  },
  geofencingState: {
    name: 'geofencing-state',
    cleanupPolicy: 'compact',
    partitions: 12,
    key: 'vin',
    description:
      "changelog of the geofencing service's per-car state (fences inside, since when, dwell): co-partitioned with telemetry, restored on assignment",
  },
  traffic: {
    name: 'traffic',
    cleanupPolicy: 'delete',
    partitions: 6,
    key: 'segmentId',
    retentionMs: DAY,
    description: 'per road segment speed and forecasts, and predicted jams',
  },
  jams: {
    name: 'jams',
    cleanupPolicy: 'delete',
    partitions: 3,
    key: 'jamId',
    retentionMs: 7 * DAY,
    description: 'jam events (jam_started, jam_updated, jam_cleared) from the traffic service, keyed by jam id so each jam stays in order',
  },
  warnings: {
    name: 'warnings',
    cleanupPolicy: 'delete',
    partitions: 6,
    key: 'vin',
    kind: 'warning',
    retentionMs: DAY,
    description: 'hazard warnings to cars (traffic jams ahead), from the traffic service; the bridge publishes them to the cars',
  },
  deadletter: {
    name: 'deadletter',
    cleanupPolicy: 'delete',
    partitions: 3,
    key: 'vin-or-null',
    retentionMs: 7 * DAY,
    description: 'input refused anywhere, with the reason',
  },
} as const satisfies Record<string, KafkaTopicSpec>;

export type KafkaTopicId = keyof typeof KAFKA_TOPICS;

/** A topic's name with an optional prefix (tests use a random one per run). */
export function kafkaTopicName(id: KafkaTopicId, prefix = ''): string {
  return prefix + KAFKA_TOPICS[id].name;
}

/** A topic to create: name, partitions and Kafka topic configs (`cleanup.policy`, `retention.ms`). */
export interface KafkaTopicConfig {
  readonly name: string;
  readonly partitions: number;
  /** Set when a sizing was given. */
  readonly replicationFactor?: number;
  readonly config: Readonly<Record<string, string>>;
}

/** Topics fed by telemetry's partitioning (same key, same count): their partition p holds the cars of telemetry's p. */
export const CO_PARTITIONED_WITH_TELEMETRY: readonly KafkaTopicId[] = ['telemetry', 'geofencingState'];

/**
 * How many partitions and replicas (the `bridge.topics` config, backend/kafka/topics.ts). Every keyed
 * topic of more than one partition gets `partitions`; telemetry and the topics co-partitioned with it
 * get `telemetryPartitions`; single-partition topics (geofences: every instance reads all fences) and
 * the dead-letter topic keep their own count. `minInsyncReplicas` 0 leaves the broker's default.
 */
export interface TopicSizing {
  readonly partitions: number;
  readonly telemetryPartitions: number;
  readonly replicationFactor: number;
  readonly minInsyncReplicas: number;
}

/** Every contract topic as data for an admin client's createTopics (the suggested sizes when no sizing is given). */
export function kafkaTopicSpecs(prefix = '', sizing?: TopicSizing): KafkaTopicConfig[] {
  return (Object.keys(KAFKA_TOPICS) as KafkaTopicId[]).map((id) => {
    const t: KafkaTopicSpec = KAFKA_TOPICS[id];
    const config: Record<string, string> = { 'cleanup.policy': t.cleanupPolicy };
    if (t.retentionMs !== undefined) config['retention.ms'] = String(t.retentionMs);
    if (sizing === undefined) return { name: kafkaTopicName(id, prefix), partitions: t.partitions, config };
    if (sizing.minInsyncReplicas > 0) config['min.insync.replicas'] = String(sizing.minInsyncReplicas);
    const partitions = CO_PARTITIONED_WITH_TELEMETRY.includes(id)
      ? sizing.telemetryPartitions
      : t.partitions > 1 && t.key !== 'vin-or-null'
        ? sizing.partitions
        : t.partitions;
    return { name: kafkaTopicName(id, prefix), partitions, replicationFactor: sizing.replicationFactor, config };
  });
}

/** Where the bridge writes what cars publish, per MQTT kind. */
export const MQTT_TO_KAFKA: Readonly<Partial<Record<MessageKind, KafkaTopicId>>> = {
  telemetry: 'telemetry',
  status: 'vehicleStatus',
  event: 'vehicleEvents',
  commandResult: 'commandResults',
};

/** Header names on every record the bridge writes (and services copy forward). */
export const HEADERS = {
  mqttTopic: 'v2x-mqtt-topic',
  mqttQos: 'v2x-mqtt-qos',
  receivedAt: 'v2x-received-at',
  contentType: 'content-type',
  schemaVersion: 'v2x-schema-version',
  kind: 'v2x-kind',
  /**
   * On a record the backend decided because of a car message (a geofence event, a fence action's
   * command request): that message's car timestamp, ms since epoch, so every later hop is measured
   * from the car (decision 0030). Absent on records no car message caused (an API command).
   */
  causeTs: 'v2x-cause-ts',
} as const;

export interface RecordMeta {
  readonly mqttTopic: string;
  readonly qos: 0 | 1 | 2;
  /** Broker receive time, ms since epoch. */
  readonly receivedAt: number;
  readonly codec: CodecName;
  readonly kind: MessageKind;
  readonly schemaVersion: number;
}

/** kafkajs's IHeaders shape, without importing kafkajs here. */
export type KafkaHeaders = Record<string, Buffer | string | (Buffer | string)[] | undefined>;

export function buildHeaders(meta: Omit<RecordMeta, 'schemaVersion'> & { readonly schemaVersion?: number }): Record<string, string> {
  return {
    [HEADERS.mqttTopic]: meta.mqttTopic,
    [HEADERS.mqttQos]: String(meta.qos),
    [HEADERS.receivedAt]: String(meta.receivedAt),
    [HEADERS.contentType]: CONTENT_TYPES[meta.codec],
    [HEADERS.schemaVersion]: String(meta.schemaVersion ?? SCHEMA_VERSION),
    [HEADERS.kind]: meta.kind,
  };
}

function header(headers: KafkaHeaders, name: string): string | undefined {
  const h = headers[name];
  const v = Array.isArray(h) ? h[0] : h;
  return v === undefined ? undefined : typeof v === 'string' ? v : v.toString('utf8');
}

/** Reads the headers back; missing or malformed ones are listed in `problems` (never throws). */
export function readHeaders(headers: KafkaHeaders): { readonly meta: Partial<RecordMeta>; readonly problems: readonly string[] } {
  const meta: { -readonly [K in keyof RecordMeta]?: RecordMeta[K] } = {};
  const problems: string[] = [];
  const topic = header(headers, HEADERS.mqttTopic);
  if (topic === undefined) problems.push(`${HEADERS.mqttTopic} is missing`);
  else meta.mqttTopic = topic;
  const qos = header(headers, HEADERS.mqttQos);
  if (qos === '0' || qos === '1' || qos === '2') meta.qos = Number(qos) as 0 | 1 | 2;
  else problems.push(`${HEADERS.mqttQos} must be 0, 1 or 2 (got ${String(qos)})`);
  const at = Number(header(headers, HEADERS.receivedAt));
  if (Number.isSafeInteger(at) && at >= 0) meta.receivedAt = at;
  else problems.push(`${HEADERS.receivedAt} must be ms since epoch`);
  const ct = header(headers, HEADERS.contentType);
  const codec = ct === CONTENT_TYPES.binary ? 'binary' : ct === CONTENT_TYPES.json ? 'json' : undefined;
  if (codec === undefined)
    problems.push(`${HEADERS.contentType} must be ${CONTENT_TYPES.json} or ${CONTENT_TYPES.binary} (got ${String(ct)})`);
  else meta.codec = codec;
  const sv = Number(header(headers, HEADERS.schemaVersion));
  if (Number.isInteger(sv) && sv >= 1) meta.schemaVersion = sv;
  else problems.push(`${HEADERS.schemaVersion} must be a positive integer`);
  const kind = header(headers, HEADERS.kind);
  if (kind !== undefined && isMessageKind(kind)) meta.kind = kind;
  else problems.push(`${HEADERS.kind} must be a message kind (got ${String(kind)})`);
  return { meta, problems };
}

/** The value of a `deadletter` record (JSON). Key: the VIN when known, else null. */
export interface DeadLetter {
  /** Error code from the catalogue: PAYLOAD_INVALID, TOPIC_INVALID... */
  readonly reason: string;
  readonly message: string;
  /** Field and rule when the payload broke a schema rule. */
  readonly field?: string;
  readonly rule?: string;
  /** Where the input came from: `mqtt:v2x/v1/.../telemetry` or `kafka:commands`. */
  readonly source: string;
  readonly vin?: string;
  /** When it was refused, ms. */
  readonly at: number;
  /** Which component refused it (bridge, geofencing...). */
  readonly refusedBy: string;
  readonly protocol: string;
  /** The original bytes, base64. */
  readonly payloadBase64: string;
  /** Original size in bytes (the stored copy is cut at MAX_DEADLETTER_PAYLOAD_BYTES). */
  readonly payloadBytes: number;
}

export const MAX_DEADLETTER_PAYLOAD_BYTES = 16 * 1024;

export interface DeadLetterInput {
  readonly issue: Pick<Issue, 'code' | 'message'> & Partial<Pick<Issue, 'field' | 'rule'>>;
  readonly source: { readonly type: 'mqtt' | 'kafka'; readonly topic: string };
  readonly payload: Uint8Array;
  readonly at: number;
  readonly refusedBy: string;
  readonly vin?: string;
}

export function buildDeadLetter(input: DeadLetterInput): DeadLetter {
  const p = input.payload;
  const kept = p.length > MAX_DEADLETTER_PAYLOAD_BYTES ? p.subarray(0, MAX_DEADLETTER_PAYLOAD_BYTES) : p;
  return {
    reason: input.issue.code,
    message: input.issue.message,
    ...(input.issue.field === undefined ? {} : { field: input.issue.field }),
    ...(input.issue.rule === undefined ? {} : { rule: input.issue.rule }),
    source: `${input.source.type}:${input.source.topic}`,
    ...(input.vin === undefined ? {} : { vin: input.vin }),
    at: input.at,
    refusedBy: input.refusedBy,
    protocol: PROTOCOL_VERSION,
    payloadBase64: Buffer.from(kept.buffer, kept.byteOffset, kept.byteLength).toString('base64'),
    payloadBytes: p.length,
  };
}

/** The original bytes of a dead letter (possibly cut, see payloadBytes). */
export function deadLetterPayload(dl: Pick<DeadLetter, 'payloadBase64'>): Buffer {
  return Buffer.from(dl.payloadBase64, 'base64');
}
