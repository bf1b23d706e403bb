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

type Rule = (s: Record<string, unknown>, e: ValueError) => string;
const fixed =
  (text: string): Rule =>
  () =>
    text;
/** `prefix` then the schema's `key`, e.g. `must be >= 0`. */
const bound =
  (prefix: string, key: string, suffix = ''): Rule =>
  (s) =>
    `${prefix} ${String(s[key])}${suffix}`;

/** TypeBox error types the number and integer checks share, with their rule. */
const numericRules: readonly (readonly [ValueErrorType, ValueErrorType, Rule])[] = [
  [ValueErrorType.NumberMinimum, ValueErrorType.IntegerMinimum, bound('must be >=', 'minimum')],
  [ValueErrorType.NumberMaximum, ValueErrorType.IntegerMaximum, bound('must be <=', 'maximum')],
  [ValueErrorType.NumberExclusiveMinimum, ValueErrorType.IntegerExclusiveMinimum, bound('must be >', 'exclusiveMinimum')],
  [ValueErrorType.NumberExclusiveMaximum, ValueErrorType.IntegerExclusiveMaximum, bound('must be <', 'exclusiveMaximum')],
  [ValueErrorType.NumberMultipleOf, ValueErrorType.IntegerMultipleOf, bound('must be a multiple of', 'multipleOf')],
];

const rules: Partial<Record<ValueErrorType, Rule>> = {
  [ValueErrorType.ObjectRequiredProperty]: fixed('is required'),
  [ValueErrorType.ObjectAdditionalProperties]: fixed('is not a known field'),
  [ValueErrorType.Object]: fixed('must be an object'),
  ...Object.fromEntries(
    numericRules.flatMap(([n, i, rule]) => [
      [n, rule],
      [i, rule],
    ]),
  ),
  [ValueErrorType.Number]: fixed('must be a finite number'),
  [ValueErrorType.Integer]: fixed('must be an integer'),
  [ValueErrorType.Boolean]: fixed('must be a boolean'),
  [ValueErrorType.String]: fixed('must be a string'),
  [ValueErrorType.StringMinLength]: bound('must have at least', 'minLength', ' characters'),
  [ValueErrorType.StringMaxLength]: bound('must have at most', 'maxLength', ' characters'),
  [ValueErrorType.StringPattern]: bound('must match', 'pattern'),
  [ValueErrorType.StringFormat]: (s, e) =>
    s.format === 'vin'
      ? `must be a valid VIN: ${typeof e.value === 'string' ? (vinProblem(e.value) ?? 'invalid') : 'not a string'}`
      : `must be a ${String(s.format)}`,
  [ValueErrorType.Literal]: (s) => `must be ${JSON.stringify(s.const)}`,
  [ValueErrorType.Union]: (_s, e) => {
    const l = literals(e.schema);
    return l === undefined ? 'matches none of the allowed shapes' : `must be one of ${l}`;
  },
  [ValueErrorType.Array]: fixed('must be an array'),
  [ValueErrorType.ArrayMinItems]: bound('must have at least', 'minItems', ' items'),
  [ValueErrorType.ArrayMaxItems]: bound('must have at most', 'maxItems', ' items'),
};

/** Words TypeBox's first error as a rule: `must be >= 0`, `is required`, `must be one of P, R`. */
export function ruleOf(e: ValueError): string {
  const rule = rules[e.type];
  return rule !== undefined ? rule(e.schema as Record<string, unknown>, e) : e.message.replace(/^Expected/, 'expected');
}
