/**
 * The traffic REST API, a fastify plugin registered under /api/v1 with its view in the options
 * (viewer role):
 *   GET /jams              -> {jams: JamMsg[], predicted: [{segmentId, expectedMs, jamId?}]}
 *   GET /traffic/segments  -> SegmentsFrame (latest jam factor per segment)
 */
import { Type } from '@sinclair/typebox';
import type { FastifyPluginAsync } from 'fastify';
import { defineRoute, registerRoutes, type ApiRoute } from '../../api/route.js';
import type { JamMsg, SegmentsFrame } from '../../dashboard/hub/events.js';

const JamSchema = Type.Object({
  id: Type.String(),
  segments: Type.Array(Type.String(), { description: 'tail (upstream) to head (downstream)' }),
  lengthM: Type.Number(),
  growthMPerMin: Type.Number(),
  maxJamFactor: Type.Number(),
  startedMs: Type.Integer(),
  updatedMs: Type.Integer(),
});
const Predicted = Type.Object({ segmentId: Type.String(), expectedMs: Type.Integer(), jamId: Type.Optional(Type.String()) });
const JamsBody = Type.Object({ jams: Type.Array(JamSchema), predicted: Type.Array(Predicted) });
const SegmentsBody = Type.Object({
  atMs: Type.Integer(),
  segments: Type.Array(Type.Tuple([Type.String(), Type.Number()]), { description: '[segmentId, jamFactor 0..10]' }),
});

export interface TrafficView {
  jams(): { jams: JamMsg[]; predicted: { segmentId: string; expectedMs: number; jamId?: string }[] };
  segments(): SegmentsFrame;
}

export interface TrafficRoutesOptions {
  readonly view: TrafficView;
}

/** The plugin: register with `{ prefix: API_V1, view }`. */
export const trafficRoutes: FastifyPluginAsync<TrafficRoutesOptions> = async (app, opts) =>
  registerRoutes(app, trafficApiRoutes(opts.view));

export function trafficApiRoutes(view: TrafficView): ApiRoute[] {
  return [
    defineRoute({
      method: 'GET',
      url: '/jams',
      summary: 'live jams and predicted jams',
      tags: ['traffic'],
      role: 'viewer',
      responses: { 200: { description: 'jams', schema: JamsBody } },
      handler: async () => view.jams(),
    }),
    defineRoute({
      method: 'GET',
      url: '/traffic/segments',
      summary: 'latest jam factor per road segment',
      tags: ['traffic'],
      role: 'viewer',
      responses: { 200: { description: 'segments frame', schema: SegmentsBody } },
      handler: async () => view.segments(),
    }),
  ];
}
