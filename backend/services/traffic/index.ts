/** The traffic service's pure cores (issue 7): map matching, windows, jams, forecasts (scoring against ground truth lives in eval/traffic/). */
export { MapMatcher, type MatcherOptions } from './map-matcher.js';
export { gridKey, DEFAULT_GRID_ZOOM } from './grid-key.js';
export { SegmentWindows, median, percentile, type WindowOptions } from './windows.js';
export { FreeFlowLearner, type FreeFlowOptions } from './free-flow.js';
export { jamFactor, JAM_THRESHOLD } from './jam-factor.js';
export { mergeJammed, continues } from './jam-merge.js';
export { JamTracker, type JamTrackerOptions } from './jam-tracker.js';
export { Forecaster, type ForecasterOptions, type SegmentInput } from './forecaster.js';
export { spillbackWarnings } from './spillback.js';
export { TrafficDetector, type DetectorOptions, type StepOutput } from './detector.js';
export * from './types.js';
