/** Per-kind sugar over codec/index.ts: `decodeX(bytes)` throws, `tryDecodeX(bytes)` returns a Result. */
import { decode, tryDecode } from './codec/index.js';
import type { Result } from './issues.js';
import type { CommandRequest, CommandResult } from './schemas/commands.js';
import type { VehicleEvent } from './schemas/events.js';
import type { Status } from './schemas/status.js';
import type { Telemetry } from './schemas/telemetry.js';
import type { CarWarning } from './schemas/warnings.js';

export const decodeTelemetry = (bytes: Uint8Array): Telemetry => decode('telemetry', bytes);
export const decodeStatus = (bytes: Uint8Array): Status => decode('status', bytes);
export const decodeEvent = (bytes: Uint8Array): VehicleEvent => decode('event', bytes);
export const decodeCommandRequest = (bytes: Uint8Array): CommandRequest => decode('commandRequest', bytes);
export const decodeCommandResult = (bytes: Uint8Array): CommandResult => decode('commandResult', bytes);
export const decodeWarning = (bytes: Uint8Array): CarWarning => decode('warning', bytes);

export const tryDecodeTelemetry = (bytes: Uint8Array): Result<Telemetry> => tryDecode('telemetry', bytes);
export const tryDecodeStatus = (bytes: Uint8Array): Result<Status> => tryDecode('status', bytes);
export const tryDecodeEvent = (bytes: Uint8Array): Result<VehicleEvent> => tryDecode('event', bytes);
export const tryDecodeCommandRequest = (bytes: Uint8Array): Result<CommandRequest> => tryDecode('commandRequest', bytes);
export const tryDecodeCommandResult = (bytes: Uint8Array): Result<CommandResult> => tryDecode('commandResult', bytes);
export const tryDecodeWarning = (bytes: Uint8Array): Result<CarWarning> => tryDecode('warning', bytes);
