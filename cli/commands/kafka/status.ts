/** `v2x kafka status`: prints host:port of the running dev Kafka (exit 0), or says none runs (exit 1). */
import type { LeafCommand } from '../../command.js';
import { devInstanceStatus, statePath } from '../../../infra/kafka/index.js';

export const kafkaStatusCommand: LeafCommand = {
  name: 'status',
  summary: 'print the address of the local Kafka started by `v2x kafka start` (exit 1 if none)',
  async run(ctx) {
    const status = await devInstanceStatus(ctx.config.kafka);
    if (status.kind === 'running') {
      ctx.stdout.write(`${status.state.brokers.join(',')}\n`);
      ctx.stderr.write(
        `local Kafka ${status.state.kafkaVersion}, ${status.state.nodes.length} node(s), pids ${status.state.nodes.map((n) => n.pid).join(',')}, since ${status.state.startedAt}\n`,
      );
      return 0;
    }
    if (status.kind === 'dead') {
      ctx.stderr.write(
        `no local Kafka is running (the one recorded in ${statePath(ctx.config.kafka)} has died; \`v2x kafka stop\` cleans up)\n`,
      );
    } else {
      ctx.stderr.write(`no local Kafka is running${status.reason ? ` (${status.reason})` : ''}; start one with \`v2x kafka start\`\n`);
    }
    return 1;
  },
};
