/**
 * A service MQTT session of the runner (the probe subscriber, the command sender): one MQTT.js
 * client (one long-lived session needs no lean client; decision record 0025), connected with the
 * broker's service account when the scenario gives one, and subscribed before `openServiceSession`
 * resolves. An unreachable broker or a refused subscription fails here, within the connect timeout;
 * a refused connection (bad credentials, not authorized) fails at once. After that MQTT.js
 * reconnects on its own and subscribes again when the broker lost the session.
 */
import { readFileSync } from 'node:fs';
import mqtt, { type IClientOptions, type IPublishPacket, type MqttClient } from 'mqtt';
import { systemClock, type Clock } from '../../core/clock.js';
import { V2xError } from '../../core/errors.js';
import type { BrokerAddress } from '../../simulator/config.js';
import { connackError, type IncomingMessage, type ProtocolVersion, type QoS } from '../../mqtt/index.js';

export interface ServiceSessionOptions {
  readonly broker: BrokerAddress;
  readonly caFile?: string;
  readonly protocolVersion: ProtocolVersion;
  readonly qos: QoS;
  readonly topics: readonly string[];
  readonly username?: string;
  readonly password?: string;
  /** Names the client id (`v2x-loadtest-<label>-...`) and the errors. */
  readonly label: string;
  readonly clock?: Clock;
  readonly connectTimeoutMs?: number;
  readonly onMessage: (m: IncomingMessage) => void;
  readonly onError: (e: V2xError) => void;
}

/** What the runner publishes through (the command sender's requests). */
export interface ServicePublisher {
  /** Fire and forget: MQTT.js sends it now, or queues it while it reconnects. */
  publish(topic: string, payload: Buffer, qos: QoS): void;
}

export interface ServiceSession {
  readonly session: ServicePublisher;
  close(): Promise<void>;
}

/** Topics per SUBSCRIBE packet (a sampled probe may subscribe to thousands). */
const TOPICS_PER_SUBSCRIBE = 500;

export async function openServiceSession(o: ServiceSessionOptions): Promise<ServiceSession> {
  const clock = o.clock ?? systemClock;
  const b = o.broker;
  // a service account's client id starts with its username (the embedded broker's rule: backend/broker/client-id.ts)
  const clientId = `${o.username ?? 'v2x-loadtest'}-${o.label.replace(/\W+/g, '-')}-${process.pid}-${Math.floor(clock.now() % 1e9)}`;
  const timeoutMs = o.connectTimeoutMs ?? 10_000;
  const options: IClientOptions = {
    protocol: b.tls ? 'mqtts' : 'mqtt',
    host: b.host,
    port: b.port,
    ...(b.tls && o.caFile !== undefined && { ca: readFileSync(o.caFile) }),
    clientId,
    protocolVersion: o.protocolVersion,
    ...(o.username !== undefined && { username: o.username }),
    ...(o.password !== undefined && { password: o.password }),
    clean: true,
    keepalive: 30,
    connectTimeout: timeoutMs,
    reconnectPeriod: 500,
  };
  const client = mqtt.connect(options);
  client.on('message', (_topic, _payload, packet) => o.onMessage(incoming(packet)));
  const close = async (): Promise<void> => {
    await client.endAsync(true);
  };

  let refuse: (e: V2xError) => void = () => undefined;
  const deadline = new Promise<never>((_, reject) => {
    refuse = reject;
  });
  deadline.catch(() => undefined);
  client.on('packetreceive', (p) => {
    if (p.cmd !== 'connack') return;
    const code = (o.protocolVersion === 5 ? p.reasonCode : p.returnCode) ?? 0;
    if (code === 0) return;
    const e = connackError(o.protocolVersion, code, clientId, p.properties?.reasonString);
    o.onError(e);
    if (!e.retryable) {
      const hint =
        o.username === undefined ? ': give the broker a service account (brokers[].service)' : ` (service account ${o.username})`;
      refuse(new V2xError(e.code, `${b.host}:${b.port} refused the ${o.label}${hint}`, { cause: e }));
    }
  });
  client.on('error', (err) => {
    // CONNACK refusals are reported above, with their catalogue code.
    if (!isRefusal(err)) o.onError(new V2xError('MQTT_CONNECT_FAILED', `${o.label}: ${err.message}`, { cause: err }));
  });
  const timer = clock.setTimeout(() => {
    refuse(
      new V2xError('MQTT_CONNECT_TIMEOUT', `the ${o.label} could not connect to ${b.host}:${b.port} and subscribe within ${timeoutMs} ms`),
    );
  }, timeoutMs);
  try {
    await Promise.race([connected(client), deadline]);
    for (let i = 0; i < o.topics.length; i += TOPICS_PER_SUBSCRIBE) {
      const topics = o.topics.slice(i, i + TOPICS_PER_SUBSCRIBE);
      // MQTT.js rejects when the SUBACK carries a failure code.
      await Promise.race([client.subscribeAsync([...topics], { qos: o.qos }), deadline]).catch((err: Error) => {
        if (err instanceof V2xError) throw err;
        if (!isRefusal(err))
          throw new V2xError('MQTT_CONNECT_FAILED', `the ${o.label} could not subscribe: ${err.message}`, { cause: err });
        throw new V2xError(
          'MQTT_SUBSCRIBE_REFUSED',
          `the broker refused the ${o.label}'s subscription` +
            (o.username === undefined ? ' (no service account given: brokers[].service)' : ''),
          { cause: err },
        );
      });
    }
  } catch (err) {
    await close().catch(() => undefined);
    throw err;
  } finally {
    timer.cancel();
  }
  return {
    session: {
      publish(topic, payload, qos) {
        client.publish(topic, payload, { qos }, (err) => {
          if (err !== undefined && err !== null)
            o.onError(new V2xError('MQTT_PUBLISH_REJECTED', `${o.label}: ${topic}: ${err.message}`, { cause: err }));
        });
      },
    },
    close,
  };
}

/** A CONNACK or SUBACK refusal, as MQTT.js reports it (an Error with a numeric code). */
function isRefusal(err: Error): boolean {
  return typeof (err as Error & { code?: unknown }).code === 'number';
}

function connected(client: MqttClient): Promise<void> {
  return new Promise((resolve) => client.once('connect', () => resolve()));
}

function incoming(p: IPublishPacket): IncomingMessage {
  const props = p.properties;
  return {
    topic: p.topic,
    payload: typeof p.payload === 'string' ? Buffer.from(p.payload) : p.payload,
    qos: p.qos,
    retain: p.retain,
    dup: p.dup,
    ...(props?.responseTopic !== undefined && { responseTopic: props.responseTopic }),
    ...(props?.correlationData !== undefined && { correlationData: props.correlationData }),
    ...(props?.messageExpiryInterval !== undefined && { messageExpiryInterval: props.messageExpiryInterval }),
    ...(props?.contentType !== undefined && { contentType: props.contentType }),
    ...(props?.userProperties !== undefined && { userProperties: props.userProperties }),
  };
}
