/**
 * The geofence model as TypeBox schemas (JSON Schema: the REST layer reuses them for fastify and
 * OpenAPI). The shape is checked here; what JSON Schema cannot say (closed rings, self-intersection,
 * holes inside their shell, positive radius...) is checked in geometry-checks.ts, and validate.ts
 * runs both. Positions are GeoJSON order, [lon, lat] (an optional altitude is accepted and ignored).
 *
 * Geometry kinds: GeoJSON `Polygon` (first ring the shell, the others holes) and `MultiPolygon`,
 * plus two of our own: `Circle` (centre and radius in metres) and `Corridor` (a LineString and a
 * total width in metres: width / 2 either side of the line, round caps at the ends).
 */
import { Type, type Static } from '@sinclair/typebox';
import { COMMAND_TYPES } from '../../../protocol/schemas/commands.js';
import { Vin } from '../../../protocol/schemas/common.js';

const closed = { additionalProperties: false } as const;

/** [lon, lat] or [lon, lat, alt]; ranges are checked by geometry-checks.ts to name the reason. */
export const PositionSchema = Type.Union(
  [Type.Tuple([Type.Number(), Type.Number()]), Type.Tuple([Type.Number(), Type.Number(), Type.Number()])],
  {
    description: '[lon, lat] in WGS84 degrees (GeoJSON order), optional altitude ignored',
  },
);
export const RingSchema = Type.Array(PositionSchema, { description: 'closed linear ring: at least 4 positions, last = first' });

export const PolygonGeometrySchema = Type.Object(
  { type: Type.Literal('Polygon'), coordinates: Type.Array(RingSchema, { minItems: 1, description: 'shell, then holes' }) },
  closed,
);
export const MultiPolygonGeometrySchema = Type.Object(
  {
    type: Type.Literal('MultiPolygon'),
    coordinates: Type.Array(Type.Array(RingSchema, { minItems: 1 }), { minItems: 1, description: 'polygons (inside any = inside)' }),
  },
  closed,
);
export const MAX_RADIUS_M = 100_000;
export const MAX_WIDTH_M = 10_000;
export const CircleGeometrySchema = Type.Object(
  {
    type: Type.Literal('Circle'),
    center: PositionSchema,
    radiusM: Type.Number({ maximum: MAX_RADIUS_M, description: 'radius, metres (> 0)' }),
  },
  closed,
);
export const CorridorGeometrySchema = Type.Object(
  {
    type: Type.Literal('Corridor'),
    coordinates: Type.Array(PositionSchema, { minItems: 2, description: 'the centre line (a GeoJSON LineString)' }),
    widthM: Type.Number({ maximum: MAX_WIDTH_M, description: 'total width, metres (> 0): half of it either side' }),
  },
  closed,
);
export const GeometrySchema = Type.Union([PolygonGeometrySchema, MultiPolygonGeometrySchema, CircleGeometrySchema, CorridorGeometrySchema]);

export const FenceIdSchema = Type.String({
  minLength: 1,
  maxLength: 64,
  pattern: '^[A-Za-z0-9_.:-]+$',
  description: 'geofence id (Kafka key)',
});

/** Which cars a fence applies to: listed VINs, or cars whose fixes carry a fleet tag (exactly one of the two). Absent = every car. */
export const VehicleFilterSchema = Type.Object(
  {
    vins: Type.Optional(Type.Array(Vin(), { minItems: 1, maxItems: 10_000 })),
    fleetTag: Type.Optional(Type.String({ minLength: 1, maxLength: 64 })),
  },
  closed,
);

export const ActionSchema = Type.Object(
  {
    on: Type.Union([Type.Literal('enter'), Type.Literal('exit')]),
    command: Type.Object(
      {
        type: Type.Union(COMMAND_TYPES.map((t) => Type.Literal(t))),
        params: Type.Record(Type.String(), Type.Unknown(), { description: "checked against the command catalogue's params" }),
      },
      closed,
    ),
  },
  closed,
);

export const FenceSchema = Type.Object(
  {
    id: FenceIdSchema,
    name: Type.String({ minLength: 1, maxLength: 200 }),
    tags: Type.Optional(Type.Array(Type.String({ minLength: 1, maxLength: 64 }), { maxItems: 32, description: 'default []' })),
    enabled: Type.Optional(Type.Boolean({ description: 'default true' })),
    geometry: GeometrySchema,
    vehicles: Type.Optional(VehicleFilterSchema),
    dwellS: Type.Optional(Type.Integer({ minimum: 1, maximum: 7 * 86_400, description: 'dwell event after this many seconds inside' })),
    actions: Type.Optional(Type.Array(ActionSchema, { maxItems: 8 })),
  },
  closed,
);

export type Position = Static<typeof PositionSchema>;
export type PolygonGeometry = Static<typeof PolygonGeometrySchema>;
export type MultiPolygonGeometry = Static<typeof MultiPolygonGeometrySchema>;
export type CircleGeometry = Static<typeof CircleGeometrySchema>;
export type CorridorGeometry = Static<typeof CorridorGeometrySchema>;
export type FenceGeometry = Static<typeof GeometrySchema>;
export type VehicleFilter = Static<typeof VehicleFilterSchema>;
export type FenceAction = Static<typeof ActionSchema>;
/** A fence as submitted (tags and enabled may be left out). */
export type FenceInput = Static<typeof FenceSchema>;
/** A validated fence, defaults filled in. */
export type Fence = FenceInput & { readonly tags: string[]; readonly enabled: boolean };
