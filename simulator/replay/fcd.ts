/**
 * SUMO floating car data (FCD) traces, exported with geo coordinates:
 *
 *   sumo -c city.sumocfg --fcd-output fcd.xml --fcd-output.geo true
 *
 *   <fcd-export>
 *     <timestep time="0.00">
 *       <vehicle id="veh0" x="11.575000" y="48.137000" angle="90.00" type="car" speed="13.90" pos="5.10" lane="e1_0" slope="0.00"/>
 *     </timestep>
 *   </fcd-export>
 *
 * With --fcd-output.geo, x is the longitude and y the latitude in degrees; `speed` is m/s; `angle`
 * is the heading in degrees clockwise from north (SUMO's navigational convention). `time` is
 * seconds from the simulation start (or [d:]h:mm:ss with --human-readable-time), placed on the
 * calendar by `beginEpochMs`. <person> and <container> elements are ignored. SUMO ids are not
 * VINs, so ids are mapped to generated VINs by default (see vin-map.ts). Streamed: the first
 * problem fails with TRACE_INVALID as `file:line: problem`.
 */
import { V2xError } from '../../core/errors.js';
import { readChunks } from './source.js';
import { parseSumoTime } from './timestamp.js';
import { TraceBuilder, type Trace } from './trace.js';
import { VinResolver, type VehicleIdMode } from './vin-map.js';
import { scanXmlTags, xmlAttributes, XmlScanError } from './xml-tags.js';

export interface FcdTraceOptions {
  /** Epoch ms of simulation time 0; default 0 (rebase at playback to put the trace on today's clock). */
  readonly beginEpochMs?: number;
  /** Default 'map': ids that are not valid VINs get generated VINs. 'vin' refuses them. */
  readonly vehicleIds?: VehicleIdMode;
}

const NUMBER = /^[+-]?(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?$/;
const GEO_HINT = 'x and y look like metres, not longitude and latitude: export with sumo --fcd-output.geo true';

/** Parses FCD XML from text chunks. `source` names the file in messages. */
export async function parseFcdChunks(
  chunks: AsyncIterable<string> | Iterable<string>,
  source: string,
  options: FcdTraceOptions = {},
): Promise<Trace> {
  const begin = options.beginEpochMs ?? 0;
  if (!Number.isFinite(begin)) throw new V2xError('TRACE_INVALID', `beginEpochMs must be a finite number (got ${begin})`);
  const builder = new TraceBuilder(source, 'fcd');
  const vins = new VinResolver(options.vehicleIds ?? 'map');
  let line = 0;
  const fail = (problem: string): V2xError =>
    new V2xError('TRACE_INVALID', `${source}:${line}: ${problem}`, { details: { file: source, line, problem } });

  let root: string | undefined;
  let timeMs: number | undefined;
  try {
    for await (const tag of scanXmlTags(chunks)) {
      line = tag.line;
      if (root === undefined) {
        if (tag.closing || tag.name !== 'fcd-export') {
          throw fail(`not a SUMO FCD export: the root element is <${tag.name}>, expected <fcd-export> (sumo --fcd-output)`);
        }
        root = tag.name;
        continue;
      }
      if (tag.name === 'timestep') {
        if (tag.closing) {
          timeMs = undefined;
          continue;
        }
        const text = xmlAttributes(tag.attrs).get('time');
        if (text === undefined) throw fail(`<timestep> has no 'time' attribute`);
        const s = parseSumoTime(text);
        if (s === undefined) throw fail(`timestep time is not a number of seconds (got '${text}')`);
        timeMs = tag.empty ? undefined : begin + Math.round(s * 1000);
        continue;
      }
      if (tag.name !== 'vehicle' || tag.closing) continue;
      if (timeMs === undefined) throw fail('<vehicle> outside a <timestep>');
      const a = xmlAttributes(tag.attrs);
      const id = a.get('id');
      if (id === undefined || id === '') throw fail(`<vehicle> has no 'id'`);
      const get = (name: string): number => {
        const text = a.get(name);
        if (text === undefined) throw fail(`vehicle ${id}: missing attribute '${name}'`);
        if (!NUMBER.test(text)) throw fail(`vehicle ${id}: ${name} is not a number (got '${text}')`);
        return Number(text);
      };
      const lon = get('x');
      const lat = get('y');
      if (Math.abs(lon) > 180 || Math.abs(lat) > 90) throw fail(`vehicle ${id}: x=${a.get('x')} y=${a.get('y')}: ${GEO_HINT}`);
      const speed = get('speed');
      if (speed < 0) throw fail(`vehicle ${id}: speed must not be negative (got ${a.get('speed')})`);
      const angle = get('angle');
      let vehicle = builder.vehicleOf(id);
      if (vehicle === undefined) {
        const r = vins.resolve(id);
        if ('problem' in r) throw fail(r.problem);
        vehicle = builder.addVehicle(id, r.vin, r.mapped);
      }
      builder.add(vehicle, timeMs, lat, lon, speed, ((angle % 360) + 360) % 360);
    }
  } catch (err) {
    if (err instanceof XmlScanError) {
      line = err.line;
      throw fail(err.message);
    }
    throw err;
  }
  if (root === undefined)
    throw new V2xError('TRACE_INVALID', `${source}: no XML elements (expected a SUMO FCD export)`, { details: { file: source } });
  if (builder.size === 0)
    throw new V2xError('TRACE_INVALID', `${source}: no vehicle positions in the FCD export`, { details: { file: source } });
  return builder.finish();
}

/** Reads a SUMO FCD XML file (optionally .gz) in chunks. */
export function parseFcdTrace(path: string, options: FcdTraceOptions = {}): Promise<Trace> {
  return parseFcdChunks(readChunks(path), path, options);
}
