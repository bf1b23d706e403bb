/**
 * One validator per message kind, compiled once at import. `validateMessage` never throws (the
 * bridge's path); `assertMessage` throws the same issue as a V2xError.
 */
import type { TSchema } from '@sinclair/typebox';
import type { ErrorCode } from '../core/errors.js';
import { issueToError, type Result } from './issues.js';
import type { MessageKind } from './kinds.js';
import {
  commandRequestVariants,
  CommandRequestSchema,
  CommandResultSchema,
  type CommandRequest,
  type CommandResult,
} from './schemas/commands.js';
import { EventSchema, eventVariants, type VehicleEvent } from './schemas/events.js';
import { StatusSchema, statusVariants, type Status } from './schemas/status.js';
import { TelemetrySchema, type Telemetry } from './schemas/telemetry.js';
import { WarningSchema, type CarWarning } from './schemas/warnings.js';
import { compileValidator, discriminatedValidator, type Refinement, type Validator } from './validator.js';

export interface MessageMap {
  telemetry: Telemetry;
  status: Status;
  event: VehicleEvent;
  commandRequest: CommandRequest;
  commandResult: CommandResult;
  warning: CarWarning;
}
export type MessageOf<K extends MessageKind> = MessageMap[K];
export type AnyMessage = MessageMap[MessageKind];

/** First level of the field names in issues, per kind. */
export const messageLabels: Readonly<Record<MessageKind, string>> = {
  telemetry: 'telemetry',
  status: 'status',
  event: 'event',
  commandRequest: 'command',
  commandResult: 'commandResult',
  warning: 'warning',
};

export const messageSchemas: Readonly<Record<MessageKind, TSchema>> = {
  telemetry: TelemetrySchema,
  status: StatusSchema,
  event: EventSchema,
  commandRequest: CommandRequestSchema,
  commandResult: CommandResultSchema,
  warning: WarningSchema,
};

/** Per kind, the discriminating property and the variants of a union schema. */
export const messageVariants: Readonly<
  Partial<Record<MessageKind, { readonly key: string; readonly variants: Readonly<Record<string, TSchema>> }>>
> = {
  status: { key: 'state', variants: statusVariants },
  event: { key: 'type', variants: eventVariants },
  commandRequest: { key: 'type', variants: commandRequestVariants },
};

const afterIssued = (v: { issuedAt: number; expiresAt: number }): Refinement | undefined =>
  v.expiresAt > v.issuedAt ? undefined : { path: '/expiresAt', rule: 'must be after issuedAt', value: v.expiresAt };

function variantsValidator<T>(
  kind: MessageKind,
  unknownCode: ErrorCode,
  make: (label: string, schema: TSchema) => Validator<T>,
): Validator<T> {
  const spec = messageVariants[kind];
  if (spec === undefined) throw new Error(`${kind} has no variants`);
  const label = messageLabels[kind];
  const map = new Map(Object.entries(spec.variants).map(([tag, schema]) => [tag, make(label, schema)] as const));
  return discriminatedValidator(label, spec.key, messageSchemas[kind], map, unknownCode);
}

const paramsCode = (path: string): ErrorCode =>
  path === '/params' || path.startsWith('/params/') ? 'COMMAND_PARAMS_INVALID' : 'PAYLOAD_INVALID';

export const validators: { readonly [K in MessageKind]: Validator<MessageMap[K]> } = {
  telemetry: compileValidator('telemetry', TelemetrySchema),
  status: variantsValidator<Status>('status', 'PAYLOAD_INVALID', (label, s) => compileValidator(label, s) as Validator<Status>),
  event: variantsValidator<VehicleEvent>('event', 'PAYLOAD_INVALID', (label, s) => compileValidator(label, s) as Validator<VehicleEvent>),
  commandRequest: variantsValidator<CommandRequest>(
    'commandRequest',
    'COMMAND_UNKNOWN',
    (label, s) =>
      compileValidator(label, s, { codeFor: paramsCode, refine: (v) => afterIssued(v as CommandRequest) }) as Validator<CommandRequest>,
  ),
  commandResult: compileValidator('commandResult', CommandResultSchema, {
    refine: (v) =>
      (v.status === 'failed' || v.status === 'rejected') && v.reason === undefined
        ? { path: '/reason', rule: `is required when status is ${v.status}`, value: undefined }
        : undefined,
  }),
  warning: compileValidator('warning', WarningSchema, { refine: afterIssued }),
};

/** Checks an already-parsed value against the kind's schema. Never throws. */
export function validateMessage<K extends MessageKind>(kind: K, value: unknown): Result<MessageMap[K]> {
  return (validators[kind] as Validator<MessageMap[K]>).validate(value);
}

/** Like validateMessage, but returns the value typed or throws V2xError (PAYLOAD_INVALID, COMMAND_*). */
export function assertMessage<K extends MessageKind>(kind: K, value: unknown): MessageMap[K] {
  const r = validateMessage(kind, value);
  if (r.ok) return r.value;
  throw issueToError(r.issue);
}

export const validateTelemetry = (value: unknown): Result<Telemetry> => validators.telemetry.validate(value);
export const validateStatus = (value: unknown): Result<Status> => validators.status.validate(value);
export const validateEvent = (value: unknown): Result<VehicleEvent> => validators.event.validate(value);
export const validateCommandRequest = (value: unknown): Result<CommandRequest> => validators.commandRequest.validate(value);
export const validateCommandResult = (value: unknown): Result<CommandResult> => validators.commandResult.validate(value);
export const validateWarning = (value: unknown): Result<CarWarning> => validators.warning.validate(value);
