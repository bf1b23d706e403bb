/**
 * Turning the events of one input into ordered outputs. Order is total and independent of hash or
 * index order: by ts, then exit < cross < enter < dwell (a car leaves one fence before it enters
 * the next), then fenceId, then VIN. Each enter, and each exit of a car that left, is followed by
 * the commands of the fence's matching actions in their listed order. Exits caused by a fence being
 * deleted, disabled or changed fire no actions: the car did not move.
 */
import type { CompiledFence } from './shape.js';
import type { FenceSet } from './fence-set.js';
import type { CommandToSend, GeofenceEvent, GeofenceEventType, GeofenceOutput } from './types.js';

const RANK: Record<GeofenceEventType, number> = { exit: 0, cross: 1, enter: 2, dwell: 3 };

export function compareEvents(a: GeofenceEvent, b: GeofenceEvent): number {
  return (
    a.ts - b.ts ||
    RANK[a.type] - RANK[b.type] ||
    (a.fenceId < b.fenceId ? -1 : a.fenceId > b.fenceId ? 1 : 0) ||
    (a.vin < b.vin ? -1 : a.vin > b.vin ? 1 : 0)
  );
}

const NO_COMMANDS: readonly CommandToSend[] = Object.freeze([]);

function commandsFor(e: GeofenceEvent, fence: CompiledFence | undefined): readonly CommandToSend[] {
  const actions = fence?.fence.actions;
  if (actions === undefined || actions.length === 0) return NO_COMMANDS;
  const trigger = e.type === 'enter' ? 'enter' : e.type === 'exit' && e.reason === 'left' ? 'exit' : undefined;
  if (trigger === undefined) return NO_COMMANDS;
  const out: CommandToSend[] = [];
  actions.forEach((a, i) => {
    if (a.on !== trigger) return;
    out.push({
      vin: e.vin,
      fenceId: e.fenceId,
      trigger,
      ts: e.ts,
      type: a.command.type,
      params: a.command.params,
      key: `${e.fenceId}/${e.vin}/${trigger}/${e.ts}/${i}`,
    });
  });
  return out;
}

export const NO_OUTPUTS: readonly GeofenceOutput[] = Object.freeze([]);

/** Events (any order; sorted in place, not kept) -> outputs in the order above, actions looked up in `fences`. */
export function toOutputs(events: GeofenceEvent[], fences: FenceSet): readonly GeofenceOutput[] {
  if (events.length === 0) return NO_OUTPUTS;
  if (events.length > 1) events.sort(compareEvents);
  const out: GeofenceOutput[] = [];
  for (const event of events) {
    out.push({ kind: 'event', event });
    for (const command of commandsFor(event, fences.get(event.fenceId))) out.push({ kind: 'command', command });
  }
  return out;
}
