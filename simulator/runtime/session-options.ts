/**
 * The MQTT session of one simulated car: client id and username = VIN, the password from the fleet
 * key, a retained last will (`offline`, connection_lost), the subscriptions to its cmd/req and warnings, and the
 * broker address, TLS, WebSocket path and source address (cycled over the fleet) of the run.
 */
import { encode } from '../../protocol/codec/index.js';
import { commandRequestTopic, statusTopic, warningsTopic } from '../../protocol/topics.js';
import { carPassword } from '../../protocol/credentials.js';
import type { SimSettings } from '../config.js';
import type { CarSpec } from '../fleet/generate.js';
import { seedOf, type SessionOptions } from '../../mqtt/index.js';
import { lastWill } from '../vehicle/status.js';

export function carSessionOptions(s: SimSettings, car: CarSpec, global: number): SessionOptions {
  const addrs = s.sourceAddresses;
  // several brokers (clustered edges): the cars spread over them, each moving on when its connection fails
  const n = s.brokers.length;
  const first = n > 1 ? (s.brokers[global % n] as typeof s.broker) : s.broker;
  const will = lastWill(car, Date.now());
  return {
    clientId: car.vin,
    transport: {
      host: first.host,
      port: first.port,
      ...(addrs.length > 0 && { localAddress: addrs[global % addrs.length] as string }),
      ...(s.broker.tls && { tls: { ...(s.caFile !== '' && { ca: s.caFile }) } }),
      ...(first.websocketPath !== undefined && { websocket: { path: first.websocketPath } }),
    },
    ...(n > 1 && {
      failover: [...s.brokers.slice(global % n), ...s.brokers.slice(0, global % n)].map(({ host, port }) => ({ host, port })),
    }),
    protocolVersion: s.protocolVersion,
    ...(s.credentials === 'fleet-key' && { username: car.vin, password: carPassword(s.fleetKey, car.vin) }),
    clean: s.clean,
    ...(!s.clean && s.protocolVersion === 5 && { sessionExpiryInterval: s.sessionExpiryS }),
    keepalive: s.keepaliveS,
    connectTimeoutMs: s.connectTimeoutMs,
    ...(s.reconnect !== undefined && { reconnect: { ...s.reconnect, factor: 2, seed: seedOf(car.vin) } }),
    will: { topic: statusTopic(car.vin), payload: encode('status', will, s.codec), qos: 1, retain: true },
    subscriptions: [
      { topic: commandRequestTopic(car.vin), qos: 1 },
      { topic: warningsTopic(car.vin), qos: 1 },
    ],
  };
}
