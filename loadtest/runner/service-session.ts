/**
 * A service MQTT session of the runner (the probe subscriber, the command sender): the project's
 * lean session (the client the bridge uses), connected with the broker's service account when the
 * scenario gives one, and subscribed before `openServiceSession` resolves. An unreachable broker or
 * a refused subscription fails here, within the connect timeout.
 */
import { systemClock, type Clock } from '../../core/clock.js';
import { V2xError } from '../../core/errors.js';
import type { BrokerAddress } from '../../simulator/config.js';
import { MqttSession, TimerWheel, type IncomingMessage, type ProtocolVersion, type QoS } from '../../mqtt/index.js';

/** Connection refusals that no retry will cure: fail at once instead of at the connect timeout. */
const REFUSALS = new Set(['MQTT_BAD_CREDENTIALS', 'MQTT_NOT_AUTHORIZED']);

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

export interface ServiceSession {
  readonly session: MqttSession<undefined>;
  close(): Promise<void>;
}

export async function openServiceSession(o: ServiceSessionOptions): Promise<ServiceSession> {
  const clock = o.clock ?? systemClock;
  let refused: ((e: V2xError) => void) | undefined;
  const onError = (e: V2xError): void => {
    if (refused !== undefined && REFUSALS.has(e.code)) {
      const hint =
        o.username === undefined ? ': give the broker a service account (brokers[].service)' : ` (service account ${o.username})`;
      refused(new V2xError(e.code, `${b.host}:${b.port} refused the ${o.label}${hint}`, { cause: e }));
    }
    o.onError(e);
  };
  const wheel = new TimerWheel({ clock, tickMs: 50 });
  const b = o.broker;
  const session = new MqttSession<undefined>(
    {
      // a service account's client id starts with its username (the embedded broker's rule: backend/broker/client-id.ts)
      clientId: `${o.username ?? 'v2x-loadtest'}-${o.label.replace(/\W+/g, '-')}-${process.pid}-${Math.floor(clock.now() % 1e9)}`,
      transport: { host: b.host, port: b.port, ...(b.tls && { tls: { ...(o.caFile !== undefined && { ca: o.caFile }) } }) },
      protocolVersion: o.protocolVersion,
      ...(o.username !== undefined && { username: o.username }),
      ...(o.password !== undefined && { password: o.password }),
      clean: true,
      keepalive: 30,
      connectTimeoutMs: o.connectTimeoutMs ?? 10_000,
      reconnect: { baseMs: 200, maxMs: 2000, jitter: 0.2, seed: 1 },
    },
    { wheel, events: { message: (_s, m) => o.onMessage(m), error: (_s, e) => onError(e) } },
    undefined,
  );
  const close = async (): Promise<void> => {
    await session.close();
    wheel.stop();
  };
  wheel.start();
  let timer: { cancel(): void } | undefined;
  const timeoutMs = o.connectTimeoutMs ?? 10_000;
  const deadline = new Promise<never>((_, reject) => {
    refused = reject;
    timer = clock.setTimeout(() => {
      reject(
        new V2xError(
          'MQTT_CONNECT_TIMEOUT',
          `the ${o.label} could not connect to ${b.host}:${b.port} and subscribe within ${timeoutMs} ms`,
        ),
      );
    }, timeoutMs);
  });
  session.start();
  try {
    for (let i = 0; i < o.topics.length; i += 500) {
      const granted = await Promise.race([session.subscribe(o.topics.slice(i, i + 500).map((topic) => ({ topic, qos: o.qos }))), deadline]);
      if (granted.some((g) => g >= 0x80)) {
        throw new V2xError(
          'MQTT_SUBSCRIBE_REFUSED',
          `the broker refused the ${o.label}'s subscription` +
            (o.username === undefined ? ' (no service account given: brokers[].service)' : ''),
        );
      }
    }
  } catch (err) {
    await close();
    throw err;
  } finally {
    timer?.cancel();
    refused = undefined;
  }
  return { session, close };
}
