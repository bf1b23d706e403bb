/** The Kafka boundary: import from here, never from kafkajs. */
export type * from './types.js';
export { createKafkaClient } from './kafkajs-client.js';
