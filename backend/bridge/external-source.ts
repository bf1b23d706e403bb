/**
 * The bridge against an external broker (Mosquitto, EMQX, HiveMQ): one MQTT.js session of the
 * bridge's own account subscribes to every car's uplink topics at QoS 1 (as a shared subscription
 * when a group is set, so several bridge instances split the load) and holds each PUBACK until Kafka
 * has the record, so the broker keeps what the bridge has not stored and delivers it again when the
 * bridge comes back. The same session publishes command requests to the cars (MQTT 5 properties
 * when the session speaks 5). Decision record 0025 says why MQTT.js here and the lean client for cars.
 *
 * The PUBACK is ours, not MQTT.js's: MQTT.js acknowledges a QoS 1 message when its `handleMessage`
 * hook calls back, and reads nothing else until then, so holding that callback for Kafka would let
 * one message at a time through. Instead the hook hands the message to the ingest (which appends it
 * to the Kafka sink in arrival order), calls back at once with a marker that tells MQTT.js "no
 * PUBACK from you", and the PUBACK is written when the ingest's promise resolves, on the connection
 * the message came on (a message whose connection is gone is delivered again by the broker on the
 * next one). The broker's in-flight limit (Mosquitto: max_inflight_messages; on MQTT 5 also the
 * Receive Maximum this session announces) bounds how many messages wait for Kafka: this path's push
 * back. A QoS 0 message waiting for room in the sink holds the callback, which stops reading.
 */
import mqtt, { type IClientOptions, type IClientPublishOptions, type IPublishPacket, type MqttClient } from 'mqtt';
import mqttPacket from 'mqtt-packet';
import { systemClock, type Clock } from '../../core/clock.js';
import { V2xError } from '../../core/errors.js';
import { logger } from '../../core/log.js';
import { backendSubscriptions } from '../../protocol/index.js';
import { connackError, type ProtocolVersion } from '../../mqtt/index.js';
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

/** MQTT 5: messages the broker may have in flight to the bridge at once (all waiting for Kafka). */
export const RECEIVE_MAXIMUM = 1000;
/** MQTT 5: how long the broker keeps the bridge's session (and queues for it) while it is away. */
export const SESSION_EXPIRY_SECONDS = 24 * 3600;
/** Command publishes not yet acknowledged by the broker; more are refused (MQTT_PUBLISH_REJECTED). */
export const MAX_PENDING_PUBLISHES = 10_000;

/** Given to handleMessage's callback: MQTT.js then sends no PUBACK and reads on (the PUBACK is ours). */
const ACK_DEFERRED = new Error('PUBACK deferred until Kafka has the record');

const log = logger('bridge');

export async function startExternalSource(opts: ExternalSourceOptions): Promise<ExternalSource> {
  const url = parseBrokerUrl(opts.url);
  const clock = opts.clock ?? systemClock;
  const version = opts.protocolVersion ?? 4;
  const clientId = opts.clientId ?? 'v2x-bridge-1';
  const options: IClientOptions = {
    protocol: 'mqtt',
    host: url.host,
    port: url.port,
    clientId,
    protocolVersion: version,
    ...(opts.username ? { username: opts.username } : {}),
    ...(opts.password ? { password: opts.password } : {}),
    // A persistent session: while the bridge is away the broker keeps its QoS 1 messages.
    clean: false,
    keepalive: 30,
    reconnectPeriod: 1000,
    connectTimeout: 10_000,
    // A broker that refuses for a while (server unavailable) is tried again, not given up on.
    reconnectOnConnackError: true,
    queueQoSZero: false,
    ...(version === 5 ? { properties: { sessionExpiryInterval: SESSION_EXPIRY_SECONDS, receiveMaximum: RECEIVE_MAXIMUM } } : {}),
  };
  // Connects on the next turns of the event loop: the hook and listeners below are in place by then.
  // (Not manualConnect: with it MQTT.js may start reconnecting after end().)
  const client = mqtt.connect(options);
  client.handleMessage = (packet, callback) => handle(client, version, opts.ingest, clock, packet, callback);

  const first = firstConnection(client, version, clientId, opts.url);
  let closing = false;
  let online = false;
  let lastError = '';
  client.on('connect', (connack) => {
    online = true;
    lastError = '';
    log.info({ url: opts.url, sessionPresent: connack.sessionPresent }, 'bridge connected to the external broker');
  });
  client.on('close', () => {
    if (online && !closing) log.warn({ url: opts.url }, 'bridge lost the external broker; reconnecting');
    online = false;
  });
  // Once per kind of failure, not once per reconnect attempt.
  client.on('error', (err) => {
    if (err.message !== lastError) log.warn({ url: opts.url, err: err.message }, 'bridge MQTT error');
    lastError = err.message;
  });

  const timeoutMs = opts.connectTimeoutMs ?? 15_000;
  const timer = clock.setTimeout(
    () => first.fail(new V2xError('MQTT_CONNECT_TIMEOUT', `no connection to ${opts.url} within ${timeoutMs} ms`)),
    timeoutMs,
  );
  try {
    await first.connected;
    if (opts.subscribe !== false) {
      const topics = backendSubscriptions(opts.shareGroup ? { group: opts.shareGroup } : {});
      // MQTT.js rejects when the SUBACK carries a failure code.
      await Promise.race([client.subscribeAsync(topics, { qos: 1 }), first.failed]).catch((err: Error) => {
        if (err instanceof V2xError) throw err;
        if (!isRefusal(err)) throw new V2xError('MQTT_CONNECT_FAILED', `${opts.url}: subscribing: ${err.message}`, { cause: err });
        throw new V2xError(
          'MQTT_SUBSCRIBE_REFUSED',
          `${opts.url} refused the bridge's subscriptions (${opts.username || 'anonymous'}): ${err.message}`,
          {
            cause: err,
          },
        );
      });
      log.info({ url: opts.url, topics }, 'bridge subscribed to the external broker');
    }
  } catch (err) {
    closing = true;
    await client.endAsync(true).catch(() => undefined);
    throw err;
  } finally {
    timer.cancel();
  }

  let pending = 0;
  return {
    publisher: {
      async publish(topic, payload, o) {
        if (pending >= MAX_PENDING_PUBLISHES)
          throw new V2xError('MQTT_PUBLISH_REJECTED', `${pending} publishes wait for ${opts.url}: ${topic} not sent`);
        const p: IClientPublishOptions = { qos: o.qos, retain: o.retain ?? false };
        if (version === 5) {
          const properties: NonNullable<IClientPublishOptions['properties']> = {};
          if (o.messageExpirySeconds !== undefined) properties.messageExpiryInterval = o.messageExpirySeconds;
          if (o.responseTopic !== undefined) properties.responseTopic = o.responseTopic;
          if (o.correlationData !== undefined) properties.correlationData = o.correlationData;
          p.properties = properties;
        }
        pending++;
        try {
          // QoS 1: resolves on the broker's PUBACK (MQTT.js queues it while reconnecting).
          await client.publishAsync(topic, payload, p);
        } catch (err) {
          throw new V2xError('MQTT_PUBLISH_REJECTED', `${topic} via ${opts.url}: ${(err as Error).message}`, { cause: err });
        } finally {
          pending--;
        }
      },
    },
    async close() {
      closing = true;
      // Connected: DISCONNECT after the PUBACKs already written and the publishes in flight.
      // Not connected: at once (a graceful end would wait for PUBACKs that cannot come).
      await client.endAsync(!client.connected);
    },
  };
}

/** One message from the broker: into the ingest, its PUBACK once the ingest says Kafka has it. */
function handle(
  client: MqttClient,
  version: ProtocolVersion,
  ingest: Ingest,
  clock: Clock,
  packet: IPublishPacket,
  callback: (err?: Error) => void,
): void {
  const payload = typeof packet.payload === 'string' ? Buffer.from(packet.payload) : packet.payload;
  let handled: Promise<void>;
  try {
    handled = ingest(packet.topic, payload, packet.qos, clock.now());
  } catch (err) {
    handled = Promise.reject(err as Error);
  }
  if (packet.qos !== 1) {
    // QoS 0: the ingest's promise is the sink's room; not reading until then is the push back.
    const next = (): void => callback();
    handled.then(next, next);
    return;
  }
  const stream = client.stream;
  const id = packet.messageId ?? 0;
  handled.then(
    () => {
      // On the connection the message came on, or nowhere: the broker sends it again on the next.
      if (client.stream === stream && stream.writable)
        stream.write(mqttPacket.generate({ cmd: 'puback', messageId: id }, { protocolVersion: version }));
    },
    // Not stored: no PUBACK, so the broker delivers it again after the next connect.
    (err: unknown) => log.warn({ topic: packet.topic, err: (err as Error).message }, 'bridge could not store a message; no PUBACK'),
  );
  callback(ACK_DEFERRED);
}

interface FirstConnection {
  /** Resolves on the first CONNACK that accepts; rejects on a refusal no retry will cure, or `fail`. */
  readonly connected: Promise<void>;
  /** Rejects when `fail` is called or a refusal comes after the first connection (never resolves). */
  readonly failed: Promise<never>;
  fail(err: V2xError): void;
}

function firstConnection(client: MqttClient, version: ProtocolVersion, clientId: string, url: string): FirstConnection {
  let reject: (err: V2xError) => void = () => undefined;
  const failed = new Promise<never>((_, r) => {
    reject = r;
  });
  failed.catch(() => undefined);
  const connected = new Promise<void>((resolve, r) => {
    client.once('connect', () => resolve());
    failed.catch(r);
  });
  client.on('packetreceive', (p) => {
    if (p.cmd !== 'connack') return;
    const code = (version === 5 ? p.reasonCode : p.returnCode) ?? 0;
    if (code === 0) return;
    const err = connackError(version, code, clientId, p.properties?.reasonString);
    if (!err.retryable) reject(new V2xError(err.code, `${url}: ${err.message}`, { cause: err }));
  });
  return { connected, failed, fail: reject };
}

/** A SUBACK failure code, as MQTT.js reports it (an Error with a numeric code). */
function isRefusal(err: Error): boolean {
  return typeof (err as Error & { code?: unknown }).code === 'number';
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
