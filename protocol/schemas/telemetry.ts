/**
 * Telemetry, `v2x/v1/{vin}/telemetry`, QoS 0, typically once a second per car. VIN, seq and ts are
 * always there so loss, duplicates, reordering and latency can be counted anywhere downstream.
 * Required: what every car sends (position, motion, odometer, ignition, gear). Optional: what an
 * EV, an old car or a car in a given state may not send (rpm, coolant, fuel vs battery, tyres...).
 */
import { Type, type Static } from '@sinclair/typebox';
import { closed, EpochMs, Latitude, Longitude, Scaled, Seq, StringEnum, Vin } from './common.js';

export const GEARS = ['P', 'R', 'N', 'D', 'S', 'M'] as const;
export const LIGHTS = ['off', 'parking', 'low', 'high'] as const;

export const GpsSchema = Type.Object(
  {
    lat: Latitude(),
    lon: Longitude(),
    altM: Type.Optional(Scaled('i32', 10, { minimum: -1000, maximum: 10000, description: 'altitude, m, 0.1 precision' })),
    heading: Scaled('u16', 100, { minimum: 0, maximum: 360, description: 'course over ground, degrees from north, 0.01 precision' }),
    speedKmh: Scaled('u16', 100, { minimum: 0, maximum: 500, description: 'speed, km/h, 0.01 precision' }),
    accuracyM: Type.Optional(Scaled('u16', 10, { minimum: 0, maximum: 6000, description: 'horizontal accuracy, m, 0.1 precision' })),
  },
  closed,
);

export const TyresSchema = Type.Object(
  {
    fl: Scaled('u16', 10, { minimum: 0, maximum: 1000, description: 'front left, kPa, 0.1 precision' }),
    fr: Scaled('u16', 10, { minimum: 0, maximum: 1000, description: 'front right, kPa' }),
    rl: Scaled('u16', 10, { minimum: 0, maximum: 1000, description: 'rear left, kPa' }),
    rr: Scaled('u16', 10, { minimum: 0, maximum: 1000, description: 'rear right, kPa' }),
  },
  closed,
);

export const DoorsSchema = Type.Object(
  {
    fl: Type.Boolean({ description: 'front left open' }),
    fr: Type.Boolean(),
    rl: Type.Boolean(),
    rr: Type.Boolean(),
  },
  closed,
);

export const BodySchema = Type.Object(
  {
    doorsOpen: DoorsSchema,
    locked: Type.Boolean(),
    trunkOpen: Type.Boolean(),
    lights: StringEnum(LIGHTS, 'exterior lights'),
  },
  closed,
);

export const ClimateSchema = Type.Object(
  {
    on: Type.Boolean(),
    targetC: Type.Optional(Scaled('u8', 2, { minimum: 16, maximum: 28, multipleOf: 0.5, description: 'set point, degC, 0.5 steps' })),
    cabinC: Type.Optional(Scaled('i16', 10, { minimum: -50, maximum: 90, description: 'cabin temperature, degC, 0.1 precision' })),
  },
  closed,
);

export const TelemetrySchema = Type.Object(
  {
    vin: Vin(),
    seq: Seq(),
    ts: EpochMs("car's clock when sampled"),
    gps: GpsSchema,
    odometerKm: Scaled('u32', 10, { minimum: 0, maximum: 10_000_000, description: 'odometer, km, 0.1 precision' }),
    ignition: Type.Boolean(),
    gear: StringEnum(GEARS, 'P park, R reverse, N neutral, D drive, S sport, M manual'),
    rpm: Type.Optional(Type.Integer({ minimum: 0, maximum: 20000, description: 'engine speed (absent on EVs)' })),
    coolantC: Type.Optional(Scaled('i16', 10, { minimum: -50, maximum: 200, description: 'coolant temperature, degC, 0.1 precision' })),
    fuelPct: Type.Optional(
      Scaled('u16', 100, { minimum: 0, maximum: 100, description: 'fuel level, %, 0.01 precision (combustion, hybrid)' }),
    ),
    socPct: Type.Optional(
      Scaled('u16', 100, { minimum: 0, maximum: 100, description: 'battery state of charge, %, 0.01 precision (EV, hybrid)' }),
    ),
    rangeKm: Type.Optional(Scaled('u16', 10, { minimum: 0, maximum: 6000, description: 'estimated range, km, 0.1 precision' })),
    tyresKpa: Type.Optional(TyresSchema),
    body: Type.Optional(BodySchema),
    climate: Type.Optional(ClimateSchema),
  },
  closed,
);

export type Telemetry = Static<typeof TelemetrySchema>;
export type Gear = (typeof GEARS)[number];
export type Lights = (typeof LIGHTS)[number];
