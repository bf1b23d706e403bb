/** The `mqtt` config section: the embedded broker's listeners. */
import { Type } from '@sinclair/typebox';

/** The fleet key of the demo: public (it is in the docs), so any car's password can be derived from it. */
export const DEMO_FLEET_KEY = 'v2x-demo-fleet-key';

const port = (def: number, description: string) => Type.Integer({ minimum: 0, maximum: 65535, default: def, description });

export const mqttConfigSchema = Type.Object(
  {
    host: Type.String({ minLength: 1, default: '0.0.0.0', description: 'address the embedded broker listens on' }),
    port: port(1883, 'MQTT over TCP port (0 = pick a free one)'),
    wsPort: port(8083, 'MQTT over WebSocket port, path /mqtt (0 = pick a free one)'),
    tlsPort: port(8883, 'MQTT over TLS port, used when tlsKeyFile and tlsCertFile are set (0 = pick a free one)'),
    tlsKeyFile: Type.String({ default: '', description: 'PEM private key for the TLS listener' }),
    tlsCertFile: Type.String({ default: '', description: 'PEM certificate (chain) for the TLS listener' }),
    auth: Type.Boolean({ default: true, description: 'require credentials and enforce the per-car ACL' }),
    fleetKey: Type.String({
      minLength: 8,
      default: DEMO_FLEET_KEY,
      description: "server-side key cars' passwords are derived from (HMAC of the VIN); change it outside demos",
    }),
    redisUrl: Type.String({
      default: '',
      description:
        'Redis shared by several embedded brokers (redis://host:port): sessions, queued messages and routing; empty = this broker alone, in memory',
    }),
    services: Type.Array(
      Type.Object({ username: Type.String({ minLength: 1 }), password: Type.String({ minLength: 8 }) }, { additionalProperties: false }),
      {
        default: [],
        description:
          "backend service accounts (bridge, services) allowed everything under v2x/v1/; their MQTT client id must be the username or start with '<username>-'",
      },
    ),
    maxPacketSize: Type.Integer({
      minimum: 1024,
      maximum: 268_435_460,
      default: 256 * 1024,
      description:
        'largest MQTT packet the embedded broker reads, in bytes (header included); a larger one ends the connection before it is buffered',
    }),
    preAuthMaxBytes: Type.Integer({
      minimum: 256,
      maximum: 16 * 1024 * 1024,
      default: 64 * 1024,
      description: 'bytes a connection may send before its CONNECT is accepted; more ends it (every listener: TCP, WebSocket, TLS)',
    }),
    maxConnectRate: Type.Integer({
      minimum: 0,
      maximum: 1_000_000,
      default: 1000,
      description:
        'CONNECTs this broker accepts per second (a token bucket: on average, with mqtt.connectBurst at once); more are refused before their credentials are checked with CONNACK 3 (server unavailable) and the clients back off and retry; 0 = unlimited',
    }),
    connectBurst: Type.Integer({
      minimum: 1,
      maximum: 1_000_000,
      default: 200,
      description:
        "CONNECTs accepted at once after a quiet spell, on top of mqtt.maxConnectRate (the token bucket's size): it also bounds what one batch read after an event-loop stall may accept, so it is a fifth of a second's worth at the default rate",
    }),
    preAuthTimeoutMs: Type.Integer({
      minimum: 100,
      maximum: 300_000,
      default: 10_000,
      description: 'time a connection has to complete its TLS handshake, WebSocket upgrade and CONNECT; later ends it',
    }),
  },
  { additionalProperties: false, default: {} },
);
