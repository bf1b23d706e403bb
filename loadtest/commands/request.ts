/**
 * The command request the runner sends for a picked (car, type): the protocol's request
 * (createCommandRequest validates it), with fixed, valid parameters for the types that take any,
 * and a time to live of the scenario's command timeout (a car rejects it `expired` after that).
 */
import { createCommandRequest } from '../../protocol/commands.js';
import { isCommandType, type CommandRequest, type CommandType } from '../../protocol/schemas/commands.js';
import { V2xError } from '../../core/errors.js';
import type { NextCommand } from './tracker.js';

/** The parameters sent with each type (the others take none). */
export const LOADTEST_COMMAND_PARAMS: Readonly<Partial<Record<CommandType, Readonly<Record<string, unknown>>>>> = {
  climate_start: { targetC: 21 },
  set_speed_limit: { kmh: 120 },
  activate_feature: { featureId: 'heated_seats' },
};

export function loadtestCommandRequest(next: NextCommand, issuedAt: number, ttlMs: number): CommandRequest {
  const type = next.type;
  if (!isCommandType(type)) throw new V2xError('COMMAND_UNKNOWN', `unknown command type "${type}"`);
  return createCommandRequest({
    commandId: next.commandId,
    vin: next.vin,
    type,
    params: (LOADTEST_COMMAND_PARAMS[type] ?? {}) as never,
    issuedAt,
    ttlMs: Math.max(1, Math.round(ttlMs)),
  });
}
