/**
 * Remote commands on the car: a pure decision from the request and the car's state at receipt.
 *
 * - not a valid request (unknown type, bad params, another VIN) -> rejected unsupported/invalid_params;
 *   expired -> rejected expired; a state-changing command while another is executing -> rejected busy;
 * - the rules: open_trunk while moving (> 1 km/h) -> rejected precondition_failed; start/stop_charging
 *   on a combustion car -> rejected unsupported; lock/unlock/climate_stop/charging already in that
 *   state -> succeeded (idempotent); locate -> succeeded with the position; activate_feature of a
 *   feature not offered -> rejected unsupported;
 * - accepted -> `delivered` now, then `succeeded` (or, with commandFailureRate, `failed`) after a delay
 *   drawn from the catalogue's delayMs range (times config.commandDelayScale); the caller applies `effect` (applyCommandEffect) and
 *   sends `result` at effectAtMs.
 * A commandId seen before executes nothing and answers the same result (dedup of redelivery).
 */
import { commandMeta, isExpired } from '../../protocol/commands.js';
import { validateCommandRequest } from '../../protocol/messages.js';
import type { CommandReason, CommandRequest, CommandResult } from '../../protocol/schemas/commands.js';
import type { CarSpec } from '../fleet/generate.js';
import type { Rng } from '../../core/random.js';
import type { CarKinematics } from '../traffic/kinematics.js';
import type { CommandEffect } from './command-effects.js';
import type { VehicleConfig } from './config.js';
import { F, F2, type VehicleState } from './state.js';

/** Features on demand a car offers. */
export const FEATURES = [
  'heated_seats',
  'heated_steering_wheel',
  'adaptive_cruise',
  'matrix_lights',
  'navigation_plus',
  'remote_park',
  'performance_boost',
] as const;

/** How many answered commandIds a car remembers for deduplication. */
export const DEDUP_WINDOW = 64;

interface Seen {
  readonly result: CommandResult;
  readonly effectAtMs: number;
}

/** Per-car command memory (immutable: each outcome carries the next one). */
export interface CarCommandState {
  readonly seen: ReadonlyMap<string, Seen>;
  /** A state-changing command executes until then. */
  readonly busyUntilMs: number;
  readonly features: readonly string[];
}

export const EMPTY_COMMAND_STATE: CarCommandState = Object.freeze({ seen: new Map<string, Seen>(), busyUntilMs: 0, features: [] });

export interface CommandContext {
  readonly car: CarSpec;
  readonly state: VehicleState;
  readonly index: number;
  /** Where the car is and how fast it goes. */
  readonly kin: CarKinematics;
  /** The car's clock, ms. */
  readonly nowMs: number;
  readonly rng: Rng;
  readonly config: Pick<VehicleConfig, 'commandFailureRate' | 'commandDelayScale' | 'remoteClimateMin'>;
  readonly commands: CarCommandState;
}

export interface CommandOutcome {
  /** The car's command memory after this request. */
  readonly commands: CarCommandState;
  /** Send at once: the car has the command and will execute it (absent for rejections and duplicates). */
  readonly delivered?: CommandResult;
  /** Send at effectAtMs: succeeded, failed or rejected. */
  readonly result: CommandResult;
  /** Apply at effectAtMs (applyCommandEffect). */
  readonly effect?: CommandEffect;
  readonly effectAtMs: number;
  /** True when the commandId had been seen: nothing executes again. */
  readonly duplicate: boolean;
}

type Decision =
  | { readonly ok: false; readonly reason: CommandReason; readonly message: string }
  | {
      readonly ok: true;
      readonly effect?: CommandEffect;
      readonly message?: string;
      readonly position?: boolean;
      readonly feature?: string;
    };

const reject = (reason: CommandReason, message: string): Decision => ({ ok: false, reason, message });

function decide(ctx: CommandContext, req: CommandRequest): Decision {
  const { car, state: s, index: i } = ctx;
  const f = s.flags[i] as number;
  const f2 = s.flags2[i] as number;
  const kmh = Math.max(0, ctx.kin.speedMps) * 3.6;
  const electric = car.powertrain === 'bev';
  switch (req.type) {
    case 'lock':
      if ((f & F.LOCKED) !== 0) return { ok: true, message: 'already locked' };
      if ((f & (F.DOOR_FL | F.DOOR_FR | F.DOOR_RL | F.DOOR_RR)) !== 0) return reject('precondition_failed', 'cannot lock: a door is open');
      return { ok: true, effect: { kind: 'lock', locked: true } };
    case 'unlock':
      if ((f & F.LOCKED) === 0) return { ok: true, message: 'already unlocked' };
      return { ok: true, effect: { kind: 'lock', locked: false } };
    case 'open_trunk':
      if (kmh > 1)
        return reject('precondition_failed', `the car is moving (${Math.round(kmh)} km/h): the trunk opens only at a standstill`);
      if ((f & F.TRUNK) !== 0) return { ok: true, message: 'trunk already open' };
      return { ok: true, effect: { kind: 'trunk', open: true } };
    case 'flash_lights':
    case 'honk':
      return { ok: true };
    case 'climate_start':
      return { ok: true, effect: { kind: 'climate', on: true, targetC: req.params.targetC, remoteS: ctx.config.remoteClimateMin * 60 } };
    case 'climate_stop':
      if ((f & F.CLIMATE) === 0) return { ok: true, message: 'climate already off' };
      return { ok: true, effect: { kind: 'climate', on: false } };
    case 'start_charging':
      if (!electric) return reject('unsupported', `a combustion car (${car.make} ${car.model}) cannot charge`);
      if ((f2 & F2.CHARGING) !== 0) return { ok: true, message: 'already charging' };
      if ((f2 & F2.PLUGGED) === 0) return reject('precondition_failed', 'the charging cable is not connected');
      if ((s.energy[i] as number) >= car.capacity * 0.995) return reject('precondition_failed', 'the battery is full');
      return { ok: true, effect: { kind: 'charging', on: true } };
    case 'stop_charging':
      if (!electric) return reject('unsupported', `a combustion car (${car.make} ${car.model}) cannot charge`);
      if ((f2 & F2.CHARGING) === 0) return { ok: true, message: 'not charging' };
      return { ok: true, effect: { kind: 'charging', on: false } };
    case 'set_speed_limit':
      return { ok: true, effect: { kind: 'speed_limit', kmh: req.params.kmh } };
    case 'locate':
      return { ok: true, position: true };
    case 'activate_feature': {
      const id = req.params.featureId;
      if (!(FEATURES as readonly string[]).includes(id)) return reject('unsupported', `feature '${id}' is not offered for this car`);
      if (ctx.commands.features.includes(id)) return { ok: true, message: `${id} already active` };
      return { ok: true, feature: id };
    }
  }
}

function remember(commands: CarCommandState, id: string, seen: Seen, busyUntilMs: number, features: readonly string[]): CarCommandState {
  const next = new Map(commands.seen);
  next.set(id, seen);
  while (next.size > DEDUP_WINDOW) {
    const oldest = next.keys().next();
    if (oldest.done === true) break;
    next.delete(oldest.value);
  }
  return { seen: next, busyUntilMs, features };
}

function idOf(value: unknown, key: string): string | undefined {
  if (typeof value !== 'object' || value === null) return undefined;
  const v = (value as Record<string, unknown>)[key];
  return typeof v === 'string' ? v : undefined;
}

/**
 * Decides what the car does with a request (any decoded value: it is validated here). Returns
 * undefined when the value has no usable commandId to answer to (nothing can be sent back).
 */
export function handleCommand(ctx: CommandContext, request: unknown): CommandOutcome | undefined {
  const { car, nowMs } = ctx;
  const now = Math.round(nowMs);
  const commandId = idOf(request, 'commandId');
  if (commandId === undefined || !/^[A-Za-z0-9_.:-]{1,64}$/.test(commandId)) return undefined;
  const base = { commandId, vin: car.vin };

  const previous = ctx.commands.seen.get(commandId);
  if (previous !== undefined) {
    return { commands: ctx.commands, result: previous.result, effectAtMs: Math.max(now, previous.effectAtMs), duplicate: true };
  }
  const rejected = (reason: CommandReason, message: string): CommandOutcome => {
    const result: CommandResult = { ...base, status: 'rejected', ts: now, reason, message };
    return {
      commands: remember(ctx.commands, commandId, { result, effectAtMs: now }, ctx.commands.busyUntilMs, ctx.commands.features),
      result,
      effectAtMs: now,
      duplicate: false,
    };
  };

  const checked = validateCommandRequest(request);
  if (!checked.ok) {
    const type = idOf(request, 'type');
    if (type === undefined || commandMeta(type) === undefined) return rejected('unsupported', `unknown command type '${String(type)}'`);
    return rejected('invalid_params', checked.issue.message.slice(0, 200) || 'invalid request');
  }
  const req = checked.value;
  if (req.vin !== car.vin) return rejected('invalid_params', `addressed to ${req.vin}, not this car`);
  if (isExpired(req, now)) return rejected('expired', `expired at ${new Date(req.expiresAt).toISOString()}`);
  const meta = commandMeta(req.type);
  if (meta === undefined) return rejected('unsupported', `unknown command type '${req.type}'`);
  if (meta.changesState && now < ctx.commands.busyUntilMs) return rejected('busy', 'another command is executing');

  const d = decide(ctx, req);
  if (!d.ok) return rejected(d.reason, d.message);

  const delay = Math.round(ctx.rng.int(meta.delayMs[0], meta.delayMs[1]) * ctx.config.commandDelayScale);
  const at = now + delay;
  const failed = meta.changesState && (d.effect !== undefined || d.feature !== undefined) && ctx.rng.chance(ctx.config.commandFailureRate);
  let result: CommandResult;
  if (failed) {
    const reason: CommandReason = ctx.rng.chance(0.5) ? 'timeout' : 'internal_error';
    result = {
      ...base,
      status: 'failed',
      ts: at,
      reason,
      message: reason === 'timeout' ? 'the actuator did not respond in time' : 'the ECU reported an error',
    };
  } else {
    result = { ...base, status: 'succeeded', ts: at };
    if (d.message !== undefined) result.message = d.message;
    if (d.position === true) result.position = { lat: Math.round(ctx.kin.lat * 1e7) / 1e7, lon: Math.round(ctx.kin.lon * 1e7) / 1e7 };
  }
  const features = !failed && d.feature !== undefined ? [...ctx.commands.features, d.feature] : ctx.commands.features;
  const busyUntil = meta.changesState ? at : ctx.commands.busyUntilMs;
  const outcome: CommandOutcome = {
    commands: remember(ctx.commands, commandId, { result, effectAtMs: at }, busyUntil, features),
    delivered: { ...base, status: 'delivered', ts: now },
    result,
    effectAtMs: at,
    duplicate: false,
  };
  return failed || d.effect === undefined ? outcome : { ...outcome, effect: d.effect };
}
