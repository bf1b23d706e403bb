/**
 * protocol/: the car-cloud contract. The one place the simulator, the backend and the dashboard
 * import topics, payload schemas, codecs, the command catalogue and the Kafka contract from.
 * Pure: no I/O, no clock, no environment.
 */
export {
  PROTOCOL_VERSION,
  SCHEMA_VERSION,
  MAX_PAYLOAD_BYTES,
  MESSAGE_KINDS,
  kindInfo,
  isMessageKind,
  type MessageKind,
  type KindInfo,
} from './kinds.js';
export { VIN_LENGTH, VIN_ALPHABET, VIN_PATTERN, computeCheckDigit, vinProblem, isValidVin, completeVin } from './vin.js';
export {
  TOPIC_ROOT,
  TOPIC_PREFIX,
  buildTopic,
  parseTopic,
  inspectTopic,
  telemetryTopic,
  statusTopic,
  eventsTopic,
  commandRequestTopic,
  commandResultTopic,
  warningsTopic,
  topicFilter,
  sharedFilter,
  unshareFilter,
  carSubscriptions,
  backendSubscriptions,
  topicMatches,
  CAR_TO_CLOUD_KINDS,
  type ParsedTopic,
} from './topics.js';
export { checkPublish, checkSubscribe, mayPublish, maySubscribe, type AclClient, type AclDecision } from './acl.js';
export { makeIssue, issueToError, unwrap, type Issue, type Result } from './issues.js';
export {
  validators,
  validateMessage,
  assertMessage,
  validateTelemetry,
  validateStatus,
  validateEvent,
  validateCommandRequest,
  validateCommandResult,
  validateWarning,
  messageSchemas,
  messageLabels,
  type MessageMap,
  type MessageOf,
  type AnyMessage,
} from './messages.js';
export { type Validator } from './validator.js';
export * from './schemas/telemetry.js';
export * from './schemas/status.js';
export * from './schemas/events.js';
export * from './schemas/commands.js';
export * from './schemas/warnings.js';
export { validateCommandParams, createCommandRequest, isExpired, commandMeta, type NewCommand } from './commands.js';
export { encode, decode, tryDecode, detectCodec, CODECS, CONTENT_TYPES, type CodecName } from './codec/index.js';
export {
  decodeTelemetry,
  decodeStatus,
  decodeEvent,
  decodeCommandRequest,
  decodeCommandResult,
  decodeWarning,
  tryDecodeTelemetry,
  tryDecodeStatus,
  tryDecodeEvent,
  tryDecodeCommandRequest,
  tryDecodeCommandResult,
  tryDecodeWarning,
} from './decoders.js';
export { encodeBinary, decodeBinaryUnchecked, binaryLayout, BINARY_MAGIC, BINARY_LAYOUT_VERSION } from './codec/binary.js';
export { encodeJson, decodeJsonUnchecked } from './codec/json.js';
export type { LayoutRow } from './codec/binary-plan.js';
export * from './kafka.js';
export * as protocolExamples from './examples.js';
