/**
 * Clustering several embedded brokers through Redis, with aedes's own seams (decision 0026):
 * - mqemitter-redis as the broker's `mq`: a publish on one edge reaches the subscribers on every edge;
 * - aedes-persistence-redis as its `persistence`: sessions, subscriptions, retained messages and the
 *   QoS 1 queues of offline clients live in Redis, so a car that reconnects to another edge gets its
 *   session back, and the commands queued for it while it was away.
 * aedes 1.x takes the async persistence API: the package's AsyncRedisPersistence class, not its
 * default (callback) export.
 *
 * What goes through Redis: the commands and warnings to the cars and aedes's own `$SYS` messages
 * (a client that connects to one edge closes its older session on another). A car's own uplink
 * (telemetry, status, events, command results) stays on the edge it arrived at: that edge's bridge
 * takes it to Kafka from the publish hook, and sending every telemetry message through Redis and
 * back would cost each edge and Redis a round trip per message for no subscriber. A backend MQTT
 * subscriber to car uplink topics therefore sees the cars of its own edge only (use Kafka).
 */
import { createRequire } from 'node:module';
import type { AedesOptions } from 'aedes';
import { V2xError } from '../../core/errors.js';
import { logger } from '../../core/log.js';
import { kindInfo, kindOfTopicSuffix } from '../../protocol/kinds.js';
import { TOPIC_PREFIX } from '../../protocol/topics.js';
import { localEmitter } from './local-emitter.js';

const require = createRequire(import.meta.url);

interface AsyncPersistence {
  destroy(): Promise<void>;
}
type PersistenceClass = new (opts: Record<string, unknown>) => AsyncPersistence;
type Listener = (packet: { topic: string }, done: () => void) => void;
interface Emitter {
  on(topic: string, listener: Listener, cb?: () => void): unknown;
  removeListener(topic: string, listener: Listener, cb?: () => void): unknown;
  emit(packet: { topic: string }, cb?: (err?: Error) => void): unknown;
  close(cb: () => void): void;
  state: { on(event: 'error', fn: (err: Error) => void): void };
}

/** A car's own uplink (car-to-cloud kinds under v2x/v1/{vin}/): stays on its edge. */
export function staysOnEdge(topic: string): boolean {
  if (!topic.startsWith(TOPIC_PREFIX)) return false;
  const slash = topic.indexOf('/', TOPIC_PREFIX.length);
  if (slash < 0) return false;
  const kind = kindOfTopicSuffix(topic.slice(slash + 1));
  return kind !== undefined && kindInfo[kind].direction === 'car-to-cloud';
}

/** Subscribes on both; each publish goes to one: this process's emitter, or Redis (to every edge). */
function routedEmitter(local: Emitter, shared: Emitter): Emitter {
  const both = (fn: (e: Emitter, cb: () => void) => void, cb?: () => void): void => {
    let left = 2;
    const one = (): void => {
      if (--left === 0) cb?.();
    };
    fn(local, one);
    fn(shared, one);
  };
  return {
    on: (topic, listener, cb) => both((e, done) => e.on(topic, listener, done), cb),
    removeListener: (topic, listener, cb) => both((e, done) => e.removeListener(topic, listener, done), cb),
    emit: (packet, cb) => (staysOnEdge(packet.topic) ? local : shared).emit(packet, cb),
    close: (cb) => both((e, done) => e.close(done), cb),
    state: shared.state,
  };
}
type EmitterFactory = (opts: Record<string, unknown>) => Emitter;

export interface RedisSeams {
  readonly options: Pick<AedesOptions, 'persistence' | 'mq'>;
  /** After aedes.close() (which closes the mq): disconnects the persistence's Redis connections. */
  close(): Promise<void>;
}

const log = logger('broker');

/** ioredis options from redis://[:password@]host[:port][/db]. */
export function redisOptions(url: string): { host: string; port: number; password?: string; db?: number } {
  let u: URL;
  try {
    u = new URL(url);
  } catch {
    throw new V2xError('CONFIG_INVALID', `mqtt.redisUrl: not a URL: ${JSON.stringify(url)} (expected redis://host:port)`);
  }
  if (u.protocol !== 'redis:') throw new V2xError('CONFIG_INVALID', `mqtt.redisUrl: unsupported scheme ${u.protocol} (use redis://)`);
  if (u.hostname === '') throw new V2xError('CONFIG_INVALID', `mqtt.redisUrl: no host in ${JSON.stringify(url)}`);
  const db = u.pathname.length > 1 ? Number(u.pathname.slice(1)) : undefined;
  if (db !== undefined && !Number.isInteger(db))
    throw new V2xError('CONFIG_INVALID', `mqtt.redisUrl: the database must be a number (${url})`);
  return {
    host: u.hostname.replace(/^\[|\]$/g, ''),
    port: u.port === '' ? 6379 : Number(u.port),
    ...(u.password !== '' && { password: decodeURIComponent(u.password) }),
    ...(db !== undefined && { db }),
  };
}

export function redisSeams(url: string): RedisSeams {
  const opts = { ...redisOptions(url), maxRetriesPerRequest: null, lazyConnect: false };
  const Persistence = require('aedes-persistence-redis/asyncPersistence.js') as PersistenceClass;
  const mqemitterRedis = require('mqemitter-redis') as EmitterFactory;
  const shared = mqemitterRedis(opts);
  shared.state.on('error', (err) => log.warn({ err: err.message, redis: url }, 'Redis (broker routing) error'));
  const mq = routedEmitter(localEmitter() as unknown as Emitter, shared);
  const persistence = new Persistence(opts);
  let closed = false;
  return {
    options: { persistence: persistence as unknown as AedesOptions['persistence'], mq: mq as unknown as AedesOptions['mq'] },
    async close() {
      if (closed) return;
      closed = true;
      await persistence.destroy().catch((err: unknown) => log.debug({ err }, 'Redis persistence close'));
    },
  };
}

/** Rejects with a clear error when `work` (the broker's start, which reads its state from Redis) takes too long. */
export async function withinDeadline<T>(work: Promise<T>, url: string, ms: number): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const deadline = new Promise<never>((_resolve, reject) => {
    timer = setTimeout(
      () => reject(new V2xError('REDIS_UNAVAILABLE', `${url} did not answer within ${ms / 1000} s (is redis-server running there?)`)),
      ms,
    );
  });
  try {
    return await Promise.race([work, deadline]);
  } finally {
    clearTimeout(timer);
  }
}
