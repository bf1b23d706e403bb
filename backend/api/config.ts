/**
 * The `api` config section: bearer tokens with roles for the REST API, and where the CLI finds it.
 * A token entry is `principal:role:token` (so it fits an environment variable:
 * V2X_API__TOKENS=alice:operator:s3cret,bob:viewer:t0ken). Roles: viewer reads; operator also
 * sends and cancels commands; admin also manages fences and tokens.
 */
import { Type } from '@sinclair/typebox';

export const API_ROLES = ['viewer', 'operator', 'admin'] as const;
export type ApiRole = (typeof API_ROLES)[number];

/** Demo tokens, so `npm start` works out of the box: replace them anywhere reachable by others. */
export const DEMO_TOKENS = [
  'demo-viewer:viewer:demo-viewer-token',
  'demo-operator:operator:demo-operator-token',
  'demo-admin:admin:demo-admin-token',
];

export const apiConfigSchema = Type.Object(
  {
    tokens: Type.Array(
      Type.String({ pattern: '^[^:\\s]+:(viewer|operator|admin):\\S{8,}$', description: 'principal:role:token (token of 8+ characters)' }),
      {
        default: DEMO_TOKENS,
        description: 'bearer tokens as principal:role:token',
      },
    ),
    url: Type.String({ default: '', description: 'base URL of the API for the CLI (empty: http://127.0.0.1:<backend.httpPort>)' }),
    token: Type.String({ default: 'demo-operator-token', description: 'bearer token the CLI sends' }),
  },
  { additionalProperties: false, default: {} },
);
