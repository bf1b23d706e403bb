/**
 * The spatial index: a hash grid over bounding boxes in degrees. The world is cut into square
 * cells of `cellDeg` degrees (0.0025 by default: about 280 m north-south and 185 m east-west at
 * Munich); each item is listed in every cell its box touches, in a Map keyed by the cell number.
 * A query walks the cells of the query box and returns each item once (an epoch stamp per slot,
 * no Set). Insert and remove are O(cells of the item), so a fence upsert does not rebuild anything.
 * Items whose box covers more than `maxCellsPerItem` cells (a country-sized fence) go to a short
 * `big` list that every query scans with a bbox test. See docs/decisions/0007-geofence-index.md.
 */

const OFFSET = 1 << 20;
const STRIDE = 1 << 21;

export interface GridIndexOptions {
  /** Cell size, degrees (default 0.0025). */
  readonly cellDeg?: number;
  /** Items covering more cells than this go to the `big` list (default 4096). */
  readonly maxCellsPerItem?: number;
  /** Queries covering more cells than this scan every item instead (default 4096). */
  readonly maxCellsPerQuery?: number;
}

export class GridIndex {
  readonly cellDeg: number;
  readonly #inv: number;
  readonly #maxItemCells: number;
  readonly #maxQueryCells: number;
  readonly #cells = new Map<number, number[]>();
  readonly #big: number[] = [];
  /** Bounding boxes by slot: minLon, minLat, maxLon, maxLat. */
  #boxes = new Float64Array(4 * 1024);
  #present = new Uint8Array(1024);
  #stamp = new Uint32Array(1024);
  #epoch = 0;
  /** Slots found by the last query (reused: read before the next query). */
  readonly hits: number[] = [];

  constructor(options: GridIndexOptions = {}) {
    this.cellDeg = options.cellDeg ?? 0.0025;
    this.#inv = 1 / this.cellDeg;
    this.#maxItemCells = options.maxCellsPerItem ?? 4096;
    this.#maxQueryCells = options.maxCellsPerQuery ?? 4096;
  }

  get cellCount(): number {
    return this.#cells.size;
  }

  #grow(slot: number): void {
    if (slot < this.#present.length) return;
    let n = this.#present.length;
    while (n <= slot) n *= 2;
    const boxes = new Float64Array(4 * n);
    boxes.set(this.#boxes);
    this.#boxes = boxes;
    const present = new Uint8Array(n);
    present.set(this.#present);
    this.#present = present;
    const stamp = new Uint32Array(n);
    stamp.set(this.#stamp);
    this.#stamp = stamp;
  }

  #cellRange(minLon: number, minLat: number, maxLon: number, maxLat: number): [number, number, number, number] {
    const inv = this.#inv;
    return [Math.floor(minLon * inv), Math.floor(minLat * inv), Math.floor(maxLon * inv), Math.floor(maxLat * inv)];
  }

  /** Adds slot with its box (a slot already present is moved). */
  insert(slot: number, minLon: number, minLat: number, maxLon: number, maxLat: number): void {
    this.#grow(slot);
    if (this.#present[slot] === 1) this.remove(slot);
    const b = this.#boxes;
    b[4 * slot] = minLon;
    b[4 * slot + 1] = minLat;
    b[4 * slot + 2] = maxLon;
    b[4 * slot + 3] = maxLat;
    this.#present[slot] = 1;
    const [x0, y0, x1, y1] = this.#cellRange(minLon, minLat, maxLon, maxLat);
    if ((x1 - x0 + 1) * (y1 - y0 + 1) > this.#maxItemCells) {
      this.#big.push(slot);
      return;
    }
    for (let x = x0; x <= x1; x++) {
      for (let y = y0; y <= y1; y++) {
        const key = (x + OFFSET) * STRIDE + (y + OFFSET);
        const list = this.#cells.get(key);
        if (list === undefined) this.#cells.set(key, [slot]);
        else list.push(slot);
      }
    }
  }

  remove(slot: number): void {
    if (slot >= this.#present.length || this.#present[slot] !== 1) return;
    this.#present[slot] = 0;
    const b = this.#boxes;
    const bigAt = this.#big.indexOf(slot);
    if (bigAt >= 0) {
      this.#big.splice(bigAt, 1);
      return;
    }
    const [x0, y0, x1, y1] = this.#cellRange(
      b[4 * slot] as number,
      b[4 * slot + 1] as number,
      b[4 * slot + 2] as number,
      b[4 * slot + 3] as number,
    );
    for (let x = x0; x <= x1; x++) {
      for (let y = y0; y <= y1; y++) {
        const key = (x + OFFSET) * STRIDE + (y + OFFSET);
        const list = this.#cells.get(key);
        if (list === undefined) continue;
        const i = list.indexOf(slot);
        if (i >= 0) list.splice(i, 1);
        if (list.length === 0) this.#cells.delete(key);
      }
    }
  }

  #take(slot: number, minLon: number, minLat: number, maxLon: number, maxLat: number): void {
    const st = this.#stamp;
    if (st[slot] === this.#epoch) return;
    st[slot] = this.#epoch;
    const b = this.#boxes;
    if ((b[4 * slot] as number) > maxLon || (b[4 * slot + 2] as number) < minLon) return;
    if ((b[4 * slot + 1] as number) > maxLat || (b[4 * slot + 3] as number) < minLat) return;
    this.hits.push(slot);
  }

  /** Fills `hits` with every slot whose box intersects the query box (each once, unordered); returns the count. */
  query(minLon: number, minLat: number, maxLon: number, maxLat: number): number {
    const hits = this.hits;
    hits.length = 0;
    if (++this.#epoch === 0xffffffff) {
      this.#stamp.fill(0);
      this.#epoch = 1;
    }
    const inv = this.#inv;
    const x0 = Math.floor(minLon * inv);
    const y0 = Math.floor(minLat * inv);
    const x1 = Math.floor(maxLon * inv);
    const y1 = Math.floor(maxLat * inv);
    if ((x1 - x0 + 1) * (y1 - y0 + 1) > this.#maxQueryCells) {
      for (let s = 0; s < this.#present.length; s++) if (this.#present[s] === 1) this.#take(s, minLon, minLat, maxLon, maxLat);
      return hits.length;
    }
    for (let x = x0; x <= x1; x++) {
      const base = (x + OFFSET) * STRIDE + OFFSET;
      for (let y = y0; y <= y1; y++) {
        const list = this.#cells.get(base + y);
        if (list === undefined) continue;
        for (let i = 0; i < list.length; i++) this.#take(list[i] as number, minLon, minLat, maxLon, maxLat);
      }
    }
    for (let i = 0; i < this.#big.length; i++) this.#take(this.#big[i] as number, minLon, minLat, maxLon, maxLat);
    return hits.length;
  }
}
