/**
 * The in-flight table of one session: packets sent and not yet acknowledged (QoS 1 PUBLISH, QoS 2
 * PUBLISH/PUBREL, SUBSCRIBE, UNSUBSCRIBE), with their packet ids and send times.
 *
 * A fixed window of `capacity` slots (power of two). A packet id always sits in slot id & mask, so a
 * lookup is one index and a compare, and nothing is allocated per message: the numbers live in one
 * Float64Array, the packets (kept for retransmission after a reconnect) in one array.
 */

export const InflightKind = {
  FREE: 0,
  /** QoS 1 PUBLISH waiting for PUBACK. */
  PUBACK: 1,
  /** QoS 2 PUBLISH waiting for PUBREC. */
  PUBREC: 2,
  /** QoS 2 PUBREL sent, waiting for PUBCOMP. */
  PUBCOMP: 3,
  SUBACK: 4,
  UNSUBACK: 5,
} as const;
export type InflightKind = (typeof InflightKind)[keyof typeof InflightKind];

const F = 3; // fields per slot: sentAt, id | kind << 16, order

export class InflightTable {
  readonly capacity: number;
  readonly #mask: number;
  #nums: Float64Array | undefined;
  #packets: (Buffer | undefined)[] | undefined;
  #count = 0;
  #nextId = 1;
  #order = 0;

  constructor(capacity: number) {
    let n = 1;
    while (n < capacity) n <<= 1;
    this.capacity = n;
    this.#mask = n - 1;
  }

  get size(): number {
    return this.#count;
  }

  get full(): boolean {
    return this.#count >= this.capacity;
  }

  /** Takes a free packet id and slot; returns the id, or 0 when the window is full. */
  allocate(kind: InflightKind, packet: Buffer | undefined, sentAt: number): number {
    if (this.#count >= this.capacity) return 0;
    const nums = (this.#nums ??= new Float64Array(this.capacity * F));
    const packets = (this.#packets ??= new Array<Buffer | undefined>(this.capacity).fill(undefined));
    for (let tries = 0; tries < this.capacity; tries++) {
      const id = this.#nextId;
      this.#nextId = id === 0xffff ? 1 : id + 1;
      const slot = id & this.#mask;
      if (nums[slot * F + 1] !== 0) continue;
      nums[slot * F] = sentAt;
      nums[slot * F + 1] = id + kind * 65536;
      nums[slot * F + 2] = ++this.#order;
      packets[slot] = packet;
      this.#count++;
      return id;
    }
    return 0;
  }

  /** The slot holding `id` in state `kind`, or -1. */
  find(id: number, kind: InflightKind): number {
    const nums = this.#nums;
    if (nums === undefined) return -1;
    const slot = id & this.#mask;
    return nums[slot * F + 1] === id + kind * 65536 ? slot : -1;
  }

  sentAt(slot: number): number {
    return this.#nums![slot * F]!;
  }

  kind(slot: number): InflightKind {
    return Math.floor(this.#nums![slot * F + 1]! / 65536) as InflightKind;
  }

  packetId(slot: number): number {
    return this.#nums![slot * F + 1]! % 65536;
  }

  packet(slot: number): Buffer | undefined {
    return this.#packets![slot];
  }

  /** Moves a QoS 2 slot on (PUBREC received: now waiting for PUBCOMP). */
  transition(slot: number, kind: InflightKind, packet: Buffer | undefined): void {
    const nums = this.#nums!;
    nums[slot * F + 1] = (nums[slot * F + 1]! % 65536) + kind * 65536;
    this.#packets![slot] = packet;
  }

  /** Restarts the latency clock of a slot whose packet is sent again. */
  resent(slot: number, sentAt: number): void {
    this.#nums![slot * F] = sentAt;
  }

  release(slot: number): void {
    this.#nums![slot * F + 1] = 0;
    this.#packets![slot] = undefined;
    this.#count--;
  }

  /** Occupied slots holding a publish of ours (QoS 1/2 PUBLISH or a QoS 2 PUBREL). */
  publishes(): number {
    const nums = this.#nums;
    if (nums === undefined || this.#count === 0) return 0;
    let n = 0;
    for (let s = 0; s < this.capacity; s++) {
      const kind = Math.floor(nums[s * F + 1]! / 65536);
      if (kind === InflightKind.PUBACK || kind === InflightKind.PUBREC || kind === InflightKind.PUBCOMP) n++;
    }
    return n;
  }

  /** Occupied slots in the order they were sent (for retransmission after a reconnect). */
  slotsInOrder(): number[] {
    const nums = this.#nums;
    if (nums === undefined || this.#count === 0) return [];
    const slots: number[] = [];
    for (let s = 0; s < this.capacity; s++) if (nums[s * F + 1] !== 0) slots.push(s);
    return slots.sort((a, b) => nums[a * F + 2]! - nums[b * F + 2]!);
  }
}
