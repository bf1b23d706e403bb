/** `v2x kafka stop`: stops the dev Kafka and deletes its data; says so if none was running. */
import type { LeafCommand } from '../../command.js';
import { stopDevInstance } from '../../../infra/kafka/index.js';

export const kafkaStopCommand: LeafCommand = {
  name: 'stop',
  summary: 'stop the local Kafka started by `v2x kafka start` and delete its data',
  async run(ctx) {
    const res = await stopDevInstance(ctx.config.kafka);
    if (res === undefined) {
      ctx.stdout.write('no local Kafka was running\n');
    } else if (!res.wasRunning) {
      ctx.stdout.write(`no local Kafka was running; removed what was left of ${res.state.brokers.join(',')} (${res.state.dataDir})\n`);
    } else {
      ctx.stdout.write(`stopped the local Kafka at ${res.state.brokers.join(',')} and deleted its data\n`);
    }
    return 0;
  },
};
