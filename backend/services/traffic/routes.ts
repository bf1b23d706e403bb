/**
 * The traffic REST API, a fastify plugin registered under /api/v1 with its view in the options
 * (viewer role):
 *   GET /jams              -> {jams: JamMsg[], predicted: [{segmentId, expectedMs, jamId?}]}
 *   GET /jams?from=&to=    -> the same plus history: the jams live at some time in [from, to] (epoch ms)
 *   GET /traffic/segments  -> SegmentsFrame (latest jam factor per segment)
 */
import { Type } from '@sinclair/typebox';
import type { FastifyPluginAsync } from 'fastify';
import { defineRoute, registerRoutes, type ApiRoute } from '../../api/route.js';
import type { JamMsg, SegmentsFrame } from '../../dashboard/hub/events.js';
import type { JamHistoryEntry } from './jam-history.js';

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
const HistoryEntry = Type.Object({
  id: Type.String(),
  startedMs: Type.Integer(),
  endedMs: Type.Union([Type.Integer(), Type.Null()], { description: 'null while live' }),
  segments: Type.Array(Type.String(), { description: 'every segment the jam held' }),
  maxLengthM: Type.Number(),
  maxJamFactor: Type.Number(),
  last: JamSchema,
});
const JamsBody = Type.Object({
  jams: Type.Array(JamSchema),
  predicted: Type.Array(Predicted),
  history: Type.Optional(Type.Array(HistoryEntry, { description: 'with from or to: jams live in [from, to]' })),
});
/** Epoch ms, bounded (year 2286) so that a huge value is a 400, not a float. */
const EpochMs = (description: string) => Type.Integer({ minimum: 0, maximum: 9_999_999_999_999, description });
const JamsQuery = Type.Object(
  { from: Type.Optional(EpochMs('epoch ms (default 0)')), to: Type.Optional(EpochMs('epoch ms (default now)')) },
  { additionalProperties: false },
);
const SegmentsBody = Type.Object({
  atMs: Type.Integer(),
  segments: Type.Array(Type.Tuple([Type.String(), Type.Number()]), { description: '[segmentId, jamFactor 0..10]' }),
});

export interface TrafficView {
  jams(): { jams: JamMsg[]; predicted: { segmentId: string; expectedMs: number; jamId?: string }[] };
  segments(): SegmentsFrame;
  /** The jams live at some time in [fromMs, toMs], when the service keeps a history. */
  history?(fromMs: number, toMs: number): JamHistoryEntry[];
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
      summary: 'live jams and predicted jams; with from/to also the jam history',
      tags: ['traffic'],
      role: 'viewer',
      querystring: JamsQuery,
      responses: { 200: { description: 'jams', schema: JamsBody } },
      handler: async (req) => {
        const { from, to } = req.query;
        if ((from === undefined && to === undefined) || view.history === undefined) return view.jams();
        return { ...view.jams(), history: view.history(from ?? 0, to ?? Number.MAX_SAFE_INTEGER) };
      },
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
