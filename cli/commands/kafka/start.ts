/** `v2x kafka start [--nodes 1|3]`: starts the dev Kafka (detached) unless one runs; prints host:port. */
import type { LeafCommand } from '../../command.js';
import { V2xError } from '../../../core/errors.js';
import { startDevInstance } from '../../../infra/kafka/index.js';

export const kafkaStartCommand: LeafCommand = {
  name: 'start',
  summary: 'start a local Kafka that keeps running after this command (downloads it once)',
  options: {
    nodes: { type: 'string', valueName: 'N', description: 'brokers: 1 (default: config kafka.nodes) or 3' },
  },
  help:
    'Prints the bootstrap address (host:port,...) on stdout. The broker runs detached until\n' +
    '`v2x kafka stop`; other v2x commands and the tests find it and use it. If one is already\n' +
    'running, says so and prints its address. Needs Java 17+ and Maven the first time.',
  async run(ctx) {
    const raw = ctx.options.nodes;
    let nodes: 1 | 3 | undefined;
    if (typeof raw === 'string') {
      if (raw !== '1' && raw !== '3') throw new V2xError('CLI_USAGE', `--nodes must be 1 or 3 (got "${raw}")`);
      nodes = raw === '3' ? 3 : 1;
    }
    const res = await startDevInstance(ctx.config.kafka, { ...(nodes ? { nodes } : {}), progressStream: ctx.stderr });
    const address = res.state.brokers.join(',');
    if (!res.started) {
      ctx.stderr.write(`a local Kafka ${res.state.kafkaVersion} (${res.state.nodes.length} node(s)) is already running\n`);
    } else {
      ctx.stderr.write(
        `local Kafka ${res.state.kafkaVersion} started: ${res.state.nodes.length} node(s) in ${((res.startMs ?? 0) / 1000).toFixed(1)} s, data in ${res.state.dataDir}\n` +
          `use it with KAFKA_BROKERS=${address}; stop it with \`v2x kafka stop\`\n`,
      );
    }
    ctx.stdout.write(`${address}\n`);
    return 0;
  },
};
