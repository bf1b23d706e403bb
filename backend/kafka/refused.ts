/**
 * The dead letter of a record Kafka refused for good (writer.ts): the protocol's DeadLetter
 * (protocol/kafka.ts) with reason KAFKA_RECORD_REFUSED, Kafka's own error type as the rule (e.g.
 * MESSAGE_TOO_LARGE), the topic the record was for as its source and its first bytes (the
 * dead-letter copy is cut at MAX_DEADLETTER_PAYLOAD_BYTES, so the letter of a record too large for
 * Kafka is small enough for it). Same key (the VIN) and the record's own headers, plus the reason.
 */
import type { V2xError } from '../../core/errors.js';
import { buildDeadLetter } from '../../protocol/index.js';
import { KafkaProduceError } from './produce-error.js';
import type { OutRecord } from './types.js';

export const REASON_HEADER = 'v2x-reason';
/** The topic the refused record was for. */
export const REFUSED_TOPIC_HEADER = 'v2x-refused-topic';

export function refusedRecordLetter(record: OutRecord, err: V2xError, deadLetterTopic: string, at: number, writer: string): OutRecord {
  const value = record.value === null ? Buffer.alloc(0) : typeof record.value === 'string' ? Buffer.from(record.value) : record.value;
  const kafkaError = err instanceof KafkaProduceError ? err.kafkaError : err.code;
  const letter = buildDeadLetter({
    issue: {
      code: 'KAFKA_RECORD_REFUSED',
      message: `Kafka refused the ${writer}'s record for ${record.topic} (${value.length} bytes): ${err.message}`,
      field: 'record',
      rule: kafkaError,
    },
    source: { type: 'kafka', topic: record.topic },
    payload: value,
    at,
    refusedBy: 'kafka',
    ...(record.key === null ? {} : { vin: record.key }),
  });
  return {
    topic: deadLetterTopic,
    key: record.key,
    value: JSON.stringify(letter),
    headers: { ...record.headers, [REASON_HEADER]: 'KAFKA_RECORD_REFUSED', [REFUSED_TOPIC_HEADER]: record.topic },
  };
}
