/** The Kafka boundary: import from here, never from a client library. */
export type * from './types.js';
export { KAFKA_CLIENTS } from './types.js';
export { createKafkaClient, DEFAULT_KAFKA_CLIENT, kafkaClientName } from './client.js';
