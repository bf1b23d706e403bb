/**
 * The root config schema: one section per area, each owned by the area's own file. A process loads
 * it once (core/config/load.ts) and passes the frozen result down.
 */
import { Type, type Static } from '@sinclair/typebox';
import { kafkaConfigSchema } from '../../infra/kafka/config.js';
import { mqttConfigSchema } from '../../backend/broker/config.js';
import { bridgeConfigSchema } from '../../backend/bridge/config.js';
import { backendConfigSchema } from '../../backend/config.js';
import { simConfigSchema } from '../../simulator/config.js';
import { apiConfigSchema } from '../../backend/api/config.js';
import { commandsConfigSchema } from '../../backend/services/commands/config.js';
import { dashboardConfigSchema } from '../../backend/services/dashboard/config.js';
import { geofencingConfigSchema } from '../../backend/services/geofencing/config.js';
import { trafficConfigSchema } from '../../backend/services/traffic/config.js';

export const logConfigSchema = Type.Object(
  {
    level: Type.Union(
      [
        Type.Literal('fatal'),
        Type.Literal('error'),
        Type.Literal('warn'),
        Type.Literal('info'),
        Type.Literal('debug'),
        Type.Literal('trace'),
        Type.Literal('silent'),
      ],
      { default: 'info', description: 'log level (logs go to stderr)' },
    ),
  },
  { additionalProperties: false, default: {} },
);

export const configSchema = Type.Object(
  {
    log: logConfigSchema,
    kafka: kafkaConfigSchema,
    mqtt: mqttConfigSchema,
    bridge: bridgeConfigSchema,
    backend: backendConfigSchema,
    sim: simConfigSchema,
    api: apiConfigSchema,
    commands: commandsConfigSchema,
    dashboard: dashboardConfigSchema,
    geofencing: geofencingConfigSchema,
    traffic: trafficConfigSchema,
  },
  { additionalProperties: false },
);

export type Config = Static<typeof configSchema>;
