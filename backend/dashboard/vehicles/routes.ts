/**
 * The vehicles REST API, a fastify plugin registered under /api/v1 with the fleet store in the
 * options (viewer and above):
 *   GET /vehicles                 ?status=online|offline&make=&q=&bbox=w,s,e,n&limit=1..500&offset=
 *   GET /vehicles/:vin            the summary and its latest telemetry (404 unknown)
 *   GET /vehicles/:vin/telemetry  ?limit=N  the recent telemetry, oldest first
 */
import { Type } from '@sinclair/typebox';
import type { FastifyPluginAsync } from 'fastify';
import { V2xError } from '../../../core/errors.js';
import { decodeTelemetry, isValidVin, POWERTRAINS } from '../../../protocol/index.js';
import { VinText } from '../../../protocol/schemas/common.js';
import { MAX_OFFSET, VinParams } from '../../api/params.js';
import { defineRoute, registerRoutes, type ApiRoute } from '../../api/route.js';
import { parseBbox, type VehicleFilter } from './filter.js';
import type { VehicleStore } from './store.js';

export const VehicleSummarySchema = Type.Object({
  vin: VinText(),
  make: Type.String({ description: "from the car's online status; empty until one is seen" }),
  model: Type.String(),
  modelYear: Type.Integer({ description: '0 until an online status is seen' }),
  powertrain: Type.String({ description: `${POWERTRAINS.join(', ')}, or unknown` }),
  plate: Type.Optional(Type.String()),
  online: Type.Boolean(),
  lastSeen: Type.Integer({ description: 'when the backend last heard from the car, ms since epoch' }),
  lat: Type.Optional(Type.Number()),
  lon: Type.Optional(Type.Number()),
  speedKmh: Type.Optional(Type.Number()),
  headingDeg: Type.Optional(Type.Number()),
});
const Telemetry = Type.Record(Type.String(), Type.Unknown(), {
  description: 'a decoded telemetry message (protocol/schemas/telemetry.ts)',
});
const DEFAULT_LIMIT = 50;
/** A decimal number as parseBbox reads it (Number()): sign, digits, fraction, exponent. */
const NUM = '\\s*[-+]?(\\d+\\.?\\d*|\\.\\d+)([eE][-+]?\\d+)?\\s*';
const ListQuery = Type.Object(
  {
    status: Type.Optional(Type.Union([Type.Literal('online'), Type.Literal('offline')])),
    make: Type.Optional(Type.String({ minLength: 1, maxLength: 64, description: 'exact make, any case' })),
    q: Type.Optional(Type.String({ minLength: 1, maxLength: 64, description: 'substring of the VIN, plate or model, any case' })),
    bbox: Type.Optional(
      Type.String({
        maxLength: 200,
        pattern: `^${NUM},${NUM},${NUM},${NUM}$`,
        description:
          'west,south,east,north in degrees (longitudes -180..180, latitudes -90..90, south <= north): cars whose latest position is inside',
      }),
    ),
    // optional: the defaults apply when absent (the document must not call them required)
    limit: Type.Optional(Type.Integer({ minimum: 1, maximum: 500, default: DEFAULT_LIMIT })),
    offset: Type.Optional(Type.Integer({ minimum: 0, maximum: MAX_OFFSET, default: 0 })),
  },
  { additionalProperties: false },
);
const TelemetryQuery = Type.Object(
  { limit: Type.Optional(Type.Integer({ minimum: 1, maximum: 10_000, description: 'newest N (default: all kept)' })) },
  { additionalProperties: false },
);

/** What the routes read of the fleet store (unit tests use a real VehicleStore). */
export type VehicleApi = Pick<VehicleStore<Uint8Array>, 'has' | 'list' | 'summary' | 'latest' | 'samples'>;

export interface VehicleRoutesOptions {
  readonly store: VehicleApi;
}

/** The plugin: register with `{ prefix: API_V1, store }`. */
export const vehicleRoutes: FastifyPluginAsync<VehicleRoutesOptions> = async (app, opts) =>
  registerRoutes(app, vehicleApiRoutes(opts.store));

export function vehicleApiRoutes(store: VehicleApi): ApiRoute[] {
  const known = (vin: string): void => {
    if (!isValidVin(vin))
      throw new V2xError('VALIDATION_FAILED', `params.vin: not a valid VIN (${vin})`, {
        details: { field: 'params.vin', rule: 'VIN with a valid check digit' },
      });
    if (!store.has(vin)) throw new V2xError('VEHICLE_NOT_FOUND', vin, { details: { vin } });
  };
  return [
    defineRoute({
      method: 'GET',
      url: '/vehicles',
      summary: 'the fleet, filtered and paged (by VIN)',
      tags: ['vehicles'],
      role: 'viewer',
      querystring: ListQuery,
      responses: {
        200: {
          description: 'one page',
          schema: Type.Object({
            items: Type.Array(VehicleSummarySchema),
            total: Type.Integer({ minimum: 0 }),
            limit: Type.Integer({ minimum: 1, maximum: 500 }),
            offset: Type.Integer({ minimum: 0, maximum: MAX_OFFSET }),
          }),
        },
        400: 'a query value breaks its rule, or an unknown query parameter (the parameter is named)',
      },
      async handler(req) {
        const q = req.query;
        const filter: VehicleFilter = {
          ...(q.status === undefined ? {} : { online: q.status === 'online' }),
          ...(q.make === undefined ? {} : { make: q.make.toLowerCase() }),
          ...(q.q === undefined ? {} : { q: q.q.toLowerCase() }),
          ...(q.bbox === undefined ? {} : { bbox: parseBbox(q.bbox) }),
        };
        const limit = q.limit ?? DEFAULT_LIMIT;
        const offset = q.offset ?? 0;
        const { items, total } = store.list(filter, limit, offset);
        return { items, total, limit, offset };
      },
    }),
    defineRoute({
      method: 'GET',
      url: '/vehicles/:vin',
      summary: 'one car: its summary and latest telemetry',
      tags: ['vehicles'],
      role: 'viewer',
      params: VinParams,
      responses: {
        200: {
          description: 'the car (telemetry is null before its first message)',
          schema: Type.Intersect([VehicleSummarySchema, Type.Object({ telemetry: Type.Union([Telemetry, Type.Null()]) })]),
        },
        400: 'not a valid VIN',
        404: 'unknown VIN',
      },
      async handler(req) {
        known(req.params.vin);
        return { ...store.summary(req.params.vin), telemetry: store.latest(req.params.vin) ?? null };
      },
    }),
    defineRoute({
      method: 'GET',
      url: '/vehicles/:vin/telemetry',
      summary: "a car's recent telemetry, oldest first (dashboard.telemetryRing kept per car)",
      tags: ['vehicles'],
      role: 'viewer',
      params: VinParams,
      querystring: TelemetryQuery,
      responses: {
        200: { description: 'the messages', schema: Type.Object({ items: Type.Array(Telemetry) }) },
        400: 'not a valid VIN, or a bad limit',
        404: 'unknown VIN',
      },
      async handler(req) {
        known(req.params.vin);
        const samples = store.samples(req.params.vin, req.query.limit ?? Number.MAX_SAFE_INTEGER) ?? [];
        return { items: samples.map((s) => decodeTelemetry(s)) };
      },
    }),
  ];
}
