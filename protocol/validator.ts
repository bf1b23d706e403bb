/**
 * Validators compiled once from TypeBox schemas (TypeCompiler), with errors that name the field and
 * the rule. The fast path is one compiled Check; the error path (invalid input only) walks
 * TypeBox's error iterator for the first error and words it as a rule.
 */
import { FormatRegistry, Kind, type Static, type TSchema } from '@sinclair/typebox';
import { TypeCompiler, type TypeCheck } from '@sinclair/typebox/compiler';
import { ValueErrorType, type ValueError } from '@sinclair/typebox/errors';
import type { ErrorCode } from '../core/errors.js';
import { fail, makeIssue, ok, type Issue, type Result } from './issues.js';
import { isValidVin, vinProblem } from './vin.js';

FormatRegistry.Set('vin', (v) => isValidVin(v));

export interface Validator<T> {
  /** First level of every field name, e.g. `telemetry`. */
  readonly label: string;
  readonly schema: TSchema;
  /** Fast boolean check (no allocation on success). */
  check(value: unknown): value is T;
  /** The first issue of an invalid value, undefined when valid. */
  issue(value: unknown): Issue | undefined;
  validate(value: unknown): Result<T>;
}

export interface Refinement {
  readonly path: string;
  readonly rule: string;
  readonly value: unknown;
}

export interface ObjectValidatorOptions<T> {
  /** Error code for a path (default PAYLOAD_INVALID); command params use COMMAND_PARAMS_INVALID. */
  readonly codeFor?: (path: string) => ErrorCode;
  /** Cross-field rules a JSON schema cannot say (expiresAt after issuedAt...). */
  readonly refine?: (value: T) => Refinement | undefined;
}

/** `/gps/speedKmh` -> `.gps.speedKmh`, `/items/0` -> `.items[0]`. */
export function pathToField(label: string, path: string): string {
  if (path === '') return label;
  return (
    label +
    path
      .split('/')
      .slice(1)
      .map((p) => (/^\d+$/.test(p) ? `[${p}]` : `.${p}`))
      .join('')
  );
}

export function compileValidator<S extends TSchema>(
  label: string,
  schema: S,
  options: ObjectValidatorOptions<Static<S>> = {},
): Validator<Static<S>> {
  const compiled: TypeCheck<S> = TypeCompiler.Compile(schema);
  const refine = options.refine;
  const codeFor = options.codeFor ?? (() => 'PAYLOAD_INVALID' as const);
  const check = (value: unknown): value is Static<S> => compiled.Check(value) && (refine === undefined || refine(value) === undefined);
  const issue = (value: unknown): Issue | undefined => {
    const first = compiled.Errors(value).First();
    if (first !== undefined) return makeIssue(codeFor(first.path), pathToField(label, first.path), ruleOf(first), first.value);
    const r = refine?.(value as Static<S>);
    return r === undefined ? undefined : makeIssue(codeFor(r.path), pathToField(label, r.path), r.rule, r.value);
  };
  return {
    label,
    schema,
    check,
    issue,
    validate: (value) => {
      if (check(value)) return ok(value);
      return fail(issue(value) ?? makeIssue('INTERNAL', label, 'failed a check that reports no error', value));
    },
  };
}

/**
 * A union discriminated by one string property (`type`, `state`): dispatches on it, so an error
 * names the variant's field instead of TypeBox's "Expected union value".
 */
export function discriminatedValidator<T>(
  label: string,
  key: string,
  schema: TSchema,
  variants: ReadonlyMap<string, Validator<T>>,
  unknownCode: ErrorCode = 'PAYLOAD_INVALID',
): Validator<T> {
  const known = [...variants.keys()];
  const variantOf = (value: unknown): Validator<T> | undefined => {
    if (typeof value !== 'object' || value === null) return undefined;
    const tag = (value as Record<string, unknown>)[key];
    return typeof tag === 'string' ? variants.get(tag) : undefined;
  };
  const check = (value: unknown): value is T => variantOf(value)?.check(value) ?? false;
  const issue = (value: unknown): Issue | undefined => {
    if (typeof value !== 'object' || value === null || Array.isArray(value))
      return makeIssue('PAYLOAD_INVALID', label, 'must be an object', value);
    const v = variantOf(value);
    if (v !== undefined) return v.issue(value);
    const tag = (value as Record<string, unknown>)[key];
    const code = tag === undefined ? 'PAYLOAD_INVALID' : unknownCode;
    return makeIssue(code, `${label}.${key}`, `must be one of ${known.join(', ')}`, tag);
  };
  return {
    label,
    schema,
    check,
    issue,
    validate: (value) =>
      check(value) ? ok(value) : fail(issue(value) ?? makeIssue('INTERNAL', label, 'failed a check that reports no error', value)),
  };
}

function literals(schema: TSchema): string | undefined {
  const anyOf = (schema as { anyOf?: TSchema[] }).anyOf;
  if (schema[Kind] !== 'Union' || anyOf === undefined || !anyOf.every((s) => s[Kind] === 'Literal')) return undefined;
  return anyOf.map((s) => String((s as unknown as { const: unknown }).const)).join(', ');
}

/** Words TypeBox's first error as a rule: `must be >= 0`, `is required`, `must be one of P, R`. */
export function ruleOf(e: ValueError): string {
  const s = e.schema as Record<string, unknown>;
  switch (e.type) {
    case ValueErrorType.ObjectRequiredProperty:
      return 'is required';
    case ValueErrorType.ObjectAdditionalProperties:
      return 'is not a known field';
    case ValueErrorType.Object:
      return 'must be an object';
    case ValueErrorType.NumberMinimum:
    case ValueErrorType.IntegerMinimum:
      return `must be >= ${String(s.minimum)}`;
    case ValueErrorType.NumberMaximum:
    case ValueErrorType.IntegerMaximum:
      return `must be <= ${String(s.maximum)}`;
    case ValueErrorType.NumberExclusiveMinimum:
    case ValueErrorType.IntegerExclusiveMinimum:
      return `must be > ${String(s.exclusiveMinimum)}`;
    case ValueErrorType.NumberExclusiveMaximum:
    case ValueErrorType.IntegerExclusiveMaximum:
      return `must be < ${String(s.exclusiveMaximum)}`;
    case ValueErrorType.NumberMultipleOf:
    case ValueErrorType.IntegerMultipleOf:
      return `must be a multiple of ${String(s.multipleOf)}`;
    case ValueErrorType.Number:
      return 'must be a finite number';
    case ValueErrorType.Integer:
      return 'must be an integer';
    case ValueErrorType.Boolean:
      return 'must be a boolean';
    case ValueErrorType.String:
      return 'must be a string';
    case ValueErrorType.StringMinLength:
      return `must have at least ${String(s.minLength)} characters`;
    case ValueErrorType.StringMaxLength:
      return `must have at most ${String(s.maxLength)} characters`;
    case ValueErrorType.StringPattern:
      return `must match ${String(s.pattern)}`;
    case ValueErrorType.StringFormat:
      if (s.format === 'vin')
        return `must be a valid VIN: ${typeof e.value === 'string' ? (vinProblem(e.value) ?? 'invalid') : 'not a string'}`;
      return `must be a ${String(s.format)}`;
    case ValueErrorType.Literal:
      return `must be ${JSON.stringify(s.const)}`;
    case ValueErrorType.Union: {
      const l = literals(e.schema);
      return l === undefined ? 'matches none of the allowed shapes' : `must be one of ${l}`;
    }
    case ValueErrorType.Array:
      return 'must be an array';
    case ValueErrorType.ArrayMinItems:
      return `must have at least ${String(s.minItems)} items`;
    case ValueErrorType.ArrayMaxItems:
      return `must have at most ${String(s.maxItems)} items`;
    default:
      return e.message.replace(/^Expected/, 'expected');
  }
}
