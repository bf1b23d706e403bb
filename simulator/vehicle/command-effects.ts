/**
 * What an accepted command changes on the car, applied by the caller at effectAtMs (after the
 * execution delay). Kept apart from the decision (commands.ts) so the decision stays a pure
 * function of the request and the state at receipt.
 */
import type { EventDraft } from './events.js';
import { F, F2, type VehicleState } from './state.js';

export type CommandEffect =
  | { readonly kind: 'lock'; readonly locked: boolean }
  | { readonly kind: 'trunk'; readonly open: boolean }
  | { readonly kind: 'climate'; readonly on: boolean; readonly targetC?: number; readonly remoteS?: number }
  | { readonly kind: 'charging'; readonly on: boolean }
  | { readonly kind: 'speed_limit'; readonly kmh: number };

/** Applies an effect to car i; appends the events it causes (lock and trunk changes). */
export function applyCommandEffect(s: VehicleState, i: number, effect: CommandEffect, events: EventDraft[]): void {
  let f = s.flags[i] as number;
  let f2 = s.flags2[i] as number;
  switch (effect.kind) {
    case 'lock':
      if (((f & F.LOCKED) !== 0) !== effect.locked) {
        f = effect.locked ? f | F.LOCKED : f & ~F.LOCKED;
        events.push({ type: 'lock', locked: effect.locked, source: 'remote' });
      }
      break;
    case 'trunk':
      if (((f & F.TRUNK) !== 0) !== effect.open) {
        f = effect.open ? f | F.TRUNK : f & ~F.TRUNK;
        events.push({ type: 'door', door: 'trunk', open: effect.open });
      }
      break;
    case 'climate':
      if (effect.on) {
        f |= F.CLIMATE;
        if (effect.targetC !== undefined) s.targetC[i] = effect.targetC;
        if ((f & F.IGNITION) === 0) {
          f2 |= F2.REMOTE_CLIMATE;
          s.climateS[i] = effect.remoteS ?? 1200;
        }
      } else {
        f &= ~F.CLIMATE;
        f2 &= ~F2.REMOTE_CLIMATE;
        s.climateS[i] = 0;
      }
      break;
    case 'charging':
      f2 = effect.on ? f2 | F2.CHARGING : f2 & ~F2.CHARGING;
      break;
    case 'speed_limit':
      s.speedLimitKmh[i] = Math.max(0, Math.min(255, Math.round(effect.kmh)));
      break;
  }
  s.flags[i] = f;
  s.flags2[i] = f2;
}
