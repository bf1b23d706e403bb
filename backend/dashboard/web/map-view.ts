/**
 * The map widget: two stacked canvases (base: roads, traffic, fences, redrawn when the view or their
 * data changes; top: cars and the fence being drawn, redrawn every animation frame), pan by drag,
 * zoom by wheel or buttons, and one requestAnimationFrame loop whose frame times feed the fps hook.
 * A press that does not move is a click (handed to `onClick`), so drags never select cars.
 */
import { clampZoom, fitBounds, panBy, zoomAround, type View } from './projection.js';

export interface Layer {
  draw(ctx: CanvasRenderingContext2D, view: View, now: number): void;
}

export interface Box {
  readonly west: number;
  readonly south: number;
  readonly east: number;
  readonly north: number;
}

const DRAG_PX = 4;
const FRAME_RING = 1200;

export class MapView {
  readonly element: HTMLDivElement;
  readonly base: HTMLCanvasElement;
  readonly top: HTMLCanvasElement;
  readonly baseLayers: Layer[] = [];
  readonly topLayers: Layer[] = [];
  onClick: (x: number, y: number) => void = () => {};
  onDoubleClick: (x: number, y: number) => void = () => {};
  #view: View = { cx: 0.5, cy: 0.5, zoom: 3, width: 1, height: 1 };
  #baseDirty = true;
  #viewListeners: ((view: View) => void)[] = [];
  #home: Box | undefined;
  #frames = new Float64Array(FRAME_RING);
  /** Main-thread ms spent drawing each of those frames. */
  #drawMs = new Float64Array(FRAME_RING);
  #frameCount = 0;
  #running = false;

  constructor(parent: HTMLElement) {
    this.element = document.createElement('div');
    this.element.className = 'map';
    this.element.dataset['testid'] = 'map';
    this.base = document.createElement('canvas');
    this.top = document.createElement('canvas');
    this.base.className = 'map-base';
    this.top.className = 'map-top';
    this.top.dataset['testid'] = 'map-canvas';
    this.element.append(this.base, this.top);
    parent.append(this.element);
    this.#bindPointer();
    new ResizeObserver(() => this.#resize()).observe(this.element);
    this.#resize();
  }

  get view(): View {
    return this.#view;
  }

  setView(view: View): void {
    this.#view = { ...view, zoom: clampZoom(view.zoom) };
    this.#baseDirty = true;
    for (const l of this.#viewListeners) l(this.#view);
  }

  onViewChange(listener: (view: View) => void): void {
    this.#viewListeners.push(listener);
  }

  invalidateBase(): void {
    this.#baseDirty = true;
  }

  /** The box "fit" returns to (the road network's extent). */
  setHome(box: Box): void {
    this.#home = box;
    this.fit();
  }

  fit(): void {
    if (this.#home) this.setView(fitBounds(this.#view, this.#home));
  }

  zoomBy(delta: number): void {
    const v = this.#view;
    this.setView(zoomAround(v, v.zoom + delta, v.width / 2, v.height / 2));
  }

  /** Timestamps (performance.now) of the last frames, oldest first. */
  frameTimes(): number[] {
    const n = Math.min(this.#frameCount, FRAME_RING);
    const out: number[] = [];
    for (let i = this.#frameCount - n; i < this.#frameCount; i++) out.push(this.#frames[i % FRAME_RING] as number);
    return out;
  }

  /** Drawing time (ms) of the last frames, oldest first, aligned with frameTimes(). */
  drawTimes(): number[] {
    const n = Math.min(this.#frameCount, FRAME_RING);
    const out: number[] = [];
    for (let i = this.#frameCount - n; i < this.#frameCount; i++) out.push(this.#drawMs[i % FRAME_RING] as number);
    return out;
  }

  get frameCount(): number {
    return this.#frameCount;
  }

  start(): void {
    if (this.#running) return;
    this.#running = true;
    const loop = (now: number): void => {
      const slot = this.#frameCount % FRAME_RING;
      this.#frames[slot] = now;
      this.#frameCount++;
      const t0 = performance.now();
      this.#render(now);
      this.#drawMs[slot] = performance.now() - t0;
      requestAnimationFrame(loop);
    };
    requestAnimationFrame(loop);
  }

  #render(now: number): void {
    const dpr = window.devicePixelRatio || 1;
    if (this.#baseDirty) {
      this.#baseDirty = false;
      this.#paint(this.base, this.baseLayers, dpr, now);
    }
    this.#paint(this.top, this.topLayers, dpr, now);
  }

  #paint(canvas: HTMLCanvasElement, layers: readonly Layer[], dpr: number, now: number): void {
    const ctx = canvas.getContext('2d');
    if (!ctx) return;
    ctx.setTransform(dpr, 0, 0, dpr, 0, 0);
    ctx.clearRect(0, 0, this.#view.width, this.#view.height);
    for (const layer of layers) layer.draw(ctx, this.#view, now);
  }

  #resize(): void {
    const rect = this.element.getBoundingClientRect();
    const width = Math.max(1, Math.round(rect.width));
    const height = Math.max(1, Math.round(rect.height));
    const dpr = window.devicePixelRatio || 1;
    for (const c of [this.base, this.top]) {
      c.width = Math.round(width * dpr);
      c.height = Math.round(height * dpr);
      c.style.width = `${width}px`;
      c.style.height = `${height}px`;
    }
    const first = this.#view.width === 1;
    this.setView({ ...this.#view, width, height });
    if (first && this.#home) this.fit();
  }

  #bindPointer(): void {
    const el = this.top;
    let down: { x: number; y: number; id: number } | undefined;
    let dragged = false;
    const local = (e: MouseEvent): [number, number] => {
      const r = el.getBoundingClientRect();
      return [e.clientX - r.left, e.clientY - r.top];
    };
    el.addEventListener('pointerdown', (e) => {
      const [x, y] = local(e);
      down = { x, y, id: e.pointerId };
      dragged = false;
      el.setPointerCapture(e.pointerId);
    });
    el.addEventListener('pointermove', (e) => {
      if (!down || e.pointerId !== down.id) return;
      const [x, y] = local(e);
      if (!dragged && Math.hypot(x - down.x, y - down.y) < DRAG_PX) return;
      dragged = true;
      el.style.cursor = 'grabbing';
      this.setView(panBy(this.#view, x - down.x, y - down.y));
      down = { x, y, id: down.id };
    });
    el.addEventListener('pointerup', (e) => {
      if (!down || e.pointerId !== down.id) return;
      el.releasePointerCapture(e.pointerId);
      el.style.cursor = '';
      const [x, y] = local(e);
      down = undefined;
      if (!dragged) this.onClick(x, y);
    });
    el.addEventListener('dblclick', (e) => {
      const [x, y] = local(e);
      this.onDoubleClick(x, y);
    });
    el.addEventListener(
      'wheel',
      (e) => {
        e.preventDefault();
        const [x, y] = local(e);
        const step = e.deltaMode === 1 ? e.deltaY * 0.05 : e.deltaY * 0.002;
        this.setView(zoomAround(this.#view, this.#view.zoom - step, x, y));
      },
      { passive: false },
    );
  }
}
