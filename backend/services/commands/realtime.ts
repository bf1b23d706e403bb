/** A command lifecycle transition as the dashboards receive it over socket.io. */
import type { CommandTransitionMsg } from '../../dashboard/hub/events.js';
import type { Transition } from './types.js';

export function transitionMessage(t: Transition): CommandTransitionMsg {
  const s = t.snapshot;
  return {
    commandId: t.commandId,
    vin: t.vin,
    type: s.type,
    from: t.from,
    to: t.to,
    at: t.at,
    principal: s.principal,
    ...(s.reason !== undefined ? { reason: s.reason } : {}),
    ...(s.message !== undefined ? { message: s.message } : {}),
  };
}
