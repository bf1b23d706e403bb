/**
 * The vehicle panel, opened by clicking a car: make, model, plate, speed, battery or fuel, doors,
 * lock, a chart of recent speed (GET /vehicles/{vin} and /telemetry, refreshed every 2 s while
 * open) and, for operators and admins, the command buttons with their live lifecycle.
 */
import type { Api } from '../api.js';
import { clear, fmt, h, time } from '../dom.js';
import type { TelemetryView, VehicleDetail } from '../types.js';
import { CommandsView } from './commands.js';
import { drawSpeedChart } from './speed-chart.js';

const REFRESH_MS = 2000;
const HISTORY = 120;

export class VehiclePanel {
  readonly element: HTMLElement;
  readonly commands: CommandsView;
  readonly #fields: HTMLElement;
  readonly #chart: HTMLCanvasElement;
  readonly #title: HTMLElement;
  #vin: string | undefined;
  #timer: ReturnType<typeof setInterval> | undefined;
  onClose: () => void = () => {};

  constructor(
    private readonly api: Api,
    canCommand: boolean,
  ) {
    this.commands = new CommandsView(api, canCommand);
    this.#title = h('h2', { testid: 'vehicle-vin' });
    this.#fields = h('dl', { class: 'stats' });
    this.#chart = h('canvas', { class: 'chart', testid: 'speed-chart' });
    const close = h('button', { class: 'close', testid: 'vehicle-close', text: '×', title: 'close' });
    close.addEventListener('click', () => this.show(undefined));
    this.element = h(
      'section',
      { class: 'panel vehicle', testid: 'vehicle-panel' },
      h('header', {}, this.#title, close),
      this.#fields,
      h('h3', { text: 'Speed, km/h' }),
      this.#chart,
      this.commands.element,
    );
    this.element.hidden = true;
  }

  get vin(): string | undefined {
    return this.#vin;
  }

  show(vin: string | undefined): void {
    if (this.#timer) clearInterval(this.#timer);
    this.#timer = undefined;
    this.#vin = vin;
    this.commands.show(vin);
    this.element.hidden = vin === undefined;
    if (vin === undefined) {
      this.onClose();
      return;
    }
    this.#title.textContent = vin;
    clear(this.#fields);
    this.#fields.append(h('dt', { text: 'loading…' }));
    drawSpeedChart(this.#chart, []);
    void this.#refresh(vin);
    this.#timer = setInterval(() => void this.#refresh(vin), REFRESH_MS);
  }

  async #refresh(vin: string): Promise<void> {
    try {
      const [detail, history] = await Promise.all([this.api.vehicle(vin), this.api.telemetry(vin, HISTORY)]);
      if (vin !== this.#vin) return;
      this.#render(detail);
      drawSpeedChart(
        this.#chart,
        history.items.map((t) => [t.ts, t.gps.speedKmh] as const),
      );
    } catch (err) {
      if (vin !== this.#vin) return;
      clear(this.#fields);
      this.#fields.append(h('dt', { text: 'error' }), h('dd', { text: err instanceof Error ? err.message : String(err) }));
    }
  }

  #render(d: VehicleDetail): void {
    const t: TelemetryView | undefined = d.telemetry;
    const rows: [string, string, string][] = [
      ['make', 'Make', d.make],
      ['model', 'Model', `${d.model} (${d.modelYear})`],
      ['plate', 'Plate', d.plate ?? '–'],
      ['status', 'Status', d.online ? 'online' : `offline since ${time(d.lastSeen)}`],
      ['speed', 'Speed', fmt(t?.gps.speedKmh ?? d.speedKmh, 0, ' km/h')],
      ['energy', energyLabel(t, d.powertrain), energy(t)],
      ['doors', 'Doors', doors(t)],
      ['locked', 'Locked', t?.body ? (t.body.locked ? 'yes' : 'no') : '–'],
      ['climate', 'Climate', t?.climate ? (t.climate.on ? `on, ${fmt(t.climate.targetC, 1, ' °C')}` : 'off') : '–'],
    ];
    clear(this.#fields);
    for (const [id, label, value] of rows) this.#fields.append(h('dt', { text: label }), h('dd', { testid: `vehicle-${id}`, text: value }));
  }
}

function energyLabel(t: TelemetryView | undefined, powertrain: string): string {
  if (t?.socPct !== undefined && t.fuelPct !== undefined) return 'Battery / fuel';
  if (t?.socPct !== undefined || /ev|electric|bev/i.test(powertrain)) return 'Battery';
  return 'Fuel';
}

function energy(t: TelemetryView | undefined): string {
  if (!t) return '–';
  const parts: string[] = [];
  if (t.socPct !== undefined) parts.push(fmt(t.socPct, 0, ' %'));
  if (t.fuelPct !== undefined) parts.push(fmt(t.fuelPct, 0, ' %'));
  if (t.rangeKm !== undefined) parts.push(`${fmt(t.rangeKm, 0)} km range`);
  return parts.length ? parts.join(' · ') : '–';
}

function doors(t: TelemetryView | undefined): string {
  if (!t?.body) return '–';
  const d = t.body.doorsOpen;
  const open = (['fl', 'fr', 'rl', 'rr'] as const).filter((k) => d[k]);
  const trunk = t.body.trunkOpen ? ', trunk open' : '';
  return (open.length ? `open: ${open.join(' ')}` : 'all closed') + trunk;
}
