/** The `backend` config section: which roles this process runs and where it serves HTTP. */
import { Type, type Static } from '@sinclair/typebox';
import type { DeepReadonly } from '../core/config/load.js';
import { apiConfigSchema } from './api/config.js';
import { mqttConfigSchema } from './broker/config.js';
import { bridgeConfigSchema } from './bridge/config.js';
import { dashboardConfigSchema } from './dashboard/config.js';
import { commandsConfigSchema } from './services/commands/config.js';
import { geofencingConfigSchema } from './services/geofencing/config.js';
import { trafficConfigSchema } from './services/traffic/config.js';

export const BACKEND_ROLES = ['broker', 'bridge', 'commands', 'geofencing', 'traffic', 'dashboard'] as const;
export type BackendRole = (typeof BACKEND_ROLES)[number];

export const backendConfigSchema = Type.Object(
  {
    roles: Type.Array(Type.Union(BACKEND_ROLES.map((r) => Type.Literal(r))), {
      default: [...BACKEND_ROLES],
      minItems: 1,
      uniqueItems: true,
      description: `roles this process runs: ${BACKEND_ROLES.join(', ')}`,
    }),
    httpHost: Type.String({ default: '0.0.0.0', description: 'address of the HTTP server (/metrics, /health)' }),
    httpPort: Type.Integer({
      minimum: 0,
      maximum: 65535,
      default: 3000,
      description: 'HTTP port of the API, the dashboard, /metrics and /health (0 = any free port)',
    }),
  },
  { additionalProperties: false, default: {} },
);

/**
 * The backend's own config sections, the part of the root config (app/config-schema.ts) that
 * createBackend receives. Each role is handed only the sections it names (backend/roles.ts).
 */
export const backendSections = {
  mqtt: mqttConfigSchema,
  bridge: bridgeConfigSchema,
  backend: backendConfigSchema,
  api: apiConfigSchema,
  commands: commandsConfigSchema,
  dashboard: dashboardConfigSchema,
  geofencing: geofencingConfigSchema,
  traffic: trafficConfigSchema,
} as const;

export const backendConfigSectionsSchema = Type.Object(backendSections, { additionalProperties: false });
export type BackendConfig = Static<typeof backendConfigSectionsSchema>;
export type BackendSection = keyof BackendConfig;

/** The sections `names` of `config`, and nothing else: what a role is handed. */
export function pickSections<K extends BackendSection>(
  config: DeepReadonly<BackendConfig>,
  names: readonly K[],
): DeepReadonly<Pick<BackendConfig, K>> {
  const out: Partial<Record<BackendSection, unknown>> = {};
  for (const n of names) out[n] = config[n];
  return Object.freeze(out) as DeepReadonly<Pick<BackendConfig, K>>;
}
