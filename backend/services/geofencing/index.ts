/**
 * backend/services/geofencing: the pure core. Fence model and validation (schema.ts, validate.ts,
 * geojson.ts), the spatial index (grid-index.ts, fence-set.ts) and the evaluator (evaluator.ts).
 * The REST / Kafka / socket.io shell wraps these; nothing here does I/O.
 */
export * from './schema.js';
export {
  validateFence,
  assertFence,
  issueToGeofenceError,
  type FenceResult,
  type GeofenceIssue,
  type GeofenceInvalidReason,
} from './validate.js';
export { GEOMETRY_PROBLEMS, geometryProblem, type GeometryProblem, type GeometryProblemReason } from './geometry-checks.js';
export {
  featureToFence,
  featureToFenceInput,
  collectionToFences,
  fenceToFeature,
  type FenceFeature,
  type FenceFeatureCollection,
} from './geojson.js';
export { createGeofenceState, evaluate, fencesOf, type Evaluation } from './evaluator.js';
export { compareEvents } from './outputs.js';
export { FenceSet } from './fence-set.js';
export { GridIndex, type GridIndexOptions } from './grid-index.js';
export {
  compileFence,
  circleShape,
  corridorShape,
  polygonsShape,
  containsLocal,
  depthLocal,
  passageLocal,
  type CompiledFence,
  type Shape,
  type Passage,
} from './shape.js';
export * from './types.js';
