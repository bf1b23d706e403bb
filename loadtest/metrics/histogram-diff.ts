/**
 * The difference of two serialised histograms of the same series (a later cumulative snapshot
 * minus an earlier one): what was recorded in between. Workers post cumulative MqttStats
 * snapshots; the collector needs per-second histograms. min and max of the difference are the
 * bounds of its lowest and highest non-empty buckets (within the histogram's precision).
 */
import { Histogram, type SerializedHistogram } from '../../core/histogram.js';

function decode(h: SerializedHistogram): Map<number, number> {
  const out = new Map<number, number>();
  let index = -1;
  for (let k = 0; k + 1 < h.buckets.length; k += 2) {
    index += h.buckets[k] as number;
    out.set(index, h.buckets[k + 1] as number);
  }
  return out;
}

export function subtractHistogram(later: SerializedHistogram, earlier: SerializedHistogram): SerializedHistogram {
  if (later.subBits !== earlier.subBits) throw new RangeError('cannot subtract histograms of different precision');
  const a = decode(later);
  for (const [i, c] of decode(earlier)) a.set(i, (a.get(i) ?? 0) - c);
  const probe = new Histogram(later.subBits);
  const indexes = [...a.entries()].filter(([, c]) => c > 0).sort((x, y) => x[0] - y[0]);
  const buckets: number[] = [];
  let last = -1;
  let count = 0;
  for (const [i, c] of indexes) {
    buckets.push(i - last, c);
    last = i;
    count += c;
  }
  const first = indexes[0];
  const lastEntry = indexes[indexes.length - 1];
  return {
    v: 1,
    subBits: later.subBits,
    count,
    min: first === undefined ? 0 : Math.max(later.min, probe.lowestOf(first[0])),
    max: lastEntry === undefined ? 0 : Math.min(later.max, probe.highestOf(lastEntry[0])),
    sum: count === 0 ? 0 : Math.max(0, later.sum - earlier.sum),
    buckets,
  };
}
