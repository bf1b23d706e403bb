/**
 * The spatial index: a hash grid over bounding boxes in degrees. The world is cut into square
 * cells of `cellDeg` degrees (0.0025 by default: about 280 m north-south and 185 m east-west at
 * Munich); each item is listed in every cell its box touches. Insert and remove are O(cells of the
 * item), so a fence upsert does not rebuild anything. Items whose box covers more than
 * `maxCellsPerItem` cells (a country-sized fence) go to a short `big` list that every query scans
 * with a bbox test. See docs/decisions/0007-geofence-index.md.
 *
 * Layout, for the query path (one query per car fix): the cells live in an open-addressing hash
 * table keyed by the two integer cell coordinates (Int32Arrays, no boxed Map keys), and each cell's
 * list holds its items' boxes inline, [slot, minLon, minLat, maxLon, maxLat] per item, in one
 * array of doubles: the box test reads memory the cell lookup already brought in, and only the items
 * that pass it touch the per-slot dedup stamps. A query of a single cell needs no dedup at all.
 * Results go to a reused Int32Array (`slots`, first `count` entries): no allocation per query.
 */

/** Numbers per item in a cell list: slot, minLon, minLat, maxLon, maxLat. */
const ITEM = 5;
/** Cell coordinates beyond this are clamped (cellDeg >= 1e-6 never reaches it). */
const MAX_CELL = 2 ** 30;

export interface GridIndexOptions {
  /** Cell size, degrees (default 0.0025). */
  readonly cellDeg?: number;
  /** Items covering more cells than this go to the `big` list (default 4096). */
  readonly maxCellsPerItem?: number;
  /** Queries covering more cells than this scan every item instead (default 4096). */
  readonly maxCellsPerQuery?: number;
}

function cellOf(v: number, inv: number): number {
  const c = Math.floor(v * inv);
  return c > MAX_CELL ? MAX_CELL : c < -MAX_CELL ? -MAX_CELL : c;
}

function hashCell(x: number, y: number): number {
  let h = Math.imul(x, 0x9e3779b1) ^ y;
  h = Math.imul(h ^ (h >>> 16), 0x85ebca6b);
  return h ^ (h >>> 13);
}

export class GridIndex {
  readonly cellDeg: number;
  readonly #inv: number;
  readonly #maxItemCells: number;
  readonly #maxQueryCells: number;
  /** Hash table of cells (power-of-two capacity, linear probing; entries are never removed, lists may empty). */
  #mask = 1023;
  #cellX = new Int32Array(1024);
  #cellY = new Int32Array(1024);
  #cellUsed = new Uint8Array(1024);
  #cellLists: number[][] = new Array<number[]>(1024);
  #tableFill = 0;
  #nonEmpty = 0;
  readonly #big: number[] = [];
  /** Bounding boxes by slot: minLon, minLat, maxLon, maxLat. */
  #boxes = new Float64Array(4 * 1024);
  #present = new Uint8Array(1024);
  #stamp = new Uint32Array(1024);
  #epoch = 0;
  /** Query results: the first `#count` entries (capacity = slot capacity, as each slot is reported once). */
  #out = new Int32Array(1024);
  #count = 0;

  constructor(options: GridIndexOptions = {}) {
    this.cellDeg = options.cellDeg ?? 0.0025;
    this.#inv = 1 / this.cellDeg;
    this.#maxItemCells = options.maxCellsPerItem ?? 4096;
    this.#maxQueryCells = options.maxCellsPerQuery ?? 4096;
  }

  /** Cells holding at least one item. */
  get cellCount(): number {
    return this.#nonEmpty;
  }

  /** The slots found by the last query, in the first `count` entries (reused: read before the next query). */
  get slots(): Int32Array {
    return this.#out;
  }

  /** The slots found by the last query, as a view of exactly that length (allocates a view; for tests and tools). */
  get hits(): Int32Array {
    return this.#out.subarray(0, this.#count);
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
    const out = new Int32Array(n);
    out.set(this.#out);
    this.#out = out;
  }

  /** Table position of cell (x, y), or -1 when it has never held an item. */
  #find(x: number, y: number): number {
    const mask = this.#mask;
    const used = this.#cellUsed;
    let i = hashCell(x, y) & mask;
    while (used[i] === 1) {
      if (this.#cellX[i] === x && this.#cellY[i] === y) return i;
      i = (i + 1) & mask;
    }
    return -1;
  }

  /** The list of cell (x, y), created if needed. */
  #listAt(x: number, y: number): number[] {
    const at = this.#find(x, y);
    if (at >= 0) return this.#cellLists[at] as number[];
    if (2 * (this.#tableFill + 1) > this.#mask + 1) this.#rehash();
    const mask = this.#mask;
    let i = hashCell(x, y) & mask;
    while (this.#cellUsed[i] === 1) i = (i + 1) & mask;
    this.#cellUsed[i] = 1;
    this.#cellX[i] = x;
    this.#cellY[i] = y;
    const list: number[] = [];
    this.#cellLists[i] = list;
    this.#tableFill++;
    return list;
  }

  #rehash(): void {
    const oldX = this.#cellX;
    const oldY = this.#cellY;
    const oldUsed = this.#cellUsed;
    const oldLists = this.#cellLists;
    const size = 2 * (this.#mask + 1);
    this.#mask = size - 1;
    this.#cellX = new Int32Array(size);
    this.#cellY = new Int32Array(size);
    this.#cellUsed = new Uint8Array(size);
    this.#cellLists = new Array<number[]>(size);
    this.#tableFill = 0;
    this.#nonEmpty = 0;
    for (let j = 0; j < oldUsed.length; j++) {
      const list = oldLists[j] as number[];
      if (oldUsed[j] !== 1 || list.length === 0) continue; // empty cells are dropped here
      const mask = this.#mask;
      const x = oldX[j] as number;
      const y = oldY[j] as number;
      let i = hashCell(x, y) & mask;
      while (this.#cellUsed[i] === 1) i = (i + 1) & mask;
      this.#cellUsed[i] = 1;
      this.#cellX[i] = x;
      this.#cellY[i] = y;
      this.#cellLists[i] = list;
      this.#tableFill++;
      this.#nonEmpty++;
    }
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
    const inv = this.#inv;
    const x0 = cellOf(minLon, inv);
    const y0 = cellOf(minLat, inv);
    const x1 = cellOf(maxLon, inv);
    const y1 = cellOf(maxLat, inv);
    if ((x1 - x0 + 1) * (y1 - y0 + 1) > this.#maxItemCells) {
      this.#big.push(slot);
      return;
    }
    for (let x = x0; x <= x1; x++) {
      for (let y = y0; y <= y1; y++) {
        const list = this.#listAt(x, y);
        if (list.length === 0) this.#nonEmpty++;
        // doubles throughout (slot as a double too): the list stays one packed array of doubles
        list.push(slot + 0.0, minLon, minLat, maxLon, maxLat);
      }
    }
  }

  remove(slot: number): void {
    if (slot >= this.#present.length || this.#present[slot] !== 1) return;
    this.#present[slot] = 0;
    const bigAt = this.#big.indexOf(slot);
    if (bigAt >= 0) {
      this.#big.splice(bigAt, 1);
      return;
    }
    const b = this.#boxes;
    const inv = this.#inv;
    const x0 = cellOf(b[4 * slot] as number, inv);
    const y0 = cellOf(b[4 * slot + 1] as number, inv);
    const x1 = cellOf(b[4 * slot + 2] as number, inv);
    const y1 = cellOf(b[4 * slot + 3] as number, inv);
    for (let x = x0; x <= x1; x++) {
      for (let y = y0; y <= y1; y++) {
        const list = this.#listOf(x, y);
        if (list === undefined) continue;
        for (let i = 0; i < list.length; i += ITEM) {
          if (list[i] !== slot) continue;
          list.splice(i, ITEM);
          if (list.length === 0) this.#nonEmpty--;
          break;
        }
      }
    }
  }

  /** The item list of cell (x, y); undefined when the cell has none. */
  #listOf(x: number, y: number): number[] | undefined {
    const at = this.#find(x, y);
    return at < 0 ? undefined : (this.#cellLists[at] as number[]);
  }

  #nextEpoch(): number {
    if (++this.#epoch === 0xffffffff) {
      this.#stamp.fill(0);
      this.#epoch = 1;
    }
    return this.#epoch;
  }

  /**
   * Finds every slot whose box intersects the query box (each once, unordered): they are the first
   * `count` entries of `slots` (and `hits`); returns the count.
   */
  query(minLon: number, minLat: number, maxLon: number, maxLat: number): number {
    const out = this.#out;
    let n = 0;
    const inv = this.#inv;
    const x0 = cellOf(minLon, inv);
    const y0 = cellOf(minLat, inv);
    const x1 = cellOf(maxLon, inv);
    const y1 = cellOf(maxLat, inv);
    const big = this.#big;
    if ((x1 - x0 + 1) * (y1 - y0 + 1) > this.#maxQueryCells) {
      const b = this.#boxes;
      const present = this.#present;
      for (let s = 0; s < present.length; s++) {
        if (present[s] !== 1) continue;
        if ((b[4 * s] as number) > maxLon || (b[4 * s + 2] as number) < minLon) continue;
        if ((b[4 * s + 1] as number) > maxLat || (b[4 * s + 3] as number) < minLat) continue;
        out[n++] = s;
      }
      this.#count = n;
      return n;
    }
    if (x0 === x1 && y0 === y1) {
      // one cell: every item is listed once in it, no dedup needed
      const list = this.#listOf(x0, y0);
      if (list !== undefined) {
        for (let i = 0; i < list.length; i += ITEM) {
          if ((list[i + 1] as number) > maxLon || (list[i + 3] as number) < minLon) continue;
          if ((list[i + 2] as number) > maxLat || (list[i + 4] as number) < minLat) continue;
          out[n++] = list[i] as number;
        }
      }
    } else {
      const epoch = this.#nextEpoch();
      const stamp = this.#stamp;
      for (let x = x0; x <= x1; x++) {
        for (let y = y0; y <= y1; y++) {
          const list = this.#listOf(x, y);
          if (list === undefined) continue;
          for (let i = 0; i < list.length; i += ITEM) {
            if ((list[i + 1] as number) > maxLon || (list[i + 3] as number) < minLon) continue;
            if ((list[i + 2] as number) > maxLat || (list[i + 4] as number) < minLat) continue;
            const s = list[i] as number;
            if (stamp[s] === epoch) continue;
            stamp[s] = epoch;
            out[n++] = s;
          }
        }
      }
    }
    // big items are listed in no cell, so they never need dedup
    if (big.length > 0) {
      const b = this.#boxes;
      for (let i = 0; i < big.length; i++) {
        const s = big[i] as number;
        if ((b[4 * s] as number) > maxLon || (b[4 * s + 2] as number) < minLon) continue;
        if ((b[4 * s + 1] as number) > maxLat || (b[4 * s + 3] as number) < minLat) continue;
        out[n++] = s;
      }
    }
    this.#count = n;
    return n;
  }
}
