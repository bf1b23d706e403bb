/**
 * The compact binary codec. Layout of every payload:
 *
 *   byte 0   0xB1  magic + layout version 1 (never '{' = 0x7B, so `decode` tells it from JSON)
 *   byte 1   kind id (1 telemetry, 2 status, 3 event, 4 command request, 5 command result, 6 warning)
 *   byte 2.. the message, laid out from its schema (see binary-plan.ts and docs/protocol.md)
 *
 * Scaled numbers are exact to their stated precision: a value on the grid (k / scale) comes back
 * bit-identical; any other value comes back rounded to the nearest step.
 */
import { V2xError } from '../../core/errors.js';
import { kindInfo, kindOfBinaryId, MESSAGE_KINDS, type MessageKind } from '../kinds.js';
import type { MessageMap } from '../messages.js';
import { messageSchemas } from '../messages.js';
import { compilePlan, type LayoutRow, type Plan } from './binary-plan.js';
import { Reader, TruncatedError, Writer } from './binary-io.js';

export const BINARY_MAGIC = 0xb1;
export const BINARY_LAYOUT_VERSION = 1;
/** 0xB0-0xBF are reserved for binary layout versions 0-15. */
export const isBinaryMagic = (byte: number): boolean => (byte & 0xf0) === 0xb0;

const plans = Object.fromEntries(
  MESSAGE_KINDS.map((k) => [k, compilePlan(messageSchemas[k], k === 'commandRequest' ? 'COMMAND_UNKNOWN' : 'PAYLOAD_INVALID')]),
) as Record<MessageKind, Plan>;

const writer = new Writer();

/** Encodes without validating (the caller's types vouch for it); values that do not fit throw. */
export function encodeBinary<K extends MessageKind>(kind: K, message: MessageMap[K]): Buffer {
  writer.reset();
  writer.u8(BINARY_MAGIC);
  writer.u8(kindInfo[kind].binaryId);
  try {
    plans[kind].write(writer, message);
  } catch (err) {
    if (err instanceof V2xError) throw err;
    throw new V2xError('PAYLOAD_INVALID', `cannot encode ${kind}: ${(err as Error).message}`, { cause: err });
  }
  return writer.finish();
}

/** Decodes to a plain object WITHOUT schema validation (see decodeMessage for the checked path). */
export function decodeBinaryUnchecked(kind: MessageKind, bytes: Uint8Array): unknown {
  if (bytes.length < 2) throw new V2xError('PAYLOAD_UNDECODABLE', `binary payload of ${bytes.length} bytes is too short`);
  if (bytes[0] !== BINARY_MAGIC)
    throw new V2xError(
      'PAYLOAD_UNDECODABLE',
      `binary layout version ${(bytes[0] ?? 0) & 0x0f} is not supported (only ${BINARY_LAYOUT_VERSION})`,
    );
  const id = bytes[1] ?? 0;
  if (id !== kindInfo[kind].binaryId) {
    const other = kindOfBinaryId(id);
    throw new V2xError(
      'PAYLOAD_UNDECODABLE',
      `binary payload holds ${other === undefined ? `unknown kind id ${id}` : `a ${other}`}, expected a ${kind}`,
    );
  }
  const reader = new Reader(bytes, 2);
  let value: unknown;
  try {
    value = plans[kind].read(reader);
  } catch (err) {
    if (err instanceof RangeError || err instanceof TruncatedError) {
      throw new V2xError('PAYLOAD_UNDECODABLE', `binary ${kind} is truncated or corrupt: ${err.message}`, { cause: err });
    }
    throw err;
  }
  if (reader.remaining !== 0) throw new V2xError('PAYLOAD_UNDECODABLE', `binary ${kind} has ${reader.remaining} trailing bytes`);
  return value;
}

/** The binary layout of a kind, as rows for the documentation. */
export function binaryLayout(kind: MessageKind): readonly LayoutRow[] {
  return plans[kind].layout;
}
