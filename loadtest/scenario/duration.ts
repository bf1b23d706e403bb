/**
 * Durations of scenario files: "90s", "2m", "1h30m", "500ms", "1.5h", or a bare number of seconds.
 * Parsed to whole milliseconds; `formatDuration` writes them back in the same style.
 */

const UNIT_MS: Readonly<Record<string, number>> = { ms: 1, s: 1000, m: 60_000, h: 3_600_000 };

/** The regular expression a duration string must match (also used by the scenario schema). */
export const DURATION_PATTERN = '^\\s*(\\d+(\\.\\d+)?\\s*(ms|s|m|h)\\s*)+$|^\\s*\\d+(\\.\\d+)?\\s*$';

export const DURATION_HELP = 'a duration such as 90s, 2m, 1h30m or 500ms (a bare number means seconds)';

/** Milliseconds of a duration, or undefined when the text is not one. */
export function tryParseDuration(v: string | number): number | undefined {
  if (typeof v === 'number') return Number.isFinite(v) && v >= 0 ? Math.round(v * 1000) : undefined;
  const text = v.trim();
  if (/^\d+(\.\d+)?$/.test(text)) return Math.round(Number(text) * 1000);
  const re = /(\d+(?:\.\d+)?)\s*(ms|s|m|h)\s*/gy;
  let total = 0;
  let parts = 0;
  let m: RegExpExecArray | null;
  while ((m = re.exec(text)) !== null) {
    total += Number(m[1]) * (UNIT_MS[m[2] as string] as number);
    parts++;
    if (re.lastIndex === text.length) return Math.round(total);
  }
  return parts > 0 && re.lastIndex === text.length ? Math.round(total) : undefined;
}

/** Milliseconds of a duration; throws a RangeError naming the text when it is not one. */
export function parseDuration(v: string | number): number {
  const ms = tryParseDuration(v);
  if (ms === undefined) throw new RangeError(`expected ${DURATION_HELP} (got ${JSON.stringify(v)})`);
  return ms;
}

/** 5_400_000 -> "1h30m", 90_000 -> "1m30s", 1500 -> "1.5s", 0 -> "0s". */
export function formatDuration(ms: number): string {
  if (ms <= 0) return '0s';
  if (ms < 1000) return `${Math.round(ms)}ms`;
  const h = Math.floor(ms / 3_600_000);
  const m = Math.floor((ms % 3_600_000) / 60_000);
  const s = (ms % 60_000) / 1000;
  let out = '';
  if (h > 0) out += `${h}h`;
  if (m > 0) out += `${m}m`;
  if (s > 0) out += `${Number.isInteger(s) ? s : s.toFixed(1).replace(/\.0$/, '')}s`;
  return out;
}
