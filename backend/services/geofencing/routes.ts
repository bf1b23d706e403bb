/**
 * The fence REST API, a fastify plugin registered under /api/v1 with its service in the options:
 *   GET    /fences                 viewer   -> {items: [fence]} sorted by id
 *   POST   /fences                 admin    -> 201 fence (`id` optional: generated); 409 if the id exists
 *   GET    /fences/:id             viewer   -> fence
 *   PUT    /fences/:id             admin    -> 200 fence (replaces it; a body `id` must equal the path's)
 *   DELETE /fences/:id             admin    -> 204 (cars inside get an exit, reason fence_deleted)
 *   GET    /fences/:id/occupants   viewer   -> {vins: [...]} the cars this instance holds inside
 * Bodies are checked by the geofence validator (validate.ts), not by fastify's schema, so a refusal
 * is GEOFENCE_INVALID (400) with the validator's reason, field and rule. Writes answer once the
 * fence is back from the geofences topic (see service.ts). Errors render as backend/api/errors.ts
 * renders them (it maps GEOFENCE_INVALID to 400 and GEOFENCE_NOT_FOUND to 404).
 */
import { randomUUID } from 'node:crypto';
import { Type } from '@sinclair/typebox';
import type { FastifyPluginAsync } from 'fastify';
import { V2xError } from '../../../core/errors.js';
import { VinText } from '../../../protocol/schemas/common.js';
import { defineRoute, registerRoutes, type ApiRoute } from '../../api/route.js';
import { FenceIdSchema, FenceSchema, type Fence } from './schema.js';
import type { GeofencingService } from './service.js';
import { issueToGeofenceError, validateFence } from './validate.js';

const IdParams = Type.Object({ id: FenceIdSchema }, { additionalProperties: false });
const FenceBody = Type.Omit(FenceSchema, ['id']);
const CreateBody = Type.Composite([FenceBody, Type.Object({ id: Type.Optional(FenceSchema.properties.id) })], {
  additionalProperties: false,
});
const Items = Type.Object({ items: Type.Array(FenceSchema) });
const Occupants = Type.Object({ vins: Type.Array(VinText()) });

/** What the routes use of the geofencing service (unit tests hand in a fake). */
export type GeofenceApi = Pick<GeofencingService, 'fence' | 'fences' | 'put' | 'remove' | 'occupants'>;

export interface GeofenceRoutesOptions {
  readonly service: GeofenceApi;
}

/** The plugin: register with `{ prefix: API_V1, service }`. */
export const geofenceRoutes: FastifyPluginAsync<GeofenceRoutesOptions> = async (app, opts) =>
  registerRoutes(app, geofenceApiRoutes(opts.service));

const writeFailed = 'Kafka did not take or return the write';

export function geofenceApiRoutes(service: GeofenceApi): ApiRoute[] {
  const found = (id: string): Fence => {
    const f = service.fence(id);
    if (f === undefined) throw new V2xError('GEOFENCE_NOT_FOUND', id, { details: { fenceId: id } });
    return f;
  };
  const valid = (body: unknown): Fence => {
    const r = validateFence(body);
    if (!r.ok) throw issueToGeofenceError(r.issue);
    return r.value;
  };
  const isObject = (body: unknown): body is Record<string, unknown> => typeof body === 'object' && body !== null && !Array.isArray(body);
  return [
    defineRoute({
      method: 'GET',
      url: '/fences',
      summary: 'every geofence',
      tags: ['geofences'],
      role: 'viewer',
      responses: { 200: { description: 'the fences, sorted by id', schema: Items } },
      handler: async () => ({ items: service.fences() }),
    }),
    defineRoute({
      method: 'POST',
      url: '/fences',
      summary: 'create a geofence',
      tags: ['geofences'],
      role: 'admin',
      handlerCheckedBody: CreateBody,
      responses: {
        201: { description: 'created', schema: FenceSchema },
        400: 'invalid geofence: details.reason, field and rule',
        409: 'a fence with this id exists',
        503: writeFailed,
      },
      async handler(req, reply) {
        const body = req.body;
        const fence = valid(isObject(body) && !('id' in body) ? { id: randomUUID(), ...body } : body);
        if (service.fence(fence.id) !== undefined)
          throw new V2xError('CONFLICT', `fence ${fence.id} exists: PUT /api/v1/fences/${fence.id} replaces it`, {
            details: { fenceId: fence.id },
          });
        return reply.status(201).send(await service.put(fence));
      },
    }),
    defineRoute({
      method: 'GET',
      url: '/fences/:id',
      summary: 'one geofence',
      tags: ['geofences'],
      role: 'viewer',
      params: IdParams,
      responses: { 200: { description: 'the fence', schema: FenceSchema }, 404: 'no such fence' },
      handler: async (req) => found(req.params.id),
    }),
    defineRoute({
      method: 'PUT',
      url: '/fences/:id',
      summary: 'replace a geofence',
      tags: ['geofences'],
      role: 'admin',
      params: IdParams,
      handlerCheckedBody: CreateBody,
      responses: {
        200: { description: 'replaced', schema: FenceSchema },
        400: 'invalid geofence, or a body id other than the path id',
        404: 'no such fence',
        503: writeFailed,
      },
      async handler(req) {
        const { id } = req.params;
        found(id);
        const body = req.body;
        if (isObject(body) && 'id' in body && body.id !== id)
          throw new V2xError('VALIDATION_FAILED', `body.id: must equal the path's id ${id}`, {
            details: { field: 'body.id', rule: 'equals the path id', value: body.id },
          });
        return service.put(valid(isObject(body) ? { ...body, id } : body));
      },
    }),
    defineRoute({
      method: 'DELETE',
      url: '/fences/:id',
      summary: 'delete a geofence (cars inside get an exit with reason fence_deleted)',
      tags: ['geofences'],
      role: 'admin',
      params: IdParams,
      responses: { 204: { description: 'deleted' }, 404: 'no such fence', 503: writeFailed },
      async handler(req, reply) {
        found(req.params.id);
        await service.remove(req.params.id);
        return reply.status(204).send();
      },
    }),
    defineRoute({
      method: 'GET',
      url: '/fences/:id/occupants',
      summary: 'cars inside a geofence (those on the partitions this instance consumes)',
      tags: ['geofences'],
      role: 'viewer',
      params: IdParams,
      responses: { 200: { description: 'VINs, sorted', schema: Occupants }, 404: 'no such fence' },
      async handler(req) {
        found(req.params.id);
        return { vins: service.occupants(req.params.id) };
      },
    }),
  ];
}
