/**
 * The remote command catalogue and the command messages. A command request goes cloud -> car on
 * `v2x/v1/{vin}/cmd/req`; the car answers on `v2x/v1/{vin}/cmd/res` with `delivered` at once, then
 * `succeeded` or `failed`, or `rejected` when it will not run it (expired, unsupported, busy).
 * MQTT 5 clients also get the response topic and the commandId as correlation data; MQTT 3.1.1
 * clients rely on the fixed cmd/res topic and the commandId in the payload.
 */
import { Type, type Static, type TObject, type TProperties } from '@sinclair/typebox';
import { closed, EpochMs, Id, Position, Scaled, StringEnum, Vin } from './common.js';

export interface CommandMeta {
  /** Human label for the dashboard and the CLI. */
  readonly label: string;
  readonly description: string;
  /** True when the car's state changes (lock state, climate...); false for locate, honk... */
  readonly changesState: boolean;
  /** How long a simulated car takes to execute it, [min, max] ms. */
  readonly delayMs: readonly [number, number];
}

const NoParams = Type.Object({}, closed);

function command<P extends TObject>(params: P, meta: CommandMeta) {
  return { params, ...meta };
}

export const commandCatalogue = {
  lock: command(NoParams, { label: 'Lock', description: 'lock all doors', changesState: true, delayMs: [300, 1500] }),
  unlock: command(NoParams, { label: 'Unlock', description: 'unlock all doors', changesState: true, delayMs: [300, 1500] }),
  open_trunk: command(NoParams, { label: 'Open trunk', description: 'unlatch the trunk', changesState: true, delayMs: [500, 2000] }),
  flash_lights: command(NoParams, {
    label: 'Flash lights',
    description: 'flash the hazard lights a few times',
    changesState: false,
    delayMs: [200, 800],
  }),
  honk: command(NoParams, { label: 'Honk', description: 'sound the horn briefly', changesState: false, delayMs: [200, 800] }),
  climate_start: command(
    Type.Object(
      { targetC: Scaled('u8', 2, { minimum: 16, maximum: 28, multipleOf: 0.5, description: 'set point, degC, 0.5 steps' }) },
      closed,
    ),
    { label: 'Start climate', description: 'pre-condition the cabin to a temperature', changesState: true, delayMs: [1000, 4000] },
  ),
  climate_stop: command(NoParams, {
    label: 'Stop climate',
    description: 'stop pre-conditioning',
    changesState: true,
    delayMs: [500, 2000],
  }),
  start_charging: command(NoParams, {
    label: 'Start charging',
    description: 'start charging when plugged in (EV, PHEV)',
    changesState: true,
    delayMs: [1000, 5000],
  }),
  stop_charging: command(NoParams, { label: 'Stop charging', description: 'stop charging', changesState: true, delayMs: [1000, 3000] }),
  set_speed_limit: command(Type.Object({ kmh: Type.Integer({ minimum: 30, maximum: 250, description: 'top speed, km/h' }) }, closed), {
    label: 'Set speed limit',
    description: 'limit the top speed (valet, young driver)',
    changesState: true,
    delayMs: [500, 2000],
  }),
  locate: command(NoParams, {
    label: 'Locate',
    description: 'report the current position in the result',
    changesState: false,
    delayMs: [200, 1000],
  }),
  activate_feature: command(
    Type.Object(
      {
        featureId: Type.String({
          minLength: 1,
          maxLength: 64,
          pattern: '^[a-z0-9][a-z0-9_.-]*$',
          description: 'feature on demand, e.g. heated_seats',
        }),
      },
      closed,
    ),
    { label: 'Activate feature', description: 'enable a feature on demand', changesState: true, delayMs: [2000, 8000] },
  ),
} as const;

export type CommandType = keyof typeof commandCatalogue;
export const COMMAND_TYPES = Object.keys(commandCatalogue) as CommandType[];
export type CommandParams<T extends CommandType> = Static<(typeof commandCatalogue)[T]['params']>;

export function isCommandType(s: unknown): s is CommandType {
  return typeof s === 'string' && Object.hasOwn(commandCatalogue, s);
}

function requestOf<T extends CommandType>(type: T) {
  const props = {
    commandId: Id('unique id chosen by the backend; the correlation id of the results'),
    vin: Vin(),
    type: Type.Literal(type),
    params: commandCatalogue[type].params as (typeof commandCatalogue)[T]['params'],
    issuedAt: EpochMs('when the backend issued it'),
    expiresAt: EpochMs('issuedAt + TTL; a car rejects it after this'),
  } satisfies TProperties;
  return Type.Object(props, closed);
}

export const commandRequestVariants = {
  lock: requestOf('lock'),
  unlock: requestOf('unlock'),
  open_trunk: requestOf('open_trunk'),
  flash_lights: requestOf('flash_lights'),
  honk: requestOf('honk'),
  climate_start: requestOf('climate_start'),
  climate_stop: requestOf('climate_stop'),
  start_charging: requestOf('start_charging'),
  stop_charging: requestOf('stop_charging'),
  set_speed_limit: requestOf('set_speed_limit'),
  locate: requestOf('locate'),
  activate_feature: requestOf('activate_feature'),
} as const;

const r = commandRequestVariants;
export const CommandRequestSchema = Type.Union([
  r.lock,
  r.unlock,
  r.open_trunk,
  r.flash_lights,
  r.honk,
  r.climate_start,
  r.climate_stop,
  r.start_charging,
  r.stop_charging,
  r.set_speed_limit,
  r.locate,
  r.activate_feature,
]);
export type CommandRequest = Static<typeof CommandRequestSchema>;
export type CommandRequestOf<T extends CommandType> = Extract<CommandRequest, { type: T }>;

export const COMMAND_STATUSES = ['delivered', 'succeeded', 'failed', 'rejected'] as const;
export type CommandStatus = (typeof COMMAND_STATUSES)[number];

/** Machine-readable reasons a car gives with `failed` or `rejected`. */
export const COMMAND_REASONS = [
  'expired',
  'unsupported',
  'invalid_params',
  'busy',
  'precondition_failed',
  'timeout',
  'internal_error',
] as const;

export const CommandResultSchema = Type.Object(
  {
    commandId: Id('the commandId of the request'),
    vin: Vin(),
    status: StringEnum(COMMAND_STATUSES),
    ts: EpochMs("car's clock"),
    reason: Type.Optional(StringEnum(COMMAND_REASONS, 'required with failed and rejected')),
    message: Type.Optional(Type.String({ minLength: 1, maxLength: 200, description: 'human detail' })),
    position: Type.Optional(Position()),
    receivedAt: Type.Optional(EpochMs("car's clock when the request arrived, for hop latencies")),
  },
  closed,
);
export type CommandResult = Static<typeof CommandResultSchema>;
export type CommandReason = (typeof COMMAND_REASONS)[number];
