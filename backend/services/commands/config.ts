/** The `commands` config section: the remote command service. */
import { Type } from '@sinclair/typebox';

export const commandsConfigSchema = Type.Object(
  {
    groupId: Type.String({ default: 'v2x-commands', minLength: 1, description: 'Kafka consumer group for car results and vehicle status' }),
    knownVins: Type.Array(Type.String({ minLength: 17, maxLength: 17 }), {
      default: [],
      description: 'VINs accepted before they are seen on vehicle-status (a demo fleet list)',
    }),
    acceptAnyVin: Type.Boolean({ default: false, description: 'accept commands for any well-formed VIN (demos, load tests)' }),
    defaultTtlSeconds: Type.Integer({ minimum: 1, maximum: 86_400, default: 60, description: 'time to live when a request gives none' }),
    maxTtlSeconds: Type.Integer({
      minimum: 1,
      maximum: 7 * 86_400,
      default: 86_400,
      description: 'longest time to live a request may ask for',
    }),
    deliveredGraceMs: Type.Integer({
      minimum: 0,
      maximum: 600_000,
      default: 30_000,
      description: 'how long past its TTL a DELIVERED command may still report its outcome',
    }),
    resendAfterMs: Type.Integer({
      minimum: 0,
      maximum: 3_600_000,
      default: 5000,
      description:
        "a SENT command not confirmed by the car is sent again after this long, then with doubling waits (0 = only on the car's online)",
    }),
    resendMaxMs: Type.Integer({
      minimum: 1,
      maximum: 3_600_000,
      default: 60_000,
      description: 'longest wait between two timed resends of a command',
    }),
    maxResends: Type.Integer({ minimum: 0, maximum: 1000, default: 20, description: 'most timed resends of one command' }),
  },
  { additionalProperties: false, default: {} },
);
