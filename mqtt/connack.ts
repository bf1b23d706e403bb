/**
 * CONNACK refusals as typed errors: 3.1.1 return codes 1-5 and MQTT 5 reason codes >= 0x80 map to
 * one catalogue code each, so callers tell bad credentials (stop, fix config) from not authorized
 * (stop) from server unavailable (retry with backoff).
 */
import { V2xError, type ErrorCode } from '../core/errors.js';
import type { ProtocolVersion } from './types.js';

const v4: Readonly<Record<number, readonly [ErrorCode, string]>> = {
  1: ['MQTT_CONNECT_REFUSED', 'unacceptable protocol version'],
  2: ['MQTT_CONNECT_REFUSED', 'identifier rejected'],
  3: ['MQTT_SERVER_UNAVAILABLE', 'server unavailable'],
  4: ['MQTT_BAD_CREDENTIALS', 'bad user name or password'],
  5: ['MQTT_NOT_AUTHORIZED', 'not authorized'],
};

const v5: Readonly<Record<number, readonly [ErrorCode, string]>> = {
  0x80: ['MQTT_CONNECT_REFUSED', 'unspecified error'],
  0x81: ['MQTT_CONNECT_REFUSED', 'malformed packet'],
  0x82: ['MQTT_CONNECT_REFUSED', 'protocol error'],
  0x83: ['MQTT_CONNECT_REFUSED', 'implementation specific error'],
  0x84: ['MQTT_CONNECT_REFUSED', 'unsupported protocol version'],
  0x85: ['MQTT_CONNECT_REFUSED', 'client identifier not valid'],
  0x86: ['MQTT_BAD_CREDENTIALS', 'bad user name or password'],
  0x87: ['MQTT_NOT_AUTHORIZED', 'not authorized'],
  0x88: ['MQTT_SERVER_UNAVAILABLE', 'server unavailable'],
  0x89: ['MQTT_SERVER_UNAVAILABLE', 'server busy'],
  0x8a: ['MQTT_NOT_AUTHORIZED', 'banned'],
  0x8c: ['MQTT_BAD_CREDENTIALS', 'bad authentication method'],
  0x90: ['MQTT_CONNECT_REFUSED', 'topic name invalid'],
  0x95: ['MQTT_CONNECT_REFUSED', 'packet too large'],
  0x97: ['MQTT_SERVER_UNAVAILABLE', 'quota exceeded'],
  0x99: ['MQTT_CONNECT_REFUSED', 'payload format invalid'],
  0x9a: ['MQTT_CONNECT_REFUSED', 'retain not supported'],
  0x9b: ['MQTT_CONNECT_REFUSED', 'QoS not supported'],
  0x9c: ['MQTT_SERVER_UNAVAILABLE', 'use another server'],
  0x9d: ['MQTT_SERVER_UNAVAILABLE', 'server moved'],
  0x9f: ['MQTT_SERVER_UNAVAILABLE', 'connection rate exceeded'],
};

/** The error for a CONNACK code other than 0 (success). */
export function connackError(version: ProtocolVersion, code: number, clientId: string, reasonString?: string): V2xError {
  const entry = (version === 5 ? v5 : v4)[code];
  const [errorCode, text] = entry ?? (['MQTT_CONNECT_REFUSED', `code ${code}`] as const);
  const detail = `${text}${reasonString ? ` (${reasonString})` : ''} for client ${clientId}`;
  return new V2xError(errorCode, detail, { details: { connackCode: code, protocolVersion: version, clientId } });
}
