/**
 * The fences the evaluator knows: compiled fences in numbered slots, by id, and a GridIndex over
 * the enabled ones. Upsert, delete and enable/disable change one fence's slot and cells; nothing is
 * rebuilt. Disabled fences stay known (so enabling one needs no new definition) but out of the index.
 */
import { compileFence, type CompiledFence } from './shape.js';
import { GridIndex, type GridIndexOptions } from './grid-index.js';
import type { Fence } from './schema.js';

export class FenceSet {
  readonly index: GridIndex;
  readonly #slots: (CompiledFence | undefined)[] = [];
  readonly #free: number[] = [];
  readonly #byId = new Map<string, number>();

  constructor(options: GridIndexOptions = {}) {
    this.index = new GridIndex(options);
  }

  get size(): number {
    return this.#byId.size;
  }

  /** The compiled fence in a slot (slots come from index queries). */
  at(slot: number): CompiledFence | undefined {
    return this.#slots[slot];
  }

  get(id: string): CompiledFence | undefined {
    const slot = this.#byId.get(id);
    return slot === undefined ? undefined : this.#slots[slot];
  }

  /** Every fence, sorted by id. */
  list(): CompiledFence[] {
    return [...this.#byId.keys()].sort().map((id) => this.get(id) as CompiledFence);
  }

  /** Adds or replaces a validated fence; returns the previous version, if any. */
  upsert(fence: Fence): CompiledFence | undefined {
    const compiled = compileFence(fence);
    const existing = this.#byId.get(fence.id);
    const slot = existing ?? this.#free.pop() ?? this.#slots.length;
    const previous = existing === undefined ? undefined : this.#slots[existing];
    this.#slots[slot] = compiled;
    this.#byId.set(fence.id, slot);
    if (fence.enabled) this.index.insert(slot, compiled.minLon, compiled.minLat, compiled.maxLon, compiled.maxLat);
    else this.index.remove(slot);
    return previous;
  }

  delete(id: string): CompiledFence | undefined {
    const slot = this.#byId.get(id);
    if (slot === undefined) return undefined;
    const previous = this.#slots[slot];
    this.index.remove(slot);
    this.#slots[slot] = undefined;
    this.#byId.delete(id);
    this.#free.push(slot);
    return previous;
  }

  /** Enables or disables a known fence; returns the fence with its new flag, or undefined if unknown. */
  setEnabled(id: string, enabled: boolean): CompiledFence | undefined {
    const current = this.get(id);
    if (current === undefined) return undefined;
    if (current.fence.enabled === enabled) return current;
    this.upsert({ ...current.fence, enabled });
    return this.get(id);
  }
}
