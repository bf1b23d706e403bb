/**
 * Command helpers on top of the catalogue: params validation (COMMAND_UNKNOWN,
 * COMMAND_PARAMS_INVALID), building a request from a TTL, expiry, and the result a car sends.
 */
import { fail, issueToError, makeIssue, type Result } from './issues.js';
import { validators } from './messages.js';
import {
  COMMAND_TYPES,
  commandCatalogue,
  isCommandType,
  type CommandParams,
  type CommandRequest,
  type CommandRequestOf,
  type CommandType,
} from './schemas/commands.js';
import { compileValidator, type Validator } from './validator.js';

const paramsValidators = Object.fromEntries(
  COMMAND_TYPES.map((t) => [
    t,
    compileValidator('command.params', commandCatalogue[t].params, { codeFor: () => 'COMMAND_PARAMS_INVALID' }),
  ]),
) as { [T in CommandType]: Validator<CommandParams<T>> };

/** Checks the params of a command type (for the REST API before it issues a command). */
export function validateCommandParams<T extends CommandType>(type: T, params: unknown): Result<CommandParams<T>>;
export function validateCommandParams(type: string, params: unknown): Result<unknown>;
export function validateCommandParams(type: string, params: unknown): Result<unknown> {
  if (!isCommandType(type)) return fail(makeIssue('COMMAND_UNKNOWN', 'command.type', `must be one of ${COMMAND_TYPES.join(', ')}`, type));
  return paramsValidators[type].validate(params);
}

export interface NewCommand<T extends CommandType> {
  readonly commandId: string;
  readonly vin: string;
  readonly type: T;
  readonly params: CommandParams<T>;
  /** Backend clock, ms. */
  readonly issuedAt: number;
  /** Time to live, ms (> 0): expiresAt = issuedAt + ttlMs. */
  readonly ttlMs: number;
}

/** Builds a validated command request; throws COMMAND_UNKNOWN, COMMAND_PARAMS_INVALID or PAYLOAD_INVALID. */
export function createCommandRequest<T extends CommandType>(input: NewCommand<T>): CommandRequestOf<T> {
  const request = {
    commandId: input.commandId,
    vin: input.vin,
    type: input.type,
    params: input.params,
    issuedAt: input.issuedAt,
    expiresAt: input.issuedAt + input.ttlMs,
  };
  const r = validators.commandRequest.validate(request);
  if (!r.ok) throw issueToError(r.issue);
  return r.value as CommandRequestOf<T>;
}

/** True when `now` (ms) is at or past the request's expiresAt: the car rejects it as `expired`. */
export function isExpired(request: Pick<CommandRequest, 'expiresAt'>, now: number): boolean {
  return now >= request.expiresAt;
}

/** The catalogue entry (label, changesState, delayMs...) of a command type, or undefined. */
export function commandMeta(type: string): (typeof commandCatalogue)[CommandType] | undefined {
  return isCommandType(type) ? commandCatalogue[type] : undefined;
}
