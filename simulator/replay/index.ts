/** Trace replay: recorded traces (CSV, SUMO FCD) parsed into a timeline that drives the same cars. */
export { loadTrace, detectTraceFormat, type LoadTraceOptions, type TraceFormat } from './load.js';
export { parseCsvTrace, parseCsvLines, splitCsvLine, type CsvTraceOptions } from './csv.js';
export { parseFcdTrace, parseFcdChunks, type FcdTraceOptions } from './fcd.js';
export { TraceBuilder, sliceTrace, type Trace, type TraceStats, type TraceVehicle } from './trace.js';
export { TraceTimeline, type AdvanceMode, type DueFix, type ReplayKinematics, type SampleState, type TimelineVehicle } from './timeline.js';
export { ReplayPlayback, type PlaybackOptions, type PlayedFix, type ReplayTimestamps } from './playback.js';
export { VinResolver, vinForId, GENERATED_VIN_PREFIX, type VehicleIdMode, type VinResolution } from './vin-map.js';
export { parseTraceTimestamp, parseSumoTime } from './timestamp.js';
