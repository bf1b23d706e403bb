/**
 * The JSON codec: UTF-8 JSON text, always an object, so its first byte is `{` (leading whitespace
 * from other producers is tolerated on decode). Numbers round-trip exactly.
 */
import { V2xError } from '../../core/errors.js';
import { MAX_PAYLOAD_BYTES, type MessageKind } from '../kinds.js';
import type { MessageMap } from '../messages.js';

/** Encodes without validating; throws PAYLOAD_TOO_LARGE past MAX_PAYLOAD_BYTES. */
export function encodeJson<K extends MessageKind>(_kind: K, message: MessageMap[K]): Buffer {
  const out = Buffer.from(JSON.stringify(message), 'utf8');
  if (out.length > MAX_PAYLOAD_BYTES) {
    throw new V2xError('PAYLOAD_TOO_LARGE', `JSON payload is ${out.length} bytes (limit ${MAX_PAYLOAD_BYTES})`, {
      details: { size: out.length, limit: MAX_PAYLOAD_BYTES },
    });
  }
  return out;
}

/** Parses to a plain value WITHOUT schema validation; PAYLOAD_UNDECODABLE when not a JSON object. */
export function decodeJsonUnchecked(kind: MessageKind, bytes: Uint8Array): unknown {
  const text = Buffer.isBuffer(bytes)
    ? bytes.toString('utf8')
    : Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength).toString('utf8');
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (err) {
    throw new V2xError('PAYLOAD_UNDECODABLE', `${kind} is not valid JSON: ${(err as Error).message}`, { cause: err });
  }
  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    throw new V2xError('PAYLOAD_UNDECODABLE', `${kind} JSON must be an object`);
  }
  return value;
}
