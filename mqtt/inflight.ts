/**
 * The in-flight table of one session: packets sent and not yet acknowledged (QoS 1 PUBLISH, QoS 2
 * PUBLISH/PUBREL, SUBSCRIBE, UNSUBSCRIBE), with their packet ids and send times.
 *
 * A window of at most `capacity` slots (power of two). A packet id always sits in slot id & mask, so a
 * lookup is one index and a compare, and nothing is allocated per message: the numbers live in one
 * array of doubles, the packets (kept for retransmission after a reconnect) in another.
 *
 * The table starts small (4 slots) and doubles when it is full, up to `capacity`: a car at 1 Hz has
 * one or two packets in flight, and thousands of sessions would otherwise each hold a window sized
 * for a backlog (768 bytes of numbers and a 32-entry array at the default window of 16). Doubling
 * keeps every id in its own slot: ids apart modulo 2^k are apart modulo 2^(k+1).
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
const INITIAL_SLOTS = 4;

export class InflightTable {
  /** The most slots the table grows to. */
  readonly capacity: number;
  /** Slots allocated now (a power of two, at most capacity; 0 before the first allocate). */
  #slots = 0;
  #mask = 0;
  #nums: number[] | undefined;
  #packets: (Buffer | undefined)[] | undefined;
  #count = 0;
  #nextId = 1;
  #order = 0;

  constructor(capacity: number) {
    let n = 1;
    while (n < capacity) n <<= 1;
    this.capacity = n;
  }

  /** Slots allocated now (grows on demand up to capacity). */
  get slots(): number {
    return this.#slots;
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
    if (this.#count >= this.#slots) this.#grow();
    const nums = this.#nums!;
    const packets = this.#packets!;
    for (let tries = 0; tries < this.#slots; tries++) {
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

  /** Doubles the table (or makes its first 4 slots), moving every packet to the slot of its id. */
  #grow(): void {
    const slots = this.#slots === 0 ? Math.min(INITIAL_SLOTS, this.capacity) : this.#slots * 2;
    const mask = slots - 1;
    const nums = new Array<number>(slots * F).fill(0);
    const packets = new Array<Buffer | undefined>(slots).fill(undefined);
    const old = this.#nums;
    if (old !== undefined) {
      for (let s = 0; s < this.#slots; s++) {
        const idKind = old[s * F + 1]!;
        if (idKind === 0) continue;
        const to = (idKind % 65536) & mask;
        nums[to * F] = old[s * F]!;
        nums[to * F + 1] = idKind;
        nums[to * F + 2] = old[s * F + 2]!;
        packets[to] = this.#packets![s];
      }
    }
    this.#nums = nums;
    this.#packets = packets;
    this.#slots = slots;
    this.#mask = mask;
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
    for (let s = 0; s < this.#slots; s++) {
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
    for (let s = 0; s < this.#slots; s++) if (nums[s * F + 1] !== 0) slots.push(s);
    return slots.sort((a, b) => nums[a * F + 2]! - nums[b * F + 2]!);
  }
}
