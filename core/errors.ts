/**
 * The one error catalogue. Every error the project raises on purpose has a stable code here, a
 * human message template, a retryable flag (the bridge and the consumers act on it: retry, or
 * dead-letter and move on) and the exit code a CLI uses when the error ends a command.
 */

export interface ErrorSpec {
  /** Short human description; the detail given at the throw site is appended. */
  readonly message: string;
  /** True when trying again later may succeed (a broker that is down), false for bad input. */
  readonly retryable: boolean;
  /** Exit code when this error ends a CLI command. 2 = bad usage or input, 1 = runtime failure. */
  readonly exitCode: number;
}

export const errorCatalogue = {
  // usage and configuration
  CLI_USAGE: { message: 'bad command line', retryable: false, exitCode: 2 },
  CONFIG_INVALID: { message: 'invalid configuration', retryable: false, exitCode: 2 },
  CONFIG_FILE_UNREADABLE: { message: 'cannot read the configuration file', retryable: false, exitCode: 2 },

  // prerequisites and local infrastructure
  PREREQ_MISSING: { message: 'a required program is missing', retryable: false, exitCode: 1 },
  KAFKA_PROVISION_FAILED: { message: 'could not provision Apache Kafka', retryable: true, exitCode: 1 },
  KAFKA_START_FAILED: { message: 'Apache Kafka did not start', retryable: true, exitCode: 1 },
  KAFKA_NOT_RUNNING: { message: 'no local Kafka is running', retryable: false, exitCode: 1 },
  KAFKA_UNAVAILABLE: { message: 'Kafka is unreachable', retryable: true, exitCode: 1 },
  KAFKA_PRODUCE_FAILED: { message: 'Kafka did not accept the records', retryable: true, exitCode: 1 },
  MQTT_BROKER_FAILED: { message: 'the MQTT broker failed', retryable: true, exitCode: 1 },
  REDIS_START_FAILED: { message: 'Redis did not start', retryable: true, exitCode: 1 },
  REDIS_UNAVAILABLE: { message: 'Redis is unreachable', retryable: true, exitCode: 1 },
  HAPROXY_START_FAILED: { message: 'HAProxy did not start', retryable: true, exitCode: 1 },
  BACKEND_PROCESS_FAILED: { message: 'a backend process failed', retryable: true, exitCode: 1 },

  // the car-cloud contract
  TOPIC_INVALID: { message: 'topic is not in the v2x namespace', retryable: false, exitCode: 2 },
  PAYLOAD_UNDECODABLE: { message: 'payload cannot be decoded', retryable: false, exitCode: 2 },
  PAYLOAD_INVALID: { message: 'payload does not match its schema', retryable: false, exitCode: 2 },
  PAYLOAD_TOO_LARGE: { message: 'payload is larger than allowed', retryable: false, exitCode: 2 },
  COMMAND_UNKNOWN: { message: 'unknown command type', retryable: false, exitCode: 2 },
  COMMAND_PARAMS_INVALID: { message: 'invalid command parameters', retryable: false, exitCode: 2 },

  // simulator inputs
  ROAD_NETWORK_INVALID: { message: 'invalid road network', retryable: false, exitCode: 2 },
  ROAD_NETWORK_UNREADABLE: { message: 'cannot read the road network file', retryable: false, exitCode: 2 },
  SCENARIO_INVALID: { message: 'invalid scenario', retryable: false, exitCode: 2 },
  SCENARIO_UNREADABLE: { message: 'cannot read the scenario file', retryable: false, exitCode: 2 },
  TRACE_INVALID: { message: 'invalid trace', retryable: false, exitCode: 2 },
  TRACE_UNREADABLE: { message: 'cannot read the trace file', retryable: false, exitCode: 2 },

  // MQTT client sessions (simulator/mqtt)
  MQTT_CONNECT_FAILED: { message: 'could not reach the MQTT broker', retryable: true, exitCode: 1 },
  MQTT_CONNECT_TIMEOUT: { message: 'the MQTT broker did not answer CONNECT in time', retryable: true, exitCode: 1 },
  MQTT_CONNECT_REFUSED: { message: 'the MQTT broker refused the connection', retryable: false, exitCode: 1 },
  MQTT_BAD_CREDENTIALS: { message: 'the MQTT broker refused the username or password', retryable: false, exitCode: 2 },
  MQTT_NOT_AUTHORIZED: { message: 'the MQTT broker refused the client: not authorized', retryable: false, exitCode: 2 },
  MQTT_SERVER_UNAVAILABLE: { message: 'the MQTT broker is unavailable or busy', retryable: true, exitCode: 1 },
  MQTT_KEEPALIVE_TIMEOUT: { message: 'the MQTT broker did not answer PINGREQ in time', retryable: true, exitCode: 1 },
  MQTT_PROTOCOL_ERROR: { message: 'malformed or unexpected MQTT packet', retryable: true, exitCode: 1 },
  MQTT_PUBLISH_REJECTED: { message: 'the MQTT broker rejected a publish', retryable: false, exitCode: 1 },
  MQTT_SUBSCRIBE_REFUSED: { message: 'the MQTT broker refused the subscription', retryable: false, exitCode: 1 },
  MQTT_SESSION_CLOSED: { message: 'the MQTT session is closed', retryable: false, exitCode: 1 },

  // geofencing (backend/services/geofencing)
  GEOFENCE_INVALID: { message: 'invalid geofence', retryable: false, exitCode: 2 },
  GEOFENCE_NOT_FOUND: { message: 'no such geofence', retryable: false, exitCode: 2 },

  // simulated vehicles (simulator/fleet, simulator/vehicle)
  SHARD_INVALID: { message: 'invalid shard (expected i/n with 0 <= i < n)', retryable: false, exitCode: 2 },

  // load testing (loadtest/)
  THRESHOLD_INVALID: { message: 'invalid threshold expression', retryable: false, exitCode: 2 },
  LOADTEST_REPORT_INVALID: { message: 'not a v2x load-test JSON report', retryable: false, exitCode: 2 },
  LOADTEST_ABORTED: { message: 'the load test was aborted by a failing threshold', retryable: false, exitCode: 99 },

  // remote commands and the REST API (backend/services/commands, backend/api)
  COMMAND_NOT_FOUND: { message: 'no such command', retryable: false, exitCode: 1 },
  VEHICLE_NOT_FOUND: { message: 'no such vehicle', retryable: false, exitCode: 1 },
  VALIDATION_FAILED: { message: 'invalid request', retryable: false, exitCode: 2 },
  UNAUTHORIZED: { message: 'missing or invalid bearer token', retryable: false, exitCode: 2 },
  FORBIDDEN: { message: 'the token has not the role this needs', retryable: false, exitCode: 2 },
  CONFLICT: { message: 'conflict with the current state', retryable: false, exitCode: 1 },
  NOT_READY: { message: 'the service is still starting', retryable: true, exitCode: 1 },
  API_UNREACHABLE: { message: 'cannot reach the API', retryable: true, exitCode: 1 },
  ROUTE_NOT_FOUND: { message: 'no such route', retryable: false, exitCode: 2 },
  METHOD_NOT_ALLOWED: { message: 'method not allowed on this route', retryable: false, exitCode: 2 },
  URI_TOO_LONG: { message: 'the request URI is too long', retryable: false, exitCode: 2 },
  MEDIA_TYPE_UNSUPPORTED: { message: 'unsupported request content type', retryable: false, exitCode: 2 },

  INTERNAL: { message: 'internal error', retryable: false, exitCode: 1 },

  // the Kafka write path (backend/kafka/writer.ts)
  KAFKA_RECORD_REFUSED: { message: 'Kafka refused the record for good', retryable: false, exitCode: 1 },
  KAFKA_PRODUCER_CLOSED: { message: 'the Kafka producer is closed', retryable: false, exitCode: 1 },
  // security (issue 19)
  TIMESTAMP_AHEAD: { message: 'the timestamp is further ahead of the receiving clock than allowed', retryable: false, exitCode: 2 },
  DEMO_CREDENTIALS: { message: 'refusing to start with the public demo credentials', retryable: false, exitCode: 2 },
} as const satisfies Record<string, ErrorSpec>;

export type ErrorCode = keyof typeof errorCatalogue;

export interface V2xErrorOptions {
  /** Machine-readable details (the field, the rule, the offending value...). */
  readonly details?: Record<string, unknown>;
  readonly cause?: unknown;
}

export class V2xError extends Error {
  readonly code: ErrorCode;
  readonly retryable: boolean;
  readonly exitCode: number;
  readonly details: Record<string, unknown>;

  constructor(code: ErrorCode, detail?: string, options: V2xErrorOptions = {}) {
    const spec: ErrorSpec = errorCatalogue[code];
    super(detail ? `${spec.message}: ${detail}` : spec.message, { cause: options.cause });
    this.name = 'V2xError';
    this.code = code;
    this.retryable = spec.retryable;
    this.exitCode = spec.exitCode;
    this.details = options.details ?? {};
  }

  toJSON(): { code: ErrorCode; message: string; retryable: boolean; details: Record<string, unknown> } {
    return { code: this.code, message: this.message, retryable: this.retryable, details: this.details };
  }
}

export function isV2xError(err: unknown, code?: ErrorCode): err is V2xError {
  return err instanceof V2xError && (code === undefined || err.code === code);
}

/** Wraps anything thrown into a V2xError, keeping V2xErrors as they are. */
export function toV2xError(err: unknown, fallback: ErrorCode = 'INTERNAL'): V2xError {
  if (err instanceof V2xError) return err;
  const message = err instanceof Error ? err.message : String(err);
  return new V2xError(fallback, message, { cause: err });
}

/**
 * Rebuilds an error that crossed a thread or process boundary as {code, message} (its message
 * already carries the catalogue's text); an unknown code becomes INTERNAL.
 */
export function errorFromWire(code: string, message: string): V2xError {
  const known = (Object.keys(errorCatalogue) as ErrorCode[]).find((c) => c === code) ?? 'INTERNAL';
  const prefix = `${errorCatalogue[known].message}: `;
  return new V2xError(known, message.startsWith(prefix) ? message.slice(prefix.length) : message);
}
