/**
 * Encode and decode any message kind with either codec. `decode` auto-detects the codec from the
 * first byte ('{' JSON, 0xB1 binary) and always validates against the kind's schema. `tryDecode`
 * is the non-throwing form the bridge uses: an Issue instead of an exception for bad input.
 */
import { errorCatalogue, isV2xError, type V2xError } from '../../core/errors.js';
import { fail, issueToError, makeIssue, type Result } from '../issues.js';
import { MAX_PAYLOAD_BYTES, type MessageKind } from '../kinds.js';
import { messageLabels, validators, type MessageMap } from '../messages.js';
import { decodeBinaryUnchecked, encodeBinary, isBinaryMagic } from './binary.js';
import { decodeJsonUnchecked, encodeJson } from './json.js';

export type CodecName = 'json' | 'binary';
export const CODECS: readonly CodecName[] = ['json', 'binary'];

export const CONTENT_TYPES: Readonly<Record<CodecName, string>> = {
  json: 'application/json',
  binary: 'application/vnd.v2x.bin;v=1',
};

/** Which codec produced `bytes`, from the first byte; undefined when neither. */
export function detectCodec(bytes: Uint8Array): CodecName | undefined {
  const b = bytes[0];
  if (b === undefined) return undefined;
  if (b === 0x7b) return 'json';
  if (isBinaryMagic(b)) return 'binary';
  // tolerate leading JSON whitespace from other producers
  for (let i = 0; i < bytes.length; i++) {
    const c = bytes[i];
    if (c === 0x20 || c === 0x09 || c === 0x0a || c === 0x0d) continue;
    return c === 0x7b ? 'json' : undefined;
  }
  return undefined;
}

/** Encodes a message (not validated: its static type vouches for it; run validateMessage first for untyped input). */
export function encode<K extends MessageKind>(kind: K, message: MessageMap[K], codec: CodecName = 'json'): Buffer {
  return codec === 'binary' ? encodeBinary(kind, message) : encodeJson(kind, message);
}

function undecodable(kind: MessageKind, detail: string, value?: unknown): Result<never> {
  return fail(makeIssue('PAYLOAD_UNDECODABLE', messageLabels[kind], detail, value, value !== undefined));
}

/** Size check, codec detection, parse and schema validation, without throwing. */
export function tryDecode<K extends MessageKind>(kind: K, bytes: Uint8Array): Result<MessageMap[K]> {
  if (bytes.length > MAX_PAYLOAD_BYTES) {
    return fail(makeIssue('PAYLOAD_TOO_LARGE', messageLabels[kind], `must be at most ${MAX_PAYLOAD_BYTES} bytes`, bytes.length));
  }
  const codec = detectCodec(bytes);
  if (codec === undefined) {
    return undecodable(
      kind,
      bytes.length === 0 ? 'must not be empty' : "must start with '{' (JSON) or 0xB1 (binary)",
      bytes.length === 0 ? undefined : `0x${(bytes[0] ?? 0).toString(16)}`,
    );
  }
  let value: unknown;
  try {
    value = codec === 'binary' ? decodeBinaryUnchecked(kind, bytes) : decodeJsonUnchecked(kind, bytes);
  } catch (err) {
    if (isV2xError(err)) return fail(makeIssue(err.code, messageLabels[kind], detailOf(err), err.details.value, false));
    throw err;
  }
  return (validators[kind] as { validate(v: unknown): Result<MessageMap[K]> }).validate(value);
}

/** Decodes and validates; throws V2xError (PAYLOAD_TOO_LARGE, PAYLOAD_UNDECODABLE, PAYLOAD_INVALID, COMMAND_*). */
export function decode<K extends MessageKind>(kind: K, bytes: Uint8Array): MessageMap[K] {
  const r = tryDecode(kind, bytes);
  if (r.ok) return r.value;
  throw issueToError(r.issue);
}

/** The throw-site detail of a V2xError, without the catalogue's prefix. */
function detailOf(err: V2xError): string {
  const prefix = `${errorCatalogue[err.code].message}: `;
  return err.message.startsWith(prefix) ? err.message.slice(prefix.length) : err.message;
}
