/**
 * Which partition a key goes to: Kafka's default partitioner for keyed records (murmur2 of the key's
 * UTF-8 bytes, made positive, modulo the partition count), as the Java client and kafkajs's
 * DefaultPartitioner compute it. A service uses it to tell whether it owns a key's partition (the
 * commands of a VIN belong to the instance holding the VIN's partition).
 */

/** Kafka's murmur2 (org.apache.kafka.common.utils.Utils.murmur2), 32-bit signed result. */
export function murmur2(data: Uint8Array): number {
  const length = data.length;
  const m = 0x5bd1e995;
  let h = 0x9747b28c ^ length;
  const blocks = length >> 2;
  for (let i = 0; i < blocks; i++) {
    const j = i * 4;
    let k = (data[j]! & 0xff) | ((data[j + 1]! & 0xff) << 8) | ((data[j + 2]! & 0xff) << 16) | ((data[j + 3]! & 0xff) << 24);
    k = Math.imul(k, m);
    k ^= k >>> 24;
    k = Math.imul(k, m);
    h = Math.imul(h, m);
    h ^= k;
  }
  const tail = length & ~3;
  const rest = length & 3;
  if (rest === 3) h ^= (data[tail + 2]! & 0xff) << 16;
  if (rest >= 2) h ^= (data[tail + 1]! & 0xff) << 8;
  if (rest >= 1) {
    h ^= data[tail]! & 0xff;
    h = Math.imul(h, m);
  }
  h ^= h >>> 13;
  h = Math.imul(h, m);
  h ^= h >>> 15;
  return h | 0;
}

/** The partition of a record with this key on a topic of `partitions` partitions. */
export function partitionOfKey(key: string, partitions: number): number {
  if (!(Number.isInteger(partitions) && partitions > 0)) throw new RangeError(`partitions must be a positive integer (got ${partitions})`);
  return (murmur2(Buffer.from(key, 'utf8')) & 0x7fffffff) % partitions;
}
