import { BACKEND_ROLES } from '../../backend/config.js';
import type { PlanInput } from '../../app/topology.js';

/** A plan input for two cores, every role, no asked edges: tests spread over it what they vary. */
export const basePlanInput: PlanInput = {
  cores: 2,
  roles: [...BACKEND_ROLES],
  singleProcess: false,
  edges: 0,
  instances: { geofencing: 1 },
  externalBroker: false,
};
