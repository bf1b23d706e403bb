/**
 * The traffic REST API under /api/v1 (mounted through backend/http.ts's route hook), viewer role:
 *   GET /jams              -> {jams: JamMsg[], predicted: [{segmentId, expectedMs, jamId?}]}
 *   GET /jams?from=&to=    -> the same plus history: the jams live at some time in [from, to] (epoch ms)
 *   GET /traffic/segments  -> SegmentsFrame (latest jam factor per segment)
 */
import { Type, type Static } from '@sinclair/typebox';
import type { FastifyInstance } from 'fastify';
import { requireRole, type TokenTable } from '../../api/auth.js';
import type { OpenApiRegistry } from '../../api/openapi.js';
import type { JamMsg, SegmentsFrame } from '../../dashboard/hub/events.js';
import type { JamHistoryEntry } from './jam-history.js';

const ErrorBody = Type.Object({ code: Type.String(), message: Type.String(), details: Type.Record(Type.String(), Type.Unknown()) });
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
const JamsQuery = Type.Object({
  from: Type.Optional(Type.Integer({ minimum: 0, description: 'epoch ms (default 0)' })),
  to: Type.Optional(Type.Integer({ minimum: 0, description: 'epoch ms (default now)' })),
});
const SegmentsBody = Type.Object({
  atMs: Type.Integer(),
  segments: Type.Array(Type.Tuple([Type.String(), Type.Number()]), { description: '[segmentId, jamFactor 0..10]' }),
});

export interface TrafficView {
  jams(): { jams: JamMsg[]; predicted: { segmentId: string; expectedMs: number; jamId?: string }[] };
  segments(): SegmentsFrame;
  history?(fromMs: number, toMs: number): JamHistoryEntry[];
}

const base = '/api/v1';

export function trafficRoutes(deps: { readonly tokens: TokenTable; readonly view: TrafficView }) {
  return (app: FastifyInstance, docs: OpenApiRegistry): void => {
    const err = (d: string) => ({ description: d, schema: ErrorBody });
    const auth = (header: string | undefined): void => requireRole(deps.tokens.authenticate(header), 'viewer');
    docs.add({
      method: 'get',
      url: `${base}/jams`,
      summary: 'live jams and predicted jams; with from/to also the jam history',
      tags: ['traffic'],
      role: 'viewer',
      querystring: JamsQuery,
      responses: { 200: { description: 'jams', schema: JamsBody }, 400: err('from or to not epoch ms'), 401: err('no or unknown token') },
    });
    app.get<{ Querystring: Static<typeof JamsQuery> }>(`${base}/jams`, { schema: { querystring: JamsQuery } }, async (req) => {
      auth(req.headers.authorization);
      const { from, to } = req.query;
      if ((from === undefined && to === undefined) || deps.view.history === undefined) return deps.view.jams();
      return { ...deps.view.jams(), history: deps.view.history(from ?? 0, to ?? Number.MAX_SAFE_INTEGER) };
    });
    docs.add({
      method: 'get',
      url: `${base}/traffic/segments`,
      summary: 'latest jam factor per road segment',
      tags: ['traffic'],
      role: 'viewer',
      responses: { 200: { description: 'segments frame', schema: SegmentsBody }, 401: err('no or unknown token') },
    });
    app.get(`${base}/traffic/segments`, async (req) => {
      auth(req.headers.authorization);
      return deps.view.segments();
    });
  };
}
