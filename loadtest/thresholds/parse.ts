/**
 * Threshold expressions, parsed by hand (no eval): `<metric>[.<stat>] <op> <value>[unit]`.
 *
 *   connect_time.p99 < 500ms      puback_latency.p99.9 <= 0.05s     loss == 0
 *   errors.rate < 0.1%            connected.min >= 4900             received.rate > 1000
 *
 * ops: < <= > >= == !=; units: ms s us (latencies, normalised to ms) and % (rates of ratios,
 * normalised to a fraction). Errors are THRESHOLD_INVALID naming the expression and the column.
 */
import { V2xError } from '../../core/errors.js';
import { isMetricName, isShareStat, isStat, metricCatalogue, type MetricName, type Stat } from './catalogue.js';

export const OPS = ['<', '<=', '>', '>=', '==', '!='] as const;
export type Op = (typeof OPS)[number];

export interface ThresholdExpr {
  /** The text as written. */
  readonly source: string;
  readonly metric: MetricName;
  readonly stat: Stat;
  readonly op: Op;
  /** The bound, normalised: ms for latencies, a fraction for ratio rates, else as written. */
  readonly value: number;
}

const TIME_UNITS: Readonly<Record<string, number>> = { us: 0.001, ms: 1, s: 1000 };

function fail(source: string, pos: number, rule: string): V2xError {
  const caret = `${' '.repeat(pos)}^`;
  return new V2xError('THRESHOLD_INVALID', `${JSON.stringify(source)} at column ${pos + 1}: ${rule}\n  ${source}\n  ${caret}`, {
    details: { expression: source, column: pos + 1, rule },
  });
}

export function parseThreshold(source: string): ThresholdExpr {
  const s = source;
  let i = 0;
  const skip = (): void => {
    while (i < s.length && /\s/.test(s[i] as string)) i++;
  };
  skip();
  const mStart = i;
  while (i < s.length && /[a-z0-9_]/i.test(s[i] as string)) i++;
  const metric = s.slice(mStart, i);
  if (metric === '') throw fail(s, mStart, 'expected a metric name');
  if (!isMetricName(metric)) throw fail(s, mStart, `unknown metric "${metric}" (known: ${Object.keys(metricCatalogue).join(', ')})`);
  const info = metricCatalogue[metric];

  let stat: Stat | undefined;
  if (s[i] === '.') {
    i++;
    const sStart = i;
    while (i < s.length && /[a-z0-9._]/i.test(s[i] as string)) i++;
    const text = s.slice(sStart, i);
    if (!isStat(text) || !info.stats.includes(text)) {
      throw fail(s, sStart, `"${text}" is not a stat of ${metric} (allowed: ${info.stats.join(', ')})`);
    }
    stat = text;
  } else stat = info.defaultStat;
  if (stat === undefined) throw fail(s, i, `${metric} needs a stat, e.g. ${metric}.p99 (allowed: ${info.stats.join(', ')})`);

  skip();
  const oStart = i;
  const op = (['<=', '>=', '==', '!=', '<', '>'] as const).find((o) => s.startsWith(o, i));
  if (op === undefined) throw fail(s, oStart, `expected an operator (${OPS.join(' ')})`);
  i += op.length;

  skip();
  const vStart = i;
  const num = /^[+-]?(\d+(\.\d*)?|\.\d+)(e[+-]?\d+)?/i.exec(s.slice(i));
  if (num === null) throw fail(s, vStart, 'expected a number');
  i += num[0].length;
  let value = Number(num[0]);
  const uStart = i;
  while (i < s.length && /[a-z%]/i.test(s[i] as string)) i++;
  const unit = s.slice(uStart, i);
  if (unit !== '') {
    if (unit === '%') {
      if (!isShareStat(metric, stat))
        throw fail(s, uStart, `% applies to the rate of loss, duplicates, reordered or errors and the *_rate stats of commands only`);
      value /= 100;
    } else if (Object.hasOwn(TIME_UNITS, unit)) {
      if (info.kind !== 'trend' || stat === 'count')
        throw fail(s, uStart, `a time unit applies to latency stats only (${metric}.${stat} is not a time)`);
      value *= TIME_UNITS[unit] as number;
    } else throw fail(s, uStart, `unknown unit "${unit}" (allowed: ms, s, us, %)`);
  }
  skip();
  if (i < s.length) throw fail(s, i, `unexpected "${s.slice(i)}" after the value`);
  return { source: source.trim(), metric, stat, op, value };
}

/** Does `observed op bound` hold? */
export function compare(observed: number, op: Op, bound: number): boolean {
  switch (op) {
    case '<':
      return observed < bound;
    case '<=':
      return observed <= bound;
    case '>':
      return observed > bound;
    case '>=':
      return observed >= bound;
    case '==':
      return observed === bound;
    case '!=':
      return observed !== bound;
  }
}
