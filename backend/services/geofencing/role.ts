/**
 * The `geofencing` backend role: starts the geofencing service (fences rebuilt from Kafka before it
 * returns, so the routes serve a complete set) and hands its REST routes to the HTTP server.
 * Registered in backend/roles.ts SERVICE_ROLES.
 */
import { API_V1 } from '../../api/route.js';
import { plugin } from '../../http.js';
import type { RoleContext, ServiceRole, StartedRole } from '../../roles.js';
import { createGeofencingMetrics } from './metrics.js';
import { geofenceRoutes } from './routes.js';
import { startGeofencing, type GeofencingService } from './service.js';

/** What the role hands back: the StartedRole plus the service (tests observe its realtime messages). */
export interface GeofencingRole extends StartedRole {
  readonly service: GeofencingService;
}

type Sections = 'geofencing' | 'bridge';

export const geofencingRole: ServiceRole<Sections> = {
  name: 'geofencing',
  sections: ['geofencing', 'bridge'],
  async start(ctx: RoleContext<Sections>): Promise<GeofencingRole> {
    const service = await startGeofencing({
      kafka: ctx.kafka,
      config: ctx.config.geofencing,
      topicPrefix: ctx.config.bridge.topicPrefix,
      topics: ctx.config.bridge.topics,
      realtime: ctx.realtime,
      commands: ctx.commands,
      metrics: createGeofencingMetrics(ctx.metrics.registry),
      maxClockSkewMs: ctx.config.bridge.maxClockSkewMs,
      hops: ctx.metrics.hops,
      fetch: { minBytes: ctx.config.bridge.fetchMinBytes, maxWaitMs: ctx.config.bridge.fetchMaxWaitMs },
    });
    return {
      service,
      routes: plugin(geofenceRoutes, { prefix: API_V1, service }),
      health: () => service.health(),
      close: () => service.close(),
    };
  },
};
