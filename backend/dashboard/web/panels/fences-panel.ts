/**
 * Geofences: the list (GET /fences; every role), and for admins drawing (click points on the map,
 * double-click or "Finish", name it, POST /fences), enable/disable (PUT with `enabled` flipped) and
 * delete. The fence layer shows the list; the draft layer the polygon being drawn.
 */
import type { Api } from '../api.js';
import { clear, h } from '../dom.js';
import type { DraftLayer, FenceLayer } from '../layers/fence-layer.js';
import type { Fence, LonLat } from '../types.js';

export class FencesPanel {
  readonly element: HTMLElement;
  readonly #list: HTMLElement;
  readonly #status: HTMLElement;
  readonly #name: HTMLInputElement;
  readonly #draw: HTMLButtonElement;
  readonly #finish: HTMLButtonElement;
  readonly #cancel: HTMLButtonElement;
  #drawing = false;
  onChange: () => void = () => {};

  constructor(
    private readonly api: Api,
    private readonly layer: FenceLayer,
    private readonly draft: DraftLayer,
    private readonly canEdit: boolean,
  ) {
    this.#list = h('ul', { class: 'fences', testid: 'fence-list' });
    this.#status = h('p', { class: 'hint', testid: 'fence-status' });
    this.#name = h('input', { testid: 'fence-name', placeholder: 'fence name', type: 'text' });
    this.#draw = h('button', { testid: 'fence-draw', text: 'Draw fence' });
    this.#finish = h('button', { testid: 'fence-finish', text: 'Finish' });
    this.#cancel = h('button', { testid: 'fence-cancel', text: 'Cancel' });
    this.#draw.addEventListener('click', () => this.startDrawing());
    this.#finish.addEventListener('click', () => void this.finish());
    this.#cancel.addEventListener('click', () => this.#stop('drawing canceled'));
    const tools = h('div', { class: 'buttons' }, this.#draw, this.#name, this.#finish, this.#cancel);
    this.element = h(
      'section',
      { class: 'panel', testid: 'fences-panel' },
      h('h2', { text: 'Geofences' }),
      ...(canEdit ? [tools] : []),
      this.#status,
      this.#list,
    );
    this.#setDrawing(false);
  }

  get drawing(): boolean {
    return this.#drawing;
  }

  async load(): Promise<void> {
    try {
      const res = await this.api.fences();
      this.#set(res.items);
    } catch (err) {
      this.#status.textContent = `fences unavailable: ${err instanceof Error ? err.message : String(err)}`;
    }
  }

  startDrawing(): void {
    this.draft.points = [];
    this.#setDrawing(true);
    this.#status.textContent = 'click the corners on the map; double-click or Finish to close';
  }

  addPoint(p: LonLat): void {
    if (!this.#drawing) return;
    this.draft.points.push(p);
    this.#status.textContent = `${this.draft.points.length} point(s)`;
  }

  async finish(): Promise<void> {
    if (!this.#drawing) return;
    const pts = dedupe(this.draft.points);
    if (pts.length < 3) {
      this.#status.textContent = 'a fence needs at least 3 distinct points';
      return;
    }
    const name = this.#name.value.trim() || `fence ${new Date().toLocaleTimeString([], { hour12: false })}`;
    const first = pts[0] as LonLat;
    try {
      const fence = await this.api.createFence({ name, geometry: { type: 'Polygon', coordinates: [[...pts, first]] } });
      this.#stop(`created ${fence.name}`);
      this.#name.value = '';
      await this.load();
    } catch (err) {
      this.#status.textContent = `not saved: ${err instanceof Error ? err.message : String(err)}`;
    }
  }

  #stop(message: string): void {
    this.draft.points = [];
    this.#setDrawing(false);
    this.#status.textContent = message;
  }

  #setDrawing(on: boolean): void {
    this.#drawing = on;
    this.#draw.hidden = on;
    this.#finish.hidden = !on;
    this.#cancel.hidden = !on;
    this.#name.hidden = !on;
    document.body.classList.toggle('drawing', on);
  }

  #set(fences: readonly Fence[]): void {
    this.layer.fences = fences;
    this.onChange();
    clear(this.#list);
    for (const f of fences) {
      const item = h('li', { testid: 'fence-item', 'data-fence-id': f.id, 'data-enabled': String(f.enabled) }, h('span', { text: f.name }));
      if (this.canEdit) {
        const toggle = h('button', { testid: 'fence-toggle', text: f.enabled ? 'Disable' : 'Enable' });
        toggle.addEventListener('click', () => void this.#update({ ...f, enabled: !f.enabled }));
        const del = h('button', { testid: 'fence-delete', text: 'Delete' });
        del.addEventListener('click', () => void this.#delete(f.id));
        item.append(toggle, del);
      } else {
        item.append(h('span', { class: 'hint', text: f.enabled ? 'enabled' : 'disabled' }));
      }
      this.#list.append(item);
    }
  }

  #update(f: Fence): Promise<void> {
    return this.#change(() => this.api.updateFence(f), 'not updated');
  }

  #delete(id: string): Promise<void> {
    return this.#change(() => this.api.deleteFence(id), 'not deleted');
  }

  /** Makes a change through the API and reloads the list; a failure is shown in the status line. */
  async #change(request: () => Promise<unknown>, failed: string): Promise<void> {
    try {
      await request();
      await this.load();
    } catch (err) {
      this.#status.textContent = `${failed}: ${err instanceof Error ? err.message : String(err)}`;
    }
  }
}

/** Drops consecutive repeats (a double-click adds its point twice). */
function dedupe(points: readonly LonLat[]): LonLat[] {
  const out: LonLat[] = [];
  for (const p of points) {
    const last = out[out.length - 1];
    if (last && Math.abs(last[0] - p[0]) < 1e-7 && Math.abs(last[1] - p[1]) < 1e-7) continue;
    out.push(p);
  }
  return out;
}
