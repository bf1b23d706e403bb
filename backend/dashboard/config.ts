/**
 * The `dashboard` config section: how the realtime hub throttles and groups positions, how much
 * telemetry the fleet state keeps per car, where the production bundle is, and how many cars the
 * demo simulator of `v2x up` drives.
 */
import { Type, type Static } from '@sinclair/typebox';

export const dashboardConfigSchema = Type.Object(
  {
    tickMs: Type.Integer({ minimum: 50, maximum: 10_000, default: 500, description: "ms between 'positions' frames to each client" }),
    systemMs: Type.Integer({ minimum: 100, maximum: 60_000, default: 1000, description: "ms between 'system' metrics pushes" }),
    clusterZoom: Type.Number({
      minimum: 0,
      maximum: 24,
      default: 14,
      description: 'below this map zoom a client gets grouped cars (clusters) instead of single cars',
    }),
    clusterCellPx: Type.Integer({ minimum: 8, maximum: 512, default: 64, description: 'cluster grid cell size, screen pixels' }),
    maxCarsPerFrame: Type.Integer({
      minimum: 1,
      maximum: 100_000,
      default: 2000,
      description: 'most single cars in one frame; above it the frame carries clusters instead',
    }),
    telemetryRing: Type.Integer({
      minimum: 1,
      maximum: 10_000,
      default: 300,
      description: 'recent telemetry messages kept per car (GET /vehicles/{vin}/telemetry)',
    }),
    groupId: Type.String({
      default: 'v2x-dashboard',
      minLength: 1,
      description: 'prefix of the fleet state consumer groups (a unique suffix is added per process)',
    }),
    staticDir: Type.String({ default: '', description: 'folder of the production bundle (empty: dist/dashboard next to the code)' }),
    demoCars: Type.Integer({
      minimum: 0,
      maximum: 200_000,
      default: 1000,
      description: 'cars the simulator started by `v2x up` drives (0 = no simulator)',
    }),
  },
  { additionalProperties: false, default: {} },
);

export type DashboardConfig = Static<typeof dashboardConfigSchema>;
