/**
 * `v2x up`, what `npm start` runs: Kafka (a local one, or KAFKA_BROKERS), the contract's Kafka
 * topics, the embedded MQTT broker and the bridge, then one ready line; Ctrl-C stops everything it
 * started. Later work adds the services, the dashboard and the simulator to this same command.
 */
import { runCleanups, shutdownRequested } from '../../core/lifecycle.js';
import type { LeafCommand } from '../command.js';
import { progressLine } from '../progress.js';
import { describeStack, startStack } from '../stack.js';
import { stackOptions } from './backend.js';

export const upCommand: LeafCommand = {
  name: 'up',
  summary: 'start the demo: Kafka (or KAFKA_BROKERS), the MQTT broker and the bridge; Ctrl-C stops it all',
  options: stackOptions,
  async run({ config, stdout, stderr }) {
    const started = performance.now();
    const stopRequested = shutdownRequested();
    const progress = progressLine(stderr);
    try {
      const stack = await startStack(config, progress);
      progress.done();
      const secs = ((performance.now() - started) / 1000).toFixed(1);
      stdout.write(`v2x ready in ${secs}s: ${describeStack(stack)} | Ctrl-C to stop\n`);
      const tokenOf = (role: string): string | undefined => config.api.tokens.map((t) => t.split(':')).find((p) => p[1] === role)?.[2];
      const viewer = tokenOf('viewer');
      const operator = tokenOf('operator');
      if (stack.backend.commands && (viewer || operator))
        stdout.write(`tokens: viewer ${viewer ?? '(none)'} | operator ${operator ?? '(none)'}\n`);
    } catch (err) {
      progress.done();
      await runCleanups();
      throw err;
    }
    stderr.write(`${await stopRequested}: stopping\n`);
    await runCleanups();
    stderr.write('stopped\n');
    return 0;
  },
};
