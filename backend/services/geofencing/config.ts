/** The `geofencing` config section: the geofencing service shell (backend/services/geofencing/role.ts). */
import { Type } from '@sinclair/typebox';

/** `tag:VIN`: the car with this VIN belongs to the fleet `tag` (fences may filter on it). */
export const FLEET_TAG_ENTRY = '^[A-Za-z0-9_.-]{1,64}:[A-HJ-NPR-Z0-9]{17}$';

export const geofencingConfigSchema = Type.Object(
  {
    groupId: Type.String({
      default: 'v2x-geofencing',
      minLength: 1,
      description: 'Kafka consumer group for telemetry (prefixed with bridge.topicPrefix); instances of one group split the cars',
    }),
    fromBeginning: Type.Boolean({
      default: false,
      description: 'a group with no committed offsets starts at the oldest telemetry (true) or at new telemetry (false)',
    }),
    hysteresisM: Type.Number({ minimum: 0, maximum: 1000, default: 10, description: 'hysteresis margin H, metres' }),
    confirmFixes: Type.Integer({ minimum: 1, maximum: 100, default: 3, description: 'consecutive fixes that switch state within H' }),
    maxGapMs: Type.Integer({
      minimum: 0,
      maximum: 3_600_000,
      default: 120_000,
      description: 'crossings only between fixes this close, ms',
    }),
    cellDeg: Type.Number({ exclusiveMinimum: 0, maximum: 1, default: 0.0025, description: 'spatial index cell, degrees' }),
    tickMs: Type.Integer({
      minimum: 0,
      maximum: 3_600_000,
      default: 1000,
      description: 'dwell check for cars that stopped sending, every this many ms of wall clock (0 = on fixes only)',
    }),
    carIdleMs: Type.Integer({
      minimum: 0,
      maximum: 7 * 86_400_000,
      default: 1_800_000,
      description: 'forget a car (silently, no exit) after this long without a fix, ms (0 = never)',
    }),
    actionTtlSeconds: Type.Integer({ minimum: 1, maximum: 86_400, default: 60, description: 'time to live of commands sent by actions' }),
    writeTimeoutMs: Type.Integer({
      minimum: 100,
      maximum: 120_000,
      default: 10_000,
      description: 'a REST fence write answers once this instance has read it back from the geofences topic; 503 after this',
    }),
    fleetTags: Type.Array(Type.String({ pattern: FLEET_TAG_ENTRY }), {
      default: [],
      description: 'fleet membership as tag:VIN entries (fences with vehicles.fleetTag match these cars)',
    }),
  },
  { additionalProperties: false, default: {} },
);
