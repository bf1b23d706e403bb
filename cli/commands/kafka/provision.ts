/** `v2x kafka provision`: download Apache Kafka's jars from Maven Central into the cache (CI runs it first). */
import type { LeafCommand } from '../../command.js';
import { ensureKafka } from '../../../infra/kafka/index.js';

export const kafkaProvisionCommand: LeafCommand = {
  name: 'provision',
  summary: 'download the Kafka jars from Maven Central into the cache, if not there yet',
  async run(ctx) {
    const started = Date.now();
    const install = await ensureKafka(ctx.config.kafka, { progressStream: ctx.stderr });
    ctx.stdout.write(
      `Apache Kafka ${ctx.config.kafka.version} ready in ${install.libsDir} (${((Date.now() - started) / 1000).toFixed(1)} s)\n`,
    );
    return 0;
  },
};
