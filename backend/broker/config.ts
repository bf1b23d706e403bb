/** The `mqtt` config section: the embedded broker's listeners. */
import { Type } from '@sinclair/typebox';

const port = (def: number, description: string) => Type.Integer({ minimum: 0, maximum: 65535, default: def, description });

export const mqttConfigSchema = Type.Object(
  {
    host: Type.String({ minLength: 1, default: '0.0.0.0', description: 'address the embedded broker listens on' }),
    port: port(1883, 'MQTT over TCP port (0 = pick a free one)'),
    wsPort: port(8083, 'MQTT over WebSocket port, path /mqtt (0 = pick a free one)'),
  },
  { additionalProperties: false, default: {} },
);
