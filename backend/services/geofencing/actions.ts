/**
 * Fence actions: a command the evaluator fired on enter or exit goes to the command service like
 * any REST command, so it is validated, audited (principal `geofence:<fenceId>`) and tracked
 * through its lifecycle. The action's deterministic key (fenceId/vin/trigger/ts/index) is the
 * idempotency key, so a redelivered position creates no second command. A process without the
 * `commands` role cannot send: the action is counted (outcome no_command_service) and logged.
 * See docs/decisions/0013-geofence-actions.md.
 */
import { logger } from '../../../core/log.js';
import type { CommandService } from '../commands/service.js';
import type { GeofencingMetrics } from './metrics.js';
import type { CommandToSend } from './types.js';

const log = logger('geofencing');

export interface ActionSender {
  /** `causeTs`: the car timestamp of the fix that fired it (carried to the car for the hop times). */
  send(command: CommandToSend, causeTs?: number): Promise<void>;
}

/**
 * Runs `run` for every item, side by side across keys and one after another within a key (in the
 * order given); resolves when all have. Fence actions go through it keyed by VIN: the actions of
 * different cars do not wait for each other, a car's exit action is created after its enter's.
 */
export async function inOrderPerKey<T>(items: Iterable<T>, keyOf: (item: T) => string, run: (item: T) => Promise<void>): Promise<void> {
  const chains = new Map<string, Promise<void>>();
  for (const item of items) {
    const key = keyOf(item);
    const before = chains.get(key);
    chains.set(key, before === undefined ? run(item) : before.then(() => run(item)));
  }
  await Promise.all(chains.values());
}

export function principalOf(fenceId: string): string {
  return `geofence:${fenceId}`;
}

export function actionSender(commands: CommandService | undefined, ttlSeconds: number, metrics: GeofencingMetrics): ActionSender {
  let warned = false;
  return {
    async send(c, causeTs) {
      if (commands === undefined) {
        metrics.action('no_command_service');
        const fields = { fenceId: c.fenceId, vin: c.vin, type: c.type, key: c.key };
        if (!warned) {
          warned = true;
          log.warn(fields, 'fence action dropped: this process does not run the commands role (run geofencing with commands)');
        } else log.debug(fields, 'fence action dropped: no commands role');
        return;
      }
      try {
        const { snapshot, replay } = await commands.create({
          vin: c.vin,
          type: c.type,
          params: c.params,
          ttlSeconds,
          idempotencyKey: c.key,
          principal: principalOf(c.fenceId),
          ...(causeTs === undefined ? {} : { causeTs }),
        });
        metrics.action(replay ? 'replay' : 'created');
        log.debug({ fenceId: c.fenceId, vin: c.vin, commandId: snapshot.commandId, replay }, 'fence action sent');
      } catch (err) {
        metrics.action('failed');
        log.error({ err, fenceId: c.fenceId, vin: c.vin, type: c.type, key: c.key }, 'fence action failed');
      }
    },
  };
}
