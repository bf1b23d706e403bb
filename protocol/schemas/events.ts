/**
 * Events, `v2x/v1/{vin}/events`, QoS 1: things that happen once, a discriminated union on `type`.
 * Every event carries vin, seq (its own per-car sequence, separate from telemetry's), ts and,
 * when known, the position.
 */
import { Type, type Static, type TObject, type TProperties } from '@sinclair/typebox';
import { closed, EpochMs, Position, Scaled, Seq, StringEnum, Vin } from './common.js';

export const DTC_SEVERITIES = ['info', 'warning', 'critical'] as const;
export const DOORS = ['fl', 'fr', 'rl', 'rr', 'trunk', 'hood'] as const;
export const LOCK_SOURCES = ['remote', 'key', 'auto', 'inside'] as const;

function event<T extends string, P extends TProperties>(type: T, props: P) {
  return Type.Object(
    {
      vin: Vin(),
      seq: Seq(),
      ts: EpochMs("car's clock when it happened"),
      type: Type.Literal(type),
      position: Type.Optional(Position()),
      ...props,
    },
    closed,
  );
}

export const eventVariants = {
  dtc: event('dtc', {
    code: Type.String({ pattern: '^[PCBU][0-3][0-9A-F]{3}$', description: 'OBD-II diagnostic trouble code, e.g. P0301' }),
    severity: StringEnum(DTC_SEVERITIES),
    description: Type.String({ minLength: 1, maxLength: 200 }),
    active: Type.Boolean({ description: 'false when the fault has cleared' }),
  }),
  ignition: event('ignition', { on: Type.Boolean() }),
  door: event('door', { door: StringEnum(DOORS), open: Type.Boolean() }),
  lock: event('lock', { locked: Type.Boolean(), source: StringEnum(LOCK_SOURCES) }),
  crash: event('crash', {
    severity: StringEnum(['minor', 'major', 'severe'] as const),
    deltaVKmh: Scaled('u16', 10, { minimum: 0, maximum: 300, description: 'change of velocity, km/h, 0.1 precision' }),
    airbagsDeployed: Type.Boolean(),
  }),
  low_battery: event('low_battery', {
    battery: StringEnum(['12v', 'traction'] as const),
    socPct: Scaled('u16', 100, { minimum: 0, maximum: 100, description: '%, 0.01 precision' }),
  }),
  low_fuel: event('low_fuel', {
    fuelPct: Scaled('u16', 100, { minimum: 0, maximum: 100, description: '%, 0.01 precision' }),
    rangeKm: Type.Optional(Scaled('u16', 10, { minimum: 0, maximum: 6000, description: 'km, 0.1 precision' })),
  }),
  harsh_braking: event('harsh_braking', {
    decelMs2: Scaled('u16', 100, { minimum: 0, maximum: 100, description: 'peak deceleration, m/s2, 0.01 precision' }),
    speedKmh: Scaled('u16', 100, { minimum: 0, maximum: 500, description: 'speed before braking, km/h' }),
  }),
} as const satisfies Record<string, TObject>;

const v = eventVariants;
export const EventSchema = Type.Union([v.dtc, v.ignition, v.door, v.lock, v.crash, v.low_battery, v.low_fuel, v.harsh_braking]);

export type VehicleEvent = Static<typeof EventSchema>;
export type EventType = VehicleEvent['type'];
export type EventOf<T extends EventType> = Extract<VehicleEvent, { type: T }>;
export const EVENT_TYPES = Object.keys(eventVariants) as EventType[];
