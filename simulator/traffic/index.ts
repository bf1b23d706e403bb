/** The traffic model and what it produces: kinematics per car, incidents and ground truth. */
export { TrafficModel, type TrafficModelOptions, type AddCarOptions } from './model.js';
export { emptyKinematics, type CarKinematics } from './kinematics.js';
export { toJsonl, type GroundTruthRecord, type SegmentTruthRecord } from './ground-truth.js';
export type { IncidentRecord, IncidentSpec, RandomIncidentOptions } from './incidents.js';
export { idmAccel, sampleDriver, MAX_BRAKE, type DriverParams } from './idm.js';
export { GREEN, AMBER, RED, DEFAULT_SIGNAL_TIMING, type SignalColour, type SignalTiming } from './signals.js';
