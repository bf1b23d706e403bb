/**
 * Fence validation: TypeBox shape check (compiled once), then the geometry rules
 * (geometry-checks.ts), then each action's command params against protocol's command catalogue.
 * Every refusal is GEOFENCE_INVALID with a stable `reason` (`ring_not_closed`, `schema`,
 * `action_params_invalid`...), the field and the rule: what the REST layer returns as a 400.
 */
import { V2xError } from '../../../core/errors.js';
import { validateCommandParams } from '../../../protocol/commands.js';
import { describeValue } from '../../../protocol/issues.js';
import { compileValidator } from '../../../protocol/validator.js';
import { geometryProblem, type GeometryProblemReason } from './geometry-checks.js';
import { FenceSchema, type Fence, type FenceInput } from './schema.js';

export type GeofenceInvalidReason = GeometryProblemReason | 'schema' | 'action_params_invalid';

export interface GeofenceIssue {
  readonly code: 'GEOFENCE_INVALID';
  readonly reason: GeofenceInvalidReason;
  /** Dotted path, e.g. `geofence.geometry.coordinates[0]`. */
  readonly field: string;
  readonly rule: string;
  readonly value: unknown;
  /** `geofence.geometry.coordinates[0]: a ring must be closed... (got ...)`. */
  readonly message: string;
}

export type FenceResult = { readonly ok: true; readonly value: Fence } | { readonly ok: false; readonly issue: GeofenceIssue };

const LABEL = 'geofence';
const shape = compileValidator(LABEL, FenceSchema, { codeFor: () => 'GEOFENCE_INVALID' });

/** `/coordinates/0/3` -> `.coordinates[0][3]`. */
function dotted(path: string): string {
  return path
    .split('/')
    .slice(1)
    .map((p) => (/^\d+$/.test(p) ? `[${p}]` : `.${p}`))
    .join('');
}

function issue(reason: GeofenceInvalidReason, field: string, rule: string, value: unknown): GeofenceIssue {
  return { code: 'GEOFENCE_INVALID', reason, field, rule, value, message: `${field}: ${rule} (got ${describeValue(value)})` };
}

/** Checks a fence as submitted; on success the value has its defaults (tags [], enabled true) filled in. */
export function validateFence(value: unknown): FenceResult {
  if (!shape.check(value)) {
    const i = shape.issue(value);
    return { ok: false, issue: issue('schema', i?.field ?? LABEL, i?.rule ?? 'is not a geofence', i?.value ?? value) };
  }
  const input: FenceInput = value;
  const v = input.vehicles;
  if (v !== undefined && (v.vins === undefined) === (v.fleetTag === undefined))
    return { ok: false, issue: issue('schema', `${LABEL}.vehicles`, 'must have exactly one of vins or fleetTag', v) };
  const g = geometryProblem(input.geometry);
  if (g) return { ok: false, issue: issue(g.reason, `${LABEL}.geometry${dotted(g.path)}`, g.rule, g.value) };
  const actions = input.actions ?? [];
  for (let i = 0; i < actions.length; i++) {
    const a = actions[i];
    if (a === undefined) continue;
    const r = validateCommandParams(a.command.type, a.command.params);
    if (!r.ok)
      return {
        ok: false,
        issue: issue('action_params_invalid', `${LABEL}.actions[${i}].command.params`, r.issue.message, a.command.params),
      };
  }
  return { ok: true, value: { ...input, tags: input.tags ?? [], enabled: input.enabled ?? true } };
}

export function issueToGeofenceError(i: GeofenceIssue): V2xError {
  return new V2xError('GEOFENCE_INVALID', i.message, { details: { reason: i.reason, field: i.field, rule: i.rule, value: i.value } });
}

/** The validated fence, or throws GEOFENCE_INVALID naming the reason. */
export function assertFence(value: unknown): Fence {
  const r = validateFence(value);
  if (r.ok) return r.value;
  throw issueToGeofenceError(r.issue);
}
