/**
 * The system panel: car messages per second, Kafka lag, the live latency p99 (saying what it
 * measures), connected cars ('system' every second), and the waterfall of the live hops over the
 * last interval: per hop, p50 and p99 from the car's timestamp, a bar to p50 and a thinner one to
 * p99 (decision 0030). Stored messages (a backlog) are counted apart, never in the live figures.
 */
import type { SystemHopRow, SystemMetricsMsg } from '../../hub/events.js';
import { clear, fmt, h } from '../dom.js';

export class SystemPanel {
  readonly element: HTMLElement;
  readonly #cells: Record<'msg' | 'lag' | 'p99' | 'cars' | 'view', HTMLElement>;
  readonly #latencyOf: HTMLElement;
  readonly #waterfall: HTMLElement;
  readonly #stored: HTMLElement;

  constructor() {
    const cell = (testid: string): HTMLElement => h('dd', { testid, text: '–' });
    this.#cells = {
      msg: cell('sys-msg'),
      lag: cell('sys-lag'),
      p99: cell('sys-p99'),
      cars: cell('sys-cars'),
      view: cell('sys-inview'),
    };
    this.#latencyOf = h('p', { class: 'muted small', testid: 'sys-p99-of', text: '' });
    this.#waterfall = h('div', { class: 'waterfall', testid: 'sys-waterfall' });
    this.#stored = h('p', { class: 'muted small', testid: 'sys-stored', text: '' });
    this.element = h(
      'section',
      { class: 'panel', testid: 'system-panel' },
      h('h2', { text: 'System' }),
      h(
        'dl',
        { class: 'stats' },
        h('dt', { text: 'msg/s' }),
        this.#cells.msg,
        h('dt', { text: 'Kafka lag' }),
        this.#cells.lag,
        h('dt', { text: 'live latency p99' }),
        this.#cells.p99,
        h('dt', { text: 'connected cars' }),
        this.#cells.cars,
        h('dt', { text: 'in view / fleet' }),
        this.#cells.view,
      ),
      this.#latencyOf,
      h('h3', { text: 'Hops from the car clock (live, p50 | p99)' }),
      this.#waterfall,
      this.#stored,
    );
  }

  update(m: SystemMetricsMsg): void {
    this.#cells.msg.textContent = fmt(m.msgPerS, 0);
    this.#cells.lag.textContent = fmt(m.kafkaLag, 0);
    this.#cells.p99.textContent = fmt(m.latencyP99Ms, 0, ' ms');
    this.#cells.cars.textContent = fmt(m.connectedCars, 0);
    this.#latencyOf.textContent = m.latencyOf ?? '';
    if (m.hops !== undefined) this.#drawWaterfall(m.hops);
    this.#stored.textContent = m.stored ? `${m.stored} stored (backlog) messages left out` : '';
  }

  #drawWaterfall(rows: readonly SystemHopRow[]): void {
    clear(this.#waterfall);
    if (rows.length === 0) {
      this.#waterfall.append(h('p', { class: 'muted small', text: 'no hops measured in this process yet' }));
      return;
    }
    const scale = Math.max(1, ...rows.map((r) => r.p99Ms));
    for (const r of rows) {
      const p50 = h('span', { class: 'wf-p50' });
      p50.style.width = `${(100 * r.p50Ms) / scale}%`;
      const p99 = h('span', { class: 'wf-p99' });
      p99.style.width = `${(100 * r.p99Ms) / scale}%`;
      this.#waterfall.append(
        h(
          'div',
          { class: 'wf-row', 'data-hop': r.hop, title: `${r.label}: ${r.n} messages` },
          h('span', { class: 'wf-label', text: r.hop }),
          h('span', { class: 'wf-bar' }, p99, p50),
          h('span', { class: 'wf-value', text: `${fmt(r.p50Ms, 1)} | ${fmt(r.p99Ms, 1)} ms` }),
        ),
      );
    }
  }

  inView(inView: number, total: number): void {
    this.#cells.view.textContent = `${inView} / ${total}`;
  }
}
