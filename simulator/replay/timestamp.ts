/**
 * Timestamps in traces. CSV: ISO 8601 (a missing zone means UTC), or an epoch number whose
 * magnitude says the unit: below 1e11 seconds (1e11 s is the year 5138), below 1e14 milliseconds
 * (1e11 ms is 1973); beyond that it is refused (microseconds are not accepted). FCD: seconds from
 * the simulation start, plain (`12.50`) or as SUMO's --human-readable-time writes them
 * (`[d:]h:mm:ss[.ss]`).
 */

export const EPOCH_SECONDS_BELOW = 1e11;
export const EPOCH_MS_BELOW = 1e14;

const NUMBER = /^[+-]?(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?$/;
const ISO = /^(\d{4})-(\d{2})-(\d{2})([T ]\d{2}:\d{2}(:\d{2}(\.\d+)?)?)?(Z|[+-]\d{2}:?\d{2})?$/i;
const HAS_ZONE = /(Z|[+-]\d{2}:?\d{2})$/i;

/** Epoch milliseconds, or a problem to report. */
export type ParsedTime = number | { readonly problem: string };

export function parseTraceTimestamp(text: string): ParsedTime {
  if (text === '') return { problem: 'timestamp is empty' };
  if (NUMBER.test(text)) {
    const n = Number(text);
    if (!Number.isFinite(n)) return { problem: `timestamp is not a finite number (got ${text})` };
    const a = Math.abs(n);
    if (a < EPOCH_SECONDS_BELOW) return Math.round(n * 1000);
    if (a < EPOCH_MS_BELOW) return Math.round(n);
    return { problem: `timestamp ${text} is too large for epoch milliseconds (microseconds are not accepted)` };
  }
  const m = ISO.exec(text);
  if (m === null) return { problem: `timestamp must be ISO 8601, epoch seconds or epoch milliseconds (got ${text})` };
  const [year, month, day] = [Number(m[1]), Number(m[2]), Number(m[3])];
  // Date.parse rolls 2026-02-30 over into March: refuse days the month does not have
  if (new Date(Date.UTC(year, month - 1, day)).getUTCDate() !== day) return { problem: `timestamp is not a valid date (got ${text})` };
  let iso = text.replace(' ', 'T');
  if (!iso.includes('T')) iso += 'T00:00:00';
  if (!HAS_ZONE.test(iso)) iso += 'Z';
  else iso = iso.replace(/([+-]\d{2})(\d{2})$/, '$1:$2');
  const ms = Date.parse(iso);
  if (!Number.isFinite(ms)) return { problem: `timestamp is not a valid date (got ${text})` };
  return ms;
}

const CLOCK = /^(?:(\d+):)?(\d+):(\d{1,2}):(\d{1,2}(?:\.\d*)?)$/;

/** Seconds from the simulation start in an FCD `time` attribute, or undefined when malformed. */
export function parseSumoTime(text: string): number | undefined {
  if (NUMBER.test(text)) {
    const n = Number(text);
    return Number.isFinite(n) ? n : undefined;
  }
  const m = CLOCK.exec(text);
  if (m === null) return undefined;
  const [, d, h, mi, s] = m;
  return Number(d ?? 0) * 86_400 + Number(h) * 3600 + Number(mi) * 60 + Number(s);
}
