/**
 * Warnings, `v2x/v1/{vin}/warnings`, QoS 1, cloud -> car: hazards ahead that the backend found
 * (a traffic jam forming, an accident, roadworks), sent to the cars approaching them.
 */
import { Type, type Static } from '@sinclair/typebox';
import { closed, EpochMs, Id, Position, Scaled, StringEnum, Vin } from './common.js';

export const WARNING_TYPES = ['traffic_jam', 'accident', 'roadworks', 'hazard', 'weather'] as const;
export const WARNING_SEVERITIES = ['info', 'warning', 'danger'] as const;

export const WarningSchema = Type.Object(
  {
    warningId: Id('unique id; a car shows each warning once'),
    vin: Vin(),
    type: StringEnum(WARNING_TYPES),
    severity: StringEnum(WARNING_SEVERITIES),
    position: Position(),
    radiusM: Type.Integer({ minimum: 0, maximum: 100000, description: 'affected radius around position, m' }),
    segmentId: Type.Optional(Type.String({ minLength: 1, maxLength: 64, description: 'road segment of the road network' })),
    speedKmh: Type.Optional(Scaled('u16', 100, { minimum: 0, maximum: 500, description: 'observed speed there, km/h' })),
    message: Type.Optional(Type.String({ minLength: 1, maxLength: 200 })),
    issuedAt: EpochMs('when the backend issued it'),
    expiresAt: EpochMs('ignore it after this'),
  },
  closed,
);
export type CarWarning = Static<typeof WarningSchema>;
export type WarningType = (typeof WARNING_TYPES)[number];
