/** Simulated vehicles: state, step, telemetry, events, status, commands and sleep. Pure, no I/O. */
export {
  vehicleConfig,
  telemetryIntervalMs,
  DEFAULT_VEHICLE_CONFIG,
  type VehicleConfig,
  type VehicleConfigInput,
  type MessageRates,
  type FaultRates,
  type SleepConfig,
} from './config.js';
export { environmentAt, sunElevationDeg, seasonalAmbientC, type Environment } from './environment.js';
export { VehicleState, initVehicle, readVehicle, speedLimitMps, type VehicleSnapshot } from './state.js';
export { stepVehicle } from './step.js';
export { toTelemetry, nextTelemetrySeq, type TelemetryOptions } from './telemetry.js';
export { toEvent, type EventDraft } from './events.js';
export { birthMessage, offlineMessage, lastWill } from './status.js';
export {
  handleCommand,
  EMPTY_COMMAND_STATE,
  FEATURES,
  DEDUP_WINDOW,
  type CarCommandState,
  type CommandContext,
  type CommandOutcome,
} from './commands.js';
export { applyCommandEffect, type CommandEffect } from './command-effects.js';
export { planSleep, AWAKE, type SleepState, type SleepInput, type SleepDecision, type SleepMode } from './sleep.js';
export { DTC } from './faults.js';
