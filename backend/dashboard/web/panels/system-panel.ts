/** The system panel: car messages per second, Kafka lag, latency p99 and connected cars ('system' every second). */
import type { SystemMetricsMsg } from '../../hub/events.js';
import { fmt, h } from '../dom.js';

export class SystemPanel {
  readonly element: HTMLElement;
  readonly #cells: Record<'msg' | 'lag' | 'p99' | 'cars' | 'view', HTMLElement>;

  constructor() {
    const cell = (testid: string): HTMLElement => h('dd', { testid, text: '–' });
    this.#cells = {
      msg: cell('sys-msg'),
      lag: cell('sys-lag'),
      p99: cell('sys-p99'),
      cars: cell('sys-cars'),
      view: cell('sys-inview'),
    };
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
        h('dt', { text: 'latency p99' }),
        this.#cells.p99,
        h('dt', { text: 'connected cars' }),
        this.#cells.cars,
        h('dt', { text: 'in view / fleet' }),
        this.#cells.view,
      ),
    );
  }

  update(m: SystemMetricsMsg): void {
    this.#cells.msg.textContent = fmt(m.msgPerS, 0);
    this.#cells.lag.textContent = fmt(m.kafkaLag, 0);
    this.#cells.p99.textContent = fmt(m.latencyP99Ms, 0, ' ms');
    this.#cells.cars.textContent = fmt(m.connectedCars, 0);
  }

  inView(inView: number, total: number): void {
    this.#cells.view.textContent = `${inView} / ${total}`;
  }
}
