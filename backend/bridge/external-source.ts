/**
 * The bridge against an external broker (Mosquitto, EMQX, HiveMQ): one MQTT session of the bridge's
 * own account subscribes to every car's uplink topics at QoS 1 (as a shared subscription when a
 * group is set, so several bridge instances split the load) and holds each PUBACK until Kafka has
 * the record, so the broker keeps redelivering what the bridge has not stored. The same session
 * publishes command requests to the cars (MQTT 5 properties when the session speaks 5).
 * The broker's own per-client in-flight limit (Mosquitto: max_inflight_messages) bounds how many
 * messages wait for Kafka at once: that is this path's push back.
 */
import { systemClock, type Clock } from '../../core/clock.js';
import { V2xError } from '../../core/errors.js';
import { logger } from '../../core/log.js';
import { backendSubscriptions } from '../../protocol/index.js';
import { MqttSession, PublishResult, TimerWheel, type ProtocolVersion } from '../../mqtt/index.js';
import type { Ingest } from './ingest.js';
import type { MqttPublisher } from './publisher.js';

export interface ExternalSourceOptions {
  readonly url: string;
  readonly username: string;
  readonly password: string;
  /** Shared-subscription group; '' = plain subscriptions (one bridge instance). */
  readonly shareGroup: string;
  readonly protocolVersion?: ProtocolVersion;
  readonly clientId?: string;
  readonly ingest: Ingest;
  /** false: subscribe to nothing (the session only publishes commands). Default true. */
  readonly subscribe?: boolean;
  readonly clock?: Clock;
  /** ms to wait for the first connection. */
  readonly connectTimeoutMs?: number;
}

export interface ExternalSource {
  readonly publisher: MqttPublisher;
  close(): Promise<void>;
}

const log = logger('bridge');

export async function startExternalSource(opts: ExternalSourceOptions): Promise<ExternalSource> {
  const url = parseBrokerUrl(opts.url);
  const clock = opts.clock ?? systemClock;
  const wheel = new TimerWheel({ clock, tickMs: 50 });
  wheel.start();
  let connectedOnce: (() => void) | undefined;
  let failedOnce: ((err: V2xError) => void) | undefined;
  const first = new Promise<void>((resolve, reject) => {
    connectedOnce = resolve;
    failedOnce = reject;
  });
  const session = new MqttSession(
    {
      clientId: opts.clientId ?? 'v2x-bridge-1',
      transport: { host: url.host, port: url.port },
      protocolVersion: opts.protocolVersion ?? 4,
      ...(opts.username ? { username: opts.username } : {}),
      ...(opts.password ? { password: opts.password } : {}),
      // A persistent session: while the bridge is away the broker keeps its QoS 1 messages.
      clean: false,
      keepalive: 30,
      inflightWindow: 1024,
      maxQueued: 10_000,
      queuePolicy: 'drop-newest',
      reconnect: { baseMs: 200, maxMs: 5000, jitter: 0.3, seed: 1 },
      subscriptions:
        opts.subscribe === false
          ? []
          : backendSubscriptions(opts.shareGroup ? { group: opts.shareGroup } : {}).map((topic) => ({ topic, qos: 1 as const })),
    },
    {
      wheel,
      events: {
        connected() {
          log.info({ url: opts.url }, 'bridge subscribed to the external broker');
          connectedOnce?.();
        },
        disconnected(_s, reason) {
          // 'client': our own close(), nothing lost
          if (reason !== 'client') log.warn({ reason }, 'bridge lost the external broker; reconnecting');
        },
        error(_s, err) {
          log.warn({ code: err.code, err: err.message }, 'bridge MQTT error');
          if (!err.retryable) failedOnce?.(err);
        },
        message(_s, m) {
          return opts.ingest(m.topic, m.payload, m.qos, clock.now());
        },
      },
    },
    undefined,
  );
  session.start();
  const timeoutMs = opts.connectTimeoutMs ?? 15_000;
  const timer = clock.setTimeout(
    () => failedOnce?.(new V2xError('MQTT_CONNECT_TIMEOUT', `no connection to ${opts.url} within ${timeoutMs} ms`)),
    timeoutMs,
  );
  try {
    await first;
  } catch (err) {
    await session.close().catch(() => undefined);
    wheel.stop();
    throw err;
  } finally {
    timer.cancel();
  }

  return {
    publisher: {
      async publish(topic, payload, o) {
        const r = session.publish(topic, payload, o.qos, {
          ...(o.retain ? { retain: true } : {}),
          ...(o.messageExpirySeconds !== undefined ? { messageExpiryInterval: o.messageExpirySeconds } : {}),
          ...(o.responseTopic !== undefined ? { responseTopic: o.responseTopic } : {}),
          ...(o.correlationData !== undefined ? { correlationData: o.correlationData } : {}),
        });
        if (r === PublishResult.DROPPED) throw new V2xError('MQTT_PUBLISH_REJECTED', `bridge outbox full: ${topic} not sent`);
      },
    },
    async close() {
      await session.close();
      wheel.stop();
    },
  };
}

function parseBrokerUrl(raw: string): { host: string; port: number } {
  let u: URL;
  try {
    u = new URL(raw);
  } catch {
    throw new V2xError('CONFIG_INVALID', `bridge.brokerUrl: "${raw}" is not a URL (expected mqtt://host:port)`);
  }
  if (u.protocol !== 'mqtt:' && u.protocol !== 'tcp:')
    throw new V2xError('CONFIG_INVALID', `bridge.brokerUrl: scheme must be mqtt:// (got ${u.protocol}//)`);
  return { host: u.hostname, port: u.port === '' ? 1883 : Number(u.port) };
}
