/**
 * A uniform lon/lat grid of the cars' latest positions, rebuilt once per tick and shared by every
 * client: a viewport query touches only the cells it overlaps (or, for a huge box, only the
 * occupied cells), so a frame costs what is in view, not the fleet.
 */
import type { CarTuple } from './events.js';
import { boxesOf, inBox, type Box } from './viewport.js';
import type { Viewport } from './events.js';

/** Cell edge, degrees (about 1 km east-west at mid latitudes). */
export const GRID_CELL_DEG = 0.01;

const cellKey = (ix: number, iy: number): number => (ix + 20_000) * 40_000 + (iy + 20_000);

export class PositionGrid {
  readonly cars: readonly CarTuple[];
  readonly #cells = new Map<number, CarTuple[]>();
  readonly #cellDeg: number;

  constructor(cars: readonly CarTuple[], cellDeg = GRID_CELL_DEG) {
    this.cars = cars;
    this.#cellDeg = cellDeg;
    for (const c of cars) {
      const key = cellKey(Math.floor(c[1] / cellDeg), Math.floor(c[2] / cellDeg));
      const cell = this.#cells.get(key);
      if (cell === undefined) this.#cells.set(key, [c]);
      else cell.push(c);
    }
  }

  get occupiedCells(): number {
    return this.#cells.size;
  }

  /** Every car inside the viewport. */
  query(v: Viewport): CarTuple[] {
    const out: CarTuple[] = [];
    for (const b of boxesOf(v)) this.#queryBox(b, out);
    return out;
  }

  #queryBox(b: Box, out: CarTuple[]): void {
    const d = this.#cellDeg;
    const x0 = Math.floor(b.west / d);
    const x1 = Math.floor(b.east / d);
    const y0 = Math.floor(b.south / d);
    const y1 = Math.floor(b.north / d);
    const span = (x1 - x0 + 1) * (y1 - y0 + 1);
    if (span > this.#cells.size) {
      for (const cell of this.#cells.values()) for (const c of cell) if (inBox(b, c[1], c[2])) out.push(c);
      return;
    }
    for (let x = x0; x <= x1; x++) {
      for (let y = y0; y <= y1; y++) {
        const cell = this.#cells.get(cellKey(x, y));
        if (cell === undefined) continue;
        const inner = x > x0 && x < x1 && y > y0 && y < y1;
        for (const c of cell) if (inner || inBox(b, c[1], c[2])) out.push(c);
      }
    }
  }
}
