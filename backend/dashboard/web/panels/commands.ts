/**
 * Command buttons of the vehicle panel and the live lifecycle of each command sent to the shown car:
 * POST /vehicles/{vin}/commands, then the hub's 'command' transitions move its row along
 * CREATED → SENT → DELIVERED → SUCCEEDED | FAILED | REJECTED | TIMED_OUT | CANCELED. A transition may
 * arrive before the POST answers, so states only move forward (by rank).
 */
import type { CommandTransitionMsg } from '../../hub/events.js';
import type { Api } from '../api.js';
import { clear, h } from '../dom.js';

export const BUTTONS: readonly { readonly type: string; readonly label: string; readonly params: Record<string, unknown> }[] = [
  { type: 'unlock', label: 'Unlock', params: {} },
  { type: 'lock', label: 'Lock', params: {} },
  { type: 'flash_lights', label: 'Flash lights', params: {} },
  { type: 'honk', label: 'Honk', params: {} },
  { type: 'open_trunk', label: 'Open trunk', params: {} },
  { type: 'climate_start', label: 'Climate 21 °C', params: { targetC: 21 } },
  { type: 'climate_stop', label: 'Climate off', params: {} },
  { type: 'locate', label: 'Locate', params: {} },
];

const RANK: Record<string, number> = { CREATED: 0, SENT: 1, DELIVERED: 2 };
const rank = (s: string): number => RANK[s] ?? 3;

interface Row {
  readonly element: HTMLElement;
  readonly trail: HTMLElement;
  status: string;
  readonly seen: string[];
}

export class CommandsView {
  readonly element: HTMLElement;
  readonly #buttons: HTMLElement;
  readonly #list: HTMLElement;
  readonly #rows = new Map<string, Row>();
  #vin: string | undefined;

  constructor(
    private readonly api: Api,
    canCommand: boolean,
  ) {
    this.#buttons = h('div', { class: 'buttons', testid: 'command-buttons' });
    if (canCommand) {
      for (const b of BUTTONS) {
        const btn = h('button', { testid: `cmd-${b.type}`, text: b.label });
        btn.addEventListener('click', () => void this.#send(b.type, b.params, btn));
        this.#buttons.append(btn);
      }
    }
    this.#list = h('ol', { class: 'commands', testid: 'command-list' });
    this.element = h('div', { class: 'commands-view' }, ...(canCommand ? [this.#buttons] : []), this.#list);
  }

  show(vin: string | undefined): void {
    if (vin === this.#vin) return;
    this.#vin = vin;
    this.#rows.clear();
    clear(this.#list);
  }

  transition(t: CommandTransitionMsg): void {
    if (t.vin !== this.#vin) return;
    const row = this.#row(t.commandId, t.type);
    this.#advance(row, t.to, t.reason ?? t.message);
  }

  async #send(type: string, params: Record<string, unknown>, btn: HTMLButtonElement): Promise<void> {
    const vin = this.#vin;
    if (vin === undefined) return;
    btn.disabled = true;
    try {
      const res = await this.api.sendCommand(vin, type, params);
      if (vin !== this.#vin) return;
      this.#advance(this.#row(res.commandId, type), res.status);
    } catch (err) {
      const row = this.#row(`error-${Date.now()}`, type);
      this.#advance(row, 'ERROR', err instanceof Error ? err.message : String(err));
    } finally {
      btn.disabled = false;
    }
  }

  #row(commandId: string, type: string): Row {
    const found = this.#rows.get(commandId);
    if (found) return found;
    const trail = h('span', { class: 'trail' });
    const element = h(
      'li',
      { testid: 'command-row', 'data-command-id': commandId, 'data-type': type, 'data-status': '' },
      h('b', { text: type }),
      trail,
    );
    const row: Row = { element, trail, status: '', seen: [] };
    this.#rows.set(commandId, row);
    this.#list.prepend(element);
    while (this.#list.childElementCount > 20) this.#list.lastElementChild?.remove();
    return row;
  }

  #advance(row: Row, status: string, reason?: string): void {
    if (!row.seen.includes(status)) row.seen.push(status);
    if (row.status === '' || rank(status) >= rank(row.status)) row.status = status;
    row.element.dataset['status'] = row.status;
    row.element.classList.toggle('ok', row.status === 'SUCCEEDED');
    row.element.classList.toggle('bad', rank(row.status) === 3 && row.status !== 'SUCCEEDED');
    const ordered = [...row.seen].sort((a, b) => rank(a) - rank(b));
    row.trail.textContent = ordered.join(' → ') + (reason ? ` (${reason})` : '');
  }
}
