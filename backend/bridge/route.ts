/**
 * The bridge's pure core, MQTT -> Kafka: what one message a car published becomes. Either a record
 * for its Kafka topic (key = VIN, the payload bytes as received, headers with the MQTT topic, QoS,
 * receive time and codec), or a dead letter naming the reason. Never throws on bad input.
 */
import {
  buildDeadLetter,
  buildHeaders,
  detectCodec,
  inspectTopic,
  kafkaTopicName,
  kindInfo,
  makeIssue,
  MQTT_TO_KAFKA,
  tryDecode,
  type Issue,
  type MessageKind,
} from '../../protocol/index.js';
import type { OutRecord } from '../kafka/types.js';

export interface RouteContext {
  /** Prefix for Kafka topic names (tests use a random one). */
  readonly topicPrefix: string;
  /** Component name written into dead letters. */
  readonly refusedBy: string;
  /** A message stamped more than this ahead of its receive time is dead-lettered (0 or absent: no bound). */
  readonly maxClockSkewMs?: number;
}

export type Routed =
  | { readonly ok: true; readonly record: OutRecord; readonly kind: MessageKind; readonly vin: string; readonly carTs: number | undefined }
  | { readonly ok: false; readonly record: OutRecord; readonly issue: Issue; readonly vin: string | undefined };

export function routeMqttMessage(ctx: RouteContext, topic: string, payload: Buffer, qos: 0 | 1 | 2, receivedAt: number): Routed {
  const parsed = inspectTopic(topic);
  if ('problem' in parsed)
    return dead(ctx, makeIssue('TOPIC_INVALID', 'topic', parsed.problem, topic), topic, payload, receivedAt, undefined);
  const { vin, kind } = parsed;
  const target = MQTT_TO_KAFKA[kind];
  if (target === undefined || kindInfo[kind].direction !== 'car-to-cloud') {
    return dead(ctx, makeIssue('TOPIC_INVALID', 'topic', `${kind} is not a car-to-cloud kind`, topic), topic, payload, receivedAt, vin);
  }
  const decoded = tryDecode(kind, payload);
  if (!decoded.ok) return dead(ctx, decoded.issue, topic, payload, receivedAt, vin);
  const message = decoded.value as { vin?: string; ts?: number; commandId?: string };
  if (message.vin !== vin) {
    return dead(
      ctx,
      makeIssue('PAYLOAD_INVALID', `${kind}.vin`, `must be the VIN in the topic (${vin})`, message.vin),
      topic,
      payload,
      receivedAt,
      vin,
    );
  }
  const skew = ctx.maxClockSkewMs ?? 0;
  if (skew > 0 && typeof message.ts === 'number' && message.ts - receivedAt > skew) {
    const rule = `must be at most ${skew} ms ahead of the receiving clock (bridge.maxClockSkewMs; it was ${message.ts - receivedAt} ms ahead)`;
    return dead(ctx, makeIssue('TIMESTAMP_AHEAD', `${kind}.ts`, rule, message.ts), topic, payload, receivedAt, vin);
  }
  return {
    ok: true,
    kind,
    vin,
    carTs: typeof message.ts === 'number' ? message.ts : undefined,
    record: {
      topic: kafkaTopicName(target, ctx.topicPrefix),
      key: vin,
      value: payload,
      headers: buildHeaders({ mqttTopic: topic, qos, receivedAt, codec: detectCodec(payload) ?? 'json', kind }),
    },
  };
}

function dead(ctx: RouteContext, issue: Issue, topic: string, payload: Buffer, at: number, vin: string | undefined): Routed {
  const letter = buildDeadLetter({
    issue,
    source: { type: 'mqtt', topic },
    payload,
    at,
    refusedBy: ctx.refusedBy,
    ...(vin === undefined ? {} : { vin }),
  });
  return {
    ok: false,
    issue,
    vin,
    record: {
      topic: kafkaTopicName('deadletter', ctx.topicPrefix),
      key: vin ?? null,
      value: JSON.stringify(letter),
      headers: { 'v2x-reason': issue.code },
    },
  };
}
