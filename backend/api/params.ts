/**
 * Request schemas more than one routes plugin takes. A VIN parameter carries the VIN pattern (so
 * fastify refuses a malformed one with 400 and the OpenAPI document shows the rule); the check
 * digit, which JSON Schema cannot say, is the route's own check (also 400).
 */
import { Type } from '@sinclair/typebox';
import { VinText } from '../../protocol/schemas/common.js';

export const VinParams = Type.Object({ vin: VinText("the car's VIN") }, { additionalProperties: false });

/** Deepest page the paged lists serve; a bound, so an offset is never answered as 3.5e+25. */
export const MAX_OFFSET = 10_000_000;
