/**
 * The event feed: geofence, jam and command events, newest first, at most MAX entries. Each entry
 * carries data-kind and data-type so tests (and people) can filter it.
 */
import type { CommandTransitionMsg, GeofenceEventMsg, JamEventMsg } from '../../hub/events.js';
import { h, time } from '../dom.js';

const MAX = 200;

export class FeedPanel {
  readonly element: HTMLElement;
  readonly #list: HTMLOListElement;
  onVin: (vin: string) => void = () => {};

  constructor() {
    this.#list = h('ol', { class: 'feed', testid: 'feed' });
    this.element = h('section', { class: 'panel', testid: 'feed-panel' }, h('h2', { text: 'Events' }), this.#list);
  }

  geofence(e: GeofenceEventMsg): void {
    const what = e.type === 'dwell' ? `dwell ${e.dwellS ?? ''} s` : e.type;
    this.#add('geofence', e.type, e.ts, `${what} · ${e.fenceName ?? e.fenceId}${e.reason ? ` (${e.reason})` : ''}`, e.vin);
  }

  jam(e: JamEventMsg): void {
    if (e.type === 'jam_predicted') {
      this.#add(
        'jam',
        e.type,
        e.atMs,
        `jam predicted on ${e.segmentId} in ${Math.max(0, Math.round((e.expectedMs - e.atMs) / 60000))} min`,
      );
    } else {
      const j = e.jam;
      const label = e.type.replace('jam_', 'jam ');
      this.#add(
        'jam',
        e.type,
        e.atMs,
        `${label} · ${Math.round(j.lengthM)} m · factor ${j.maxJamFactor.toFixed(1)} · ${j.segments.length} seg`,
      );
    }
  }

  command(t: CommandTransitionMsg): void {
    const reason = t.reason ? ` (${t.reason})` : '';
    this.#add('command', t.to, t.at, `${t.type} → ${t.to}${reason} · ${t.principal}`, t.vin);
  }

  get size(): number {
    return this.#list.childElementCount;
  }

  #add(kind: string, type: string, at: number, text: string, vin?: string): void {
    const item = h(
      'li',
      { class: `feed-item feed-${kind}`, testid: 'feed-item', 'data-kind': kind, 'data-type': type },
      h('time', { text: time(at) }),
      h('span', { class: 'feed-kind', text: kind }),
      h('span', { class: 'feed-text', text }),
    );
    if (vin !== undefined) {
      const link = h('button', { class: 'link', text: vin.slice(-6), title: vin });
      link.addEventListener('click', () => this.onVin(vin));
      item.append(link);
    }
    this.#list.prepend(item);
    while (this.#list.childElementCount > MAX) this.#list.lastElementChild?.remove();
  }
}
