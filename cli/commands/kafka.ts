/** `v2x kafka start|status|stop`: placeholder until infra/kafka lands. */
import type { GroupCommand } from '../command.js';

export const kafkaCommand: GroupCommand = { name: 'kafka', summary: 'run a local Apache Kafka for development', subcommands: [] };
