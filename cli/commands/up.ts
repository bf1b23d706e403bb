/** `v2x up` (what `npm start` runs): filled in below by the foundation work. */
import type { LeafCommand } from '../command.js';

export const upCommand: LeafCommand = {
  name: 'up',
  summary: 'start the demo: Kafka (or KAFKA_BROKERS) and the embedded MQTT broker',
  async run() {
    return 0;
  },
};
