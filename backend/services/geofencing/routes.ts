/**
 * The fence REST API under /api/v1 (mounted through backend/http.ts's route hook):
 *   GET    /fences                 viewer   -> {items: [fence]} sorted by id
 *   POST   /fences                 admin    -> 201 fence (`id` optional: generated); 409 if the id exists
 *   GET    /fences/:id             viewer   -> fence
 *   PUT    /fences/:id             admin    -> 200 fence (replaces it; a body `id` must equal the path's)
 *   DELETE /fences/:id             admin    -> 204 (cars inside get an exit, reason fence_deleted)
 *   GET    /fences/:id/occupants   viewer   -> {vins: [...]} the cars this instance holds inside
 * Bodies are checked by the geofence validator (validate.ts), not by fastify's schema, so a refusal
 * is GEOFENCE_INVALID (400) with the validator's reason, field and rule. Writes answer once the
 * fence is back from the geofences topic (see service.ts). Errors render as backend/api/errors.ts
 * renders them; the two geofence codes get their HTTP status here.
 */
import { randomUUID } from 'node:crypto';
import { Type, type Static } from '@sinclair/typebox';
import type { FastifyInstance, FastifyRequest } from 'fastify';
import { V2xError } from '../../../core/errors.js';
import type { ApiRole } from '../../api/config.js';
import { requireRole, type TokenTable } from '../../api/auth.js';
import type { OpenApiRegistry } from '../../api/openapi.js';
import { FenceSchema, type Fence } from './schema.js';
import type { GeofencingService } from './service.js';
import { issueToGeofenceError, validateFence } from './validate.js';

const ErrorBody = Type.Object({ code: Type.String(), message: Type.String(), details: Type.Record(Type.String(), Type.Unknown()) });
const IdParams = Type.Object({ id: Type.String({ minLength: 1, maxLength: 64 }) });
const FenceBody = Type.Omit(FenceSchema, ['id']);
const CreateBody = Type.Composite([FenceBody, Type.Object({ id: Type.Optional(FenceSchema.properties.id) })], {
  additionalProperties: false,
});
const Items = Type.Object({ items: Type.Array(FenceSchema) });
const Occupants = Type.Object({ vins: Type.Array(Type.String()) });

export interface GeofenceRoutesDeps {
  readonly service: () => GeofencingService;
  readonly tokens: TokenTable;
}

const base = '/api/v1/fences';

export function geofenceRoutes(deps: GeofenceRoutesDeps) {
  return (app: FastifyInstance, docs: OpenApiRegistry): void => {
    const auth = (req: FastifyRequest, role: ApiRole): void => requireRole(deps.tokens.authenticate(req.headers.authorization), role);
    const err = (d: string) => ({ description: d, schema: ErrorBody });
    const found = (id: string): Fence => {
      const f = deps.service().fence(id);
      if (f === undefined) throw new V2xError('GEOFENCE_NOT_FOUND', id, { details: { fenceId: id } });
      return f;
    };
    const valid = (body: unknown): Fence => {
      const r = validateFence(body);
      if (!r.ok) throw issueToGeofenceError(r.issue);
      return r.value;
    };
    docs.add({
      method: 'get',
      url: base,
      summary: 'every geofence',
      tags: ['geofences'],
      role: 'viewer',
      responses: { 200: { description: 'the fences, sorted by id', schema: Items }, 401: err('no or unknown token') },
    });
    app.get(base, async (req) => {
      auth(req, 'viewer');
      return { items: deps.service().fences() };
    });

    docs.add({
      method: 'post',
      url: base,
      summary: 'create a geofence',
      tags: ['geofences'],
      role: 'admin',
      body: CreateBody,
      responses: {
        201: { description: 'created', schema: FenceSchema },
        400: err('invalid geofence: details.reason, field and rule'),
        401: err('no or unknown token'),
        403: err('role below admin'),
        409: err('a fence with this id exists'),
        503: err('Kafka did not take or return the write'),
      },
    });
    app.post<{ Body: unknown }>(base, async (req: FastifyRequest<{ Body: unknown }>, reply) => {
      auth(req, 'admin');
      const body = req.body;
      const withId =
        typeof body === 'object' && body !== null && !Array.isArray(body) && !('id' in body) ? { id: randomUUID(), ...body } : body;
      const fence = valid(withId);
      if (deps.service().fence(fence.id) !== undefined)
        throw new V2xError('CONFLICT', `fence ${fence.id} exists: PUT /api/v1/fences/${fence.id} replaces it`, {
          details: { fenceId: fence.id },
        });
      return reply.status(201).send(await deps.service().put(fence));
    });

    docs.add({
      method: 'get',
      url: `${base}/:id`,
      summary: 'one geofence',
      tags: ['geofences'],
      role: 'viewer',
      params: IdParams,
      responses: { 200: { description: 'the fence', schema: FenceSchema }, 401: err('no or unknown token'), 404: err('no such fence') },
    });
    app.get<{ Params: Static<typeof IdParams> }>(
      `${base}/:id`,
      { schema: { params: IdParams } },
      async (req: FastifyRequest<{ Params: Static<typeof IdParams> }>) => {
        auth(req, 'viewer');
        return found(req.params.id);
      },
    );

    docs.add({
      method: 'put',
      url: `${base}/:id`,
      summary: 'replace a geofence',
      tags: ['geofences'],
      role: 'admin',
      params: IdParams,
      body: CreateBody,
      responses: {
        200: { description: 'replaced', schema: FenceSchema },
        400: err('invalid geofence, or a body id other than the path id'),
        401: err('no or unknown token'),
        403: err('role below admin'),
        404: err('no such fence'),
        503: err('Kafka did not take or return the write'),
      },
    });
    app.put<{ Params: Static<typeof IdParams>; Body: unknown }>(
      `${base}/:id`,
      { schema: { params: IdParams } },
      async (req: FastifyRequest<{ Params: Static<typeof IdParams>; Body: unknown }>) => {
        auth(req, 'admin');
        const { id } = req.params;
        found(id);
        const body = req.body;
        if (typeof body === 'object' && body !== null && !Array.isArray(body) && 'id' in body && body.id !== id)
          throw new V2xError('VALIDATION_FAILED', `body.id: must equal the path's id ${id}`, {
            details: { field: 'body.id', rule: 'equals the path id', value: body.id },
          });
        const fence = valid(typeof body === 'object' && body !== null && !Array.isArray(body) ? { ...body, id } : body);
        return deps.service().put(fence);
      },
    );

    docs.add({
      method: 'delete',
      url: `${base}/:id`,
      summary: 'delete a geofence (cars inside get an exit with reason fence_deleted)',
      tags: ['geofences'],
      role: 'admin',
      params: IdParams,
      responses: {
        204: { description: 'deleted' },
        401: err('no or unknown token'),
        403: err('role below admin'),
        404: err('no such fence'),
        503: err('Kafka did not take or return the write'),
      },
    });
    app.delete<{ Params: Static<typeof IdParams> }>(
      `${base}/:id`,
      { schema: { params: IdParams } },
      async (req: FastifyRequest<{ Params: Static<typeof IdParams> }>, reply) => {
        auth(req, 'admin');
        found(req.params.id);
        await deps.service().remove(req.params.id);
        return reply.status(204).send();
      },
    );

    docs.add({
      method: 'get',
      url: `${base}/:id/occupants`,
      summary: 'cars inside a geofence (those on the partitions this instance consumes)',
      tags: ['geofences'],
      role: 'viewer',
      params: IdParams,
      responses: {
        200: { description: 'VINs, sorted', schema: Occupants },
        401: err('no or unknown token'),
        404: err('no such fence'),
      },
    });
    app.get<{ Params: Static<typeof IdParams> }>(
      `${base}/:id/occupants`,
      { schema: { params: IdParams } },
      async (req: FastifyRequest<{ Params: Static<typeof IdParams> }>) => {
        auth(req, 'viewer');
        found(req.params.id);
        return { vins: deps.service().occupants(req.params.id) };
      },
    );
  };
}
