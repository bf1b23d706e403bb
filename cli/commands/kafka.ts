/** `v2x kafka start|status|stop|provision`: a local Apache Kafka for development that outlives the command. */
import type { GroupCommand } from '../command.js';
import { kafkaStartCommand } from './kafka/start.js';
import { kafkaStatusCommand } from './kafka/status.js';
import { kafkaStopCommand } from './kafka/stop.js';
import { kafkaProvisionCommand } from './kafka/provision.js';

export const kafkaCommand: GroupCommand = {
  name: 'kafka',
  summary: 'run a local Apache Kafka for development',
  subcommands: [kafkaStartCommand, kafkaStatusCommand, kafkaStopCommand, kafkaProvisionCommand],
};
