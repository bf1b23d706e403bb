/** The simulator's MQTT layer: lean sessions on mqtt-packet, pooled per worker on one timer wheel. */
export { MqttSession, type SessionContext } from './session.js';
export { SessionPool, type PoolOptions } from './pool.js';
export { SessionEmitter, type SessionEvents, type DisconnectReason } from './events.js';
export { MqttStats, mergeSnapshots, type StatsSnapshot } from './stats.js';
export { TimerWheel, TimerNode, type TimerTarget, type TimerWheelOptions } from './timer-wheel.js';
export { Backoff, backoffCeiling, defaultBackoff, seedOf, type BackoffOptions } from './backoff.js';
export { EncodedTopic, encodeTopic } from './encode.js';
export { connackError } from './connack.js';
export * from './types.js';
