/**
 * CSV traces: a header naming the columns, then one fix per row.
 *
 *   vin,timestamp,lat,lon,speed,heading
 *   1HGCM82633A004352,2026-03-01T08:00:00Z,48.1370,11.5750,36.0,90
 *
 * Columns are found by name (any order, case-insensitive; other columns are ignored): `vin` (or
 * `id`), `timestamp` (ISO 8601, epoch seconds or epoch milliseconds: see timestamp.ts), `lat`, `lon`
 * in degrees, `speed` in km/h (or `speed_mps` in m/s), `heading` in degrees clockwise from north,
 * 0 to 360. Blank lines and lines starting with '#' are skipped; fields may be double-quoted. Read
 * line by line; the first problem fails with TRACE_INVALID as `file:line: problem`.
 */
import { V2xError } from '../../core/errors.js';
import { readLines } from './source.js';
import { parseTraceTimestamp } from './timestamp.js';
import { TraceBuilder, type Trace } from './trace.js';
import { VinResolver, type VehicleIdMode } from './vin-map.js';

export interface CsvTraceOptions {
  /** Default 'vin': every id must be a valid VIN. 'map' generates VINs for other ids. */
  readonly vehicleIds?: VehicleIdMode;
}

const NUMBER = /^[+-]?(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?$/;
const KMH = 1 / 3.6;

interface Columns {
  readonly id: number;
  readonly time: number;
  readonly lat: number;
  readonly lon: number;
  readonly speed: number;
  /** Multiplier to m/s: 1/3.6 for `speed`, 1 for `speed_mps`. */
  readonly speedScale: number;
  readonly heading: number;
  /** Fields a row needs at least (the largest index used + 1). */
  readonly width: number;
}

/** Splits one CSV record (RFC 4180 quoting, no line breaks inside fields). */
export function splitCsvLine(line: string): string[] | undefined {
  if (!line.includes('"')) return line.split(',');
  const out: string[] = [];
  let field = '';
  let i = 0;
  let quoted = false;
  while (i < line.length) {
    const c = line[i] as string;
    if (quoted) {
      if (c === '"') {
        if (line[i + 1] === '"') {
          field += '"';
          i++;
        } else quoted = false;
      } else field += c;
    } else if (c === '"') {
      if (field.trim() !== '') return undefined;
      quoted = true;
      field = '';
    } else if (c === ',') {
      out.push(field);
      field = '';
    } else field += c;
    i++;
  }
  if (quoted) return undefined;
  out.push(field);
  return out;
}

function headerColumns(names: readonly string[], where: string): Columns {
  const seen = new Map<string, number>();
  names.forEach((raw, i) => {
    const name = raw.trim().toLowerCase();
    if (name === '') return;
    if (seen.has(name)) throw new V2xError('TRACE_INVALID', `${where}: column '${name}' appears twice in the header`);
    seen.set(name, i);
  });
  const find = (...alts: string[]): number | undefined => {
    for (const a of alts) {
      const i = seen.get(a);
      if (i !== undefined) return i;
    }
    return undefined;
  };
  const need = (label: string, ...alts: string[]): number => {
    const i = find(...alts);
    if (i === undefined) {
      throw new V2xError(
        'TRACE_INVALID',
        `${where}: missing column '${label}' (the header has: ${names.map((n) => n.trim()).join(', ')})`,
        {
          details: { column: label },
        },
      );
    }
    return i;
  };
  const id = need('vin', 'vin', 'id');
  const time = need('timestamp', 'timestamp', 'time');
  const lat = need('lat', 'lat', 'latitude');
  const lon = need('lon', 'lon', 'lng', 'longitude');
  const kmh = find('speed', 'speed_kmh');
  const mps = find('speed_mps');
  if (kmh !== undefined && mps !== undefined)
    throw new V2xError('TRACE_INVALID', `${where}: give 'speed' (km/h) or 'speed_mps' (m/s), not both`);
  const speed = kmh ?? mps ?? need('speed', 'speed');
  const heading = need('heading', 'heading');
  return {
    id,
    time,
    lat,
    lon,
    speed,
    speedScale: mps !== undefined ? 1 : KMH,
    heading,
    width: Math.max(id, time, lat, lon, speed, heading) + 1,
  };
}

type Bad = { readonly problem: string };

function num(text: string, name: string): number | Bad {
  if (!NUMBER.test(text)) return { problem: text === '' ? `${name} is empty` : `${name} is not a number (got '${text}')` };
  return Number(text);
}

function inRange(text: string, name: string, lo: number, hi: number): number | Bad {
  const v = num(text, name);
  if (typeof v !== 'number') return v;
  if (v < lo || v > hi) return { problem: `${name} must be between ${lo} and ${hi} (got ${text})` };
  return v;
}

/** Parses CSV lines (the header first). `source` names the file in messages. */
export async function parseCsvLines(
  lines: AsyncIterable<string> | Iterable<string>,
  source: string,
  options: CsvTraceOptions = {},
): Promise<Trace> {
  const builder = new TraceBuilder(source, 'csv');
  const vins = new VinResolver(options.vehicleIds ?? 'vin');
  let cols: Columns | undefined;
  let lineNo = 0;
  const fail = (problem: string): V2xError =>
    new V2xError('TRACE_INVALID', `${source}:${lineNo}: ${problem}`, { details: { file: source, line: lineNo, problem } });
  const check = (v: number | Bad): number => {
    if (typeof v !== 'number') throw fail(v.problem);
    return v;
  };

  for await (const raw of lines) {
    lineNo++;
    const line = lineNo === 1 && raw.charCodeAt(0) === 0xfeff ? raw.slice(1) : raw;
    const trimmed = line.trim();
    if (trimmed === '' || trimmed.startsWith('#')) continue;
    const fields = splitCsvLine(line);
    if (fields === undefined) throw fail('unbalanced double quotes');
    if (cols === undefined) {
      cols = headerColumns(fields, `${source}:${lineNo}`);
      continue;
    }
    if (fields.length < cols.width) throw fail(`expected at least ${cols.width} fields, got ${fields.length}`);
    const f = (i: number): string => (fields[i] as string).trim();

    const id = f(cols.id);
    if (id === '') throw fail('vin is empty');
    let vehicle = builder.vehicleOf(id);
    if (vehicle === undefined) {
      const r = vins.resolve(id);
      if ('problem' in r) throw fail(r.problem);
      vehicle = builder.addVehicle(id, r.vin, r.mapped);
    }
    const t = parseTraceTimestamp(f(cols.time));
    if (typeof t !== 'number') throw fail(t.problem);
    const lat = check(inRange(f(cols.lat), 'lat', -90, 90));
    const lon = check(inRange(f(cols.lon), 'lon', -180, 180));
    const speedText = f(cols.speed);
    const speedName = cols.speedScale === 1 ? 'speed_mps' : 'speed';
    const speed = check(num(speedText, speedName));
    if (speed < 0) throw fail(`${speedName} must not be negative (got ${speedText})`);
    const heading = check(inRange(f(cols.heading), 'heading', 0, 360));
    builder.add(vehicle, t, lat, lon, speed * cols.speedScale, heading === 360 ? 0 : heading);
  }

  if (cols === undefined)
    throw new V2xError('TRACE_INVALID', `${source}: the file is empty (expected a header: vin,timestamp,lat,lon,speed,heading)`, {
      details: { file: source },
    });
  if (builder.size === 0) throw new V2xError('TRACE_INVALID', `${source}: no fixes after the header`, { details: { file: source } });
  return builder.finish();
}

/** Reads a CSV trace file line by line. */
export function parseCsvTrace(path: string, options: CsvTraceOptions = {}): Promise<Trace> {
  return parseCsvLines(readLines(path), path, options);
}
