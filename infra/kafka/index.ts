/** Real Apache Kafka for development and tests, from Maven Central jars; see docs/decisions/0002. */
export { KAFKA_DEFAULT_VERSION, defaultCacheDir, kafkaConfigSchema, type KafkaConfig } from './config.js';
export { resolveKafka, type ResolvedKafka, type ResolveOptions } from './resolve.js';
export { startLocalKafka, type LocalKafka, type LocalKafkaNode, type StartLocalOptions } from './local.js';
export { ensureKafka, type KafkaInstallation, type ProvisionOptions } from './provision.js';
export { devInstanceStatus, startDevInstance, stopDevInstance, type DevStartResult, type DevStatus } from './dev-instance.js';
export { statePath, type DevInstanceState } from './state.js';
export { javaProcessesMentioning, isPidAlive } from './procs.js';
