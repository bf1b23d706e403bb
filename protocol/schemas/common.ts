/**
 * Building blocks shared by every payload schema. The `wire` option on a schema tells the binary
 * codec how to lay the value out (see codec/binary-plan.ts); the JSON codec ignores it.
 *
 * Wire hints: `{ wire: { int: 'i32', scale: 1e7 } }` stores round(value * scale) as an int32, so
 * the value is exact to 1/scale; `{ wire: 'vin' }` stores 17 raw ASCII bytes. Integers without a
 * hint take the smallest fixed width their minimum/maximum allow (a varint beyond 32 bits);
 * numbers without a hint take a float64.
 */
import { Type, type TLiteral, type TUnion, type TString, type TInteger, type TNumber, type NumberOptions } from '@sinclair/typebox';
import { VIN_PATTERN } from '../vin.js';

export type WireInt = 'u8' | 'u16' | 'u32' | 'i8' | 'i16' | 'i32' | 'uvarint';
export type WireHint = 'vin' | { readonly int: WireInt; readonly scale: number };

/** A VIN with a correct check digit. */
export const Vin = (): TString =>
  Type.String({ format: 'vin', wire: 'vin', description: `VIN: ${VIN_PATTERN} with a valid check digit (position 9)` });

/**
 * A VIN as plain JSON Schema (REST parameters and bodies, the OpenAPI document): the syntax as a
 * pattern, with no `format` or `wire` hint a generic validator would not know. JSON Schema cannot
 * say the check digit: whoever takes the value checks it too (isValidVin).
 */
export const VinText = (description = 'VIN'): TString =>
  Type.String({
    minLength: 17,
    maxLength: 17,
    pattern: VIN_PATTERN,
    description: `${description}: 17 characters, ${VIN_PATTERN}, valid check digit (position 9)`,
  });

/** Milliseconds since the Unix epoch, as an integer. */
export const EpochMs = (description: string): TInteger =>
  Type.Integer({ minimum: 0, maximum: Number.MAX_SAFE_INTEGER, description: `${description} (ms since epoch)` });

/** Per-car message sequence number (uint32; wraps to 0 after 4294967295). */
export const Seq = (): TInteger => Type.Integer({ minimum: 0, maximum: 0xffffffff, description: 'per-car sequence number, uint32, wraps' });

/** A number stored in binary as round(value * scale) in `int`: exact to 1/scale. */
export function Scaled(int: WireInt, scale: number, options: NumberOptions & { description: string }): TNumber {
  return Type.Number({ ...options, wire: { int, scale } });
}

/** A closed set of strings (binary: one byte, the index in this list). */
export function StringEnum<const T extends readonly string[]>(values: T, description?: string): TUnion<TLiteral<T[number]>[]> {
  const options = description === undefined ? {} : { description };
  return Type.Union(
    values.map((v: T[number]) => Type.Literal(v)),
    options,
  );
}

export const Latitude = (): TNumber =>
  Scaled('i32', 1e7, { minimum: -90, maximum: 90, description: 'WGS84 latitude, degrees, 1e-7 precision' });
export const Longitude = (): TNumber =>
  Scaled('i32', 1e7, { minimum: -180, maximum: 180, description: 'WGS84 longitude, degrees, 1e-7 precision' });

export const Position = () => Type.Object({ lat: Latitude(), lon: Longitude() }, { additionalProperties: false });

/** Identifiers chosen by the backend (commandId, warningId): URL- and topic-safe. */
export const Id = (description: string): TString =>
  Type.String({ minLength: 1, maxLength: 64, pattern: '^[A-Za-z0-9_.:-]+$', description });

export const closed = { additionalProperties: false } as const;
