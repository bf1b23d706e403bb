/**
 * The traffic REST API under /api/v1 (mounted through backend/http.ts's route hook), viewer role:
 *   GET /jams              -> {jams: JamMsg[], predicted: [{segmentId, expectedMs, jamId?}]}
 *   GET /traffic/segments  -> SegmentsFrame (latest jam factor per segment)
 */
import { Type } from '@sinclair/typebox';
import type { FastifyInstance } from 'fastify';
import { requireRole, type TokenTable } from '../../api/auth.js';
import type { OpenApiRegistry } from '../../api/openapi.js';
import type { JamMsg, SegmentsFrame } from '../../dashboard/hub/events.js';

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
const JamsBody = Type.Object({ jams: Type.Array(JamSchema), predicted: Type.Array(Predicted) });
const SegmentsBody = Type.Object({
  atMs: Type.Integer(),
  segments: Type.Array(Type.Tuple([Type.String(), Type.Number()]), { description: '[segmentId, jamFactor 0..10]' }),
});

export interface TrafficView {
  jams(): { jams: JamMsg[]; predicted: { segmentId: string; expectedMs: number; jamId?: string }[] };
  segments(): SegmentsFrame;
}

const base = '/api/v1';

export function trafficRoutes(deps: { readonly tokens: TokenTable; readonly view: TrafficView }) {
  return (app: FastifyInstance, docs: OpenApiRegistry): void => {
    const err = (d: string) => ({ description: d, schema: ErrorBody });
    const auth = (header: string | undefined): void => requireRole(deps.tokens.authenticate(header), 'viewer');
    docs.add({
      method: 'get',
      url: `${base}/jams`,
      summary: 'live jams and predicted jams',
      tags: ['traffic'],
      role: 'viewer',
      responses: { 200: { description: 'jams', schema: JamsBody }, 401: err('no or unknown token') },
    });
    app.get(`${base}/jams`, async (req) => {
      auth(req.headers.authorization);
      return deps.view.jams();
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
