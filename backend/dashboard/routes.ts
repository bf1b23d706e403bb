/**
 * The dashboard's own REST routes, a fastify plugin registered under /api/v1 (viewer and above):
 *   GET /me       the token's principal and role (the dashboard hides what the role may not do)
 *   GET /system   the latest system metrics (the same as the 'system' socket.io event)
 *   GET /network  the road network the simulator drives, as GeoJSON (the dashboard's base map)
 */
import { Type } from '@sinclair/typebox';
import type { FastifyPluginAsync } from 'fastify';
import { API_ROLES } from '../api/config.js';
import { defineRoute, principalOf, registerRoutes, type ApiRoute } from '../api/route.js';
import type { SystemMetricsMsg } from './hub/events.js';

const Me = Type.Object({
  principal: Type.String(),
  role: Type.Union(API_ROLES.map((r) => Type.Literal(r))),
});
const System = Type.Object({
  t: Type.Integer({ description: 'backend clock, ms' }),
  msgPerS: Type.Number({ description: 'car messages per second into the bridge (or seen by the dashboard without a bridge here)' }),
  kafkaLag: Type.Integer({ description: "records behind the latest offsets, the dashboard's consumers" }),
  latencyP99Ms: Type.Number({ description: 'car timestamp to the dashboard seeing it, p99 over the last interval' }),
  connectedCars: Type.Integer({ description: 'cars whose latest status is online' }),
});
const Network = Type.Object(
  { type: Type.Literal('FeatureCollection'), features: Type.Array(Type.Unknown()) },
  { description: 'LineString per directed segment (properties.segmentId, roadClass, name, lanes, freeFlowMps, lengthM), Point per signal' },
);

export interface DashboardRoutesOptions {
  readonly system: () => SystemMetricsMsg;
  /** The network GeoJSON as JSON text (built once, on first use). */
  readonly network: () => string;
}

/** The plugin: register with `{ prefix: API_V1, system, network }`. */
export const dashboardRoutes: FastifyPluginAsync<DashboardRoutesOptions> = async (app, opts) =>
  registerRoutes(app, dashboardApiRoutes(opts));

export function dashboardApiRoutes(opts: DashboardRoutesOptions): ApiRoute[] {
  return [
    defineRoute({
      method: 'GET',
      url: '/me',
      summary: "the token's principal and role",
      tags: ['dashboard'],
      role: 'viewer',
      responses: { 200: { description: 'who you are', schema: Me } },
      async handler(req) {
        const p = principalOf(req);
        return { principal: p.id, role: p.role };
      },
    }),
    defineRoute({
      method: 'GET',
      url: '/system',
      summary: 'system metrics: msg/s, Kafka lag, latency p99, connected cars',
      tags: ['dashboard'],
      role: 'viewer',
      responses: { 200: { description: 'the latest metrics', schema: System } },
      handler: async () => opts.system(),
    }),
    defineRoute({
      method: 'GET',
      url: '/network',
      summary: 'the road network the simulator drives (config sim.city, sim.seed, sim.scenario), GeoJSON',
      tags: ['dashboard'],
      role: 'viewer',
      responses: { 200: { description: 'a FeatureCollection', schema: Network } },
      handler: async (_req, reply) =>
        reply
          .header('content-type', 'application/json; charset=utf-8')
          .header('cache-control', 'private, max-age=3600')
          .send(opts.network()),
    }),
  ];
}
