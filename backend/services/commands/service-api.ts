/** What the command service offers the REST routes, geofencing actions and the dashboard (service.ts builds it). */
import type { CommandType } from '../../../protocol/index.js';
import type { CommandEvents } from './events.js';
import type { CommandSnapshot, LifecycleState } from './types.js';

export interface CreateRequest {
  readonly vin: string;
  readonly type: CommandType;
  readonly params: Readonly<Record<string, unknown>>;
  readonly ttlSeconds: number;
  readonly idempotencyKey?: string;
  readonly principal: string;
  /** The car timestamp of the fix that caused it (a fence action): carried to the car for the hop times (decision 0030). */
  readonly causeTs?: number;
}

export interface CommandService {
  readonly events: CommandEvents;
  /** Creates (or, with the same idempotency key and body, returns) a command. Throws CONFLICT. */
  create(req: CreateRequest): Promise<{ readonly snapshot: CommandSnapshot; readonly replay: boolean }>;
  get(commandId: string): CommandSnapshot | undefined;
  /**
   * Resolves once the command is in a terminal state (at once if it already is), or after
   * timeoutMs, or when the signal aborts; with its snapshot then (undefined: unknown command).
   */
  settled(commandId: string, timeoutMs: number, signal?: AbortSignal): Promise<CommandSnapshot | undefined>;
  list(vin: string, status?: LifecycleState): CommandSnapshot[];
  /** Throws COMMAND_NOT_FOUND or CONFLICT (already delivered or finished). */
  cancel(commandId: string, principal: string): Promise<CommandSnapshot>;
  isKnownVin(vin: string): boolean;
  close(): Promise<void>;
}
