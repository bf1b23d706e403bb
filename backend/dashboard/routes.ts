/**
 * The dashboard's own REST routes under /api/v1 (viewer and above):
 *   GET /me       the token's principal and role (the dashboard hides what the role may not do)
 *   GET /system   the latest system metrics (the same as the 'system' socket.io event)
 *   GET /network  the road network the simulator drives, as GeoJSON (the dashboard's base map)
 */
import { Type } from '@sinclair/typebox';
import type { FastifyInstance } from 'fastify';
import { requireRole, type TokenTable } from '../api/auth.js';
import type { OpenApiRegistry } from '../api/openapi.js';
import type { SystemMetricsMsg } from './hub/events.js';

const ErrorBody = Type.Object({ code: Type.String(), message: Type.String(), details: Type.Record(Type.String(), Type.Unknown()) });
const Me = Type.Object({
  principal: Type.String(),
  role: Type.Union([Type.Literal('viewer'), Type.Literal('operator'), Type.Literal('admin')]),
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

export interface DashboardRoutesDeps {
  readonly tokens: TokenTable;
  readonly system: () => SystemMetricsMsg;
  /** The network GeoJSON as JSON text (built once, on first use). */
  readonly network: () => string;
}

const base = '/api/v1';

export function dashboardRoutes(deps: DashboardRoutesDeps) {
  return (app: FastifyInstance, docs: OpenApiRegistry): void => {
    const err = (d: string) => ({ description: d, schema: ErrorBody });
    const viewer = (header: string | undefined) => {
      const p = deps.tokens.authenticate(header);
      requireRole(p, 'viewer');
      return p;
    };

    docs.add({
      method: 'get',
      url: `${base}/me`,
      summary: "the token's principal and role",
      tags: ['dashboard'],
      role: 'viewer',
      responses: { 200: { description: 'who you are', schema: Me }, 401: err('no or unknown token') },
    });
    app.get(`${base}/me`, async (req) => {
      const p = viewer(req.headers.authorization);
      return { principal: p.id, role: p.role };
    });

    docs.add({
      method: 'get',
      url: `${base}/system`,
      summary: 'system metrics: msg/s, Kafka lag, latency p99, connected cars',
      tags: ['dashboard'],
      role: 'viewer',
      responses: { 200: { description: 'the latest metrics', schema: System }, 401: err('no or unknown token') },
    });
    app.get(`${base}/system`, async (req) => {
      viewer(req.headers.authorization);
      return deps.system();
    });

    docs.add({
      method: 'get',
      url: `${base}/network`,
      summary: 'the road network the simulator drives (config sim.city, sim.seed, sim.scenario), GeoJSON',
      tags: ['dashboard'],
      role: 'viewer',
      responses: { 200: { description: 'a FeatureCollection', schema: Network }, 401: err('no or unknown token') },
    });
    app.get(`${base}/network`, async (req, reply) => {
      viewer(req.headers.authorization);
      return reply
        .header('content-type', 'application/json; charset=utf-8')
        .header('cache-control', 'private, max-age=3600')
        .send(deps.network());
    });
  };
}
