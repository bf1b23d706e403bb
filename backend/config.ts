/** The `backend` config section: which roles this process runs and where it serves HTTP. */
import { Type } from '@sinclair/typebox';

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
