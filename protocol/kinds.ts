/**
 * The message kinds of the car-cloud contract, their MQTT topic suffixes and their binary ids.
 * One kind = one schema = one topic per car. Everything else in protocol/ is keyed by MessageKind.
 */

/** Version of the topic namespace (the `v1` in `v2x/v1/{vin}/...`). A breaking change is `v2`. */
export const PROTOCOL_VERSION = 'v1';
/** Schema version carried in Kafka headers; bumped when optional fields are added within v1. */
export const SCHEMA_VERSION = 1;
/** Largest payload accepted or produced, in bytes, by every codec (64 KiB). */
export const MAX_PAYLOAD_BYTES = 64 * 1024;

export const MESSAGE_KINDS = ['telemetry', 'status', 'event', 'commandRequest', 'commandResult', 'warning'] as const;
export type MessageKind = (typeof MESSAGE_KINDS)[number];

export interface KindInfo {
  /** Last topic levels after `v2x/v1/{vin}/`. */
  readonly topicSuffix: string;
  /** Who publishes it. */
  readonly direction: 'car-to-cloud' | 'cloud-to-car';
  /** Retained on the broker (the status topic: birth online, last will offline). */
  readonly retained: boolean;
  /** Suggested MQTT QoS. */
  readonly qos: 0 | 1;
  /** Byte 1 of a binary payload. */
  readonly binaryId: number;
}

export const kindInfo: Readonly<Record<MessageKind, KindInfo>> = {
  telemetry: { topicSuffix: 'telemetry', direction: 'car-to-cloud', retained: false, qos: 0, binaryId: 1 },
  status: { topicSuffix: 'status', direction: 'car-to-cloud', retained: true, qos: 1, binaryId: 2 },
  event: { topicSuffix: 'events', direction: 'car-to-cloud', retained: false, qos: 1, binaryId: 3 },
  commandRequest: { topicSuffix: 'cmd/req', direction: 'cloud-to-car', retained: false, qos: 1, binaryId: 4 },
  commandResult: { topicSuffix: 'cmd/res', direction: 'car-to-cloud', retained: false, qos: 1, binaryId: 5 },
  warning: { topicSuffix: 'warnings', direction: 'cloud-to-car', retained: false, qos: 1, binaryId: 6 },
};

const byBinaryId = new Map<number, MessageKind>(MESSAGE_KINDS.map((k) => [kindInfo[k].binaryId, k]));
const bySuffix = new Map<string, MessageKind>(MESSAGE_KINDS.map((k) => [kindInfo[k].topicSuffix, k]));

export function kindOfBinaryId(id: number): MessageKind | undefined {
  return byBinaryId.get(id);
}

export function kindOfTopicSuffix(suffix: string): MessageKind | undefined {
  return bySuffix.get(suffix);
}

export function isMessageKind(s: string): s is MessageKind {
  return (MESSAGE_KINDS as readonly string[]).includes(s);
}
