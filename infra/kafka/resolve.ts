/**
 * resolveKafka: where this process finds Kafka, in order:
 *   1. kafka.brokers (KAFKA_BROKERS) when set: an existing cluster; not ours to stop;
 *   2. the dev instance of `v2x kafka start` when it is running: not ours to stop;
 *   3. otherwise a local Kafka owned by this process: stopped on Ctrl-C, SIGTERM, uncaught errors
 *      (core/lifecycle) and, through the parent-watch guard, when this process is killed.
 */
import { logger } from '../../core/log.js';
import type { KafkaConfig } from './config.js';
import { devInstanceStatus } from './dev-instance.js';
import { startLocalKafka, type LocalKafka, type StartLocalOptions } from './local.js';

export interface ResolvedKafka {
  readonly brokers: string[];
  /** True when this process started it (and stop() stops it); false for an existing one. */
  readonly owned: boolean;
  /** Where it came from. */
  readonly source: 'config' | 'dev-instance' | 'started';
  /** The local Kafka when this process started it (source 'started'), for its nodes and data folder. */
  readonly local?: LocalKafka;
  stop(): Promise<void>;
}

export interface ResolveOptions extends Omit<StartLocalOptions, 'detached'> {
  /** Use a running dev instance if there is one (default true). The test runner says false. */
  readonly reuseDevInstance?: boolean;
}

export async function resolveKafka(cfg: KafkaConfig, opts: ResolveOptions = {}): Promise<ResolvedKafka> {
  const log = logger('kafka');
  if (cfg.brokers.length > 0) {
    log.debug({ brokers: cfg.brokers }, 'using the configured Kafka');
    return { brokers: [...cfg.brokers], owned: false, source: 'config', stop: async () => {} };
  }
  if (opts.reuseDevInstance ?? true) {
    const dev = await devInstanceStatus(cfg);
    if (dev.kind === 'running') {
      log.info({ brokers: dev.state.brokers }, 'using the local Kafka started by `v2x kafka start`');
      return { brokers: [...dev.state.brokers], owned: false, source: 'dev-instance', stop: async () => {} };
    }
  }
  const kafka = await startLocalKafka(cfg, { ...opts, detached: false });
  return { brokers: kafka.brokers, owned: true, source: 'started', local: kafka, stop: () => kafka.stop() };
}
