/** The `mqtt` config section: the embedded broker's listeners. */
import { Type } from '@sinclair/typebox';

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
      default: 'v2x-demo-fleet-key',
      description: "server-side key cars' passwords are derived from (HMAC of the VIN); change it outside demos",
    }),
    redisUrl: Type.String({
      default: '',
      description:
        'Redis shared by several embedded brokers (redis://host:port): sessions, queued messages and routing; empty = this broker alone, in memory',
    }),
    services: Type.Array(
      Type.Object({ username: Type.String({ minLength: 1 }), password: Type.String({ minLength: 8 }) }, { additionalProperties: false }),
      { default: [], description: 'backend service accounts (bridge, services) allowed everything under v2x/v1/' },
    ),
  },
  { additionalProperties: false, default: {} },
);
