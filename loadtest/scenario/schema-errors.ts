/**
 * TypeBox validation errors turned into "field: what is allowed (got ...)" lines: the JSON pointer
 * becomes a dotted path with list indexes ("stages[2].target"), and the rule comes from the
 * failing schema (its description, its literals, its bounds or the keys an object allows).
 */
import { Kind, type TSchema } from '@sinclair/typebox';
import type { ValueError } from '@sinclair/typebox/errors';

export interface FieldProblem {
  readonly field: string;
  readonly message: string;
}

/** "/stages/2/target" -> "stages[2].target". */
export function fieldOf(pointer: string): string {
  let out = '';
  for (const raw of pointer.split('/').slice(1)) {
    const part = raw.replaceAll('~1', '/').replaceAll('~0', '~');
    out += /^\d+$/.test(part) ? `[${part}]` : out === '' ? part : `.${part}`;
  }
  return out === '' ? '(top level)' : out;
}

type Loose = TSchema & {
  anyOf?: TSchema[];
  const?: unknown;
  minimum?: number;
  maximum?: number;
  exclusiveMinimum?: number;
  minLength?: number;
  minItems?: number;
  properties?: Record<string, TSchema>;
};

export function describeSchema(schema: TSchema): string {
  const s = schema as Loose;
  if (typeof s.description === 'string') return s.description;
  switch (s[Kind]) {
    case 'Union': {
      const parts = (s.anyOf ?? []).map((x) => ((x as Loose)[Kind] === 'Literal' ? JSON.stringify((x as Loose).const) : describeSchema(x)));
      return `one of ${[...new Set(parts)].join(', ')}`;
    }
    case 'Literal':
      return JSON.stringify(s.const);
    case 'Integer':
    case 'Number': {
      const what = s[Kind] === 'Integer' ? 'a whole number' : 'a number';
      const lo =
        s.minimum !== undefined ? ` of at least ${s.minimum}` : s.exclusiveMinimum !== undefined ? ` above ${s.exclusiveMinimum}` : '';
      const hi = s.maximum !== undefined ? `${lo === '' ? ' of' : ' and'} at most ${s.maximum}` : '';
      return `${what}${lo}${hi}`;
    }
    case 'String':
      return s.minLength ? 'a non-empty string' : 'a string';
    case 'Boolean':
      return 'true or false';
    case 'Array':
      return s.minItems ? `a list of at least ${s.minItems}` : 'a list';
    case 'Object':
      return `an object with ${Object.keys(s.properties ?? {}).join(', ')}`;
    default:
      return 'a valid value';
  }
}

function got(v: unknown): string {
  if (v === undefined) return '';
  const text = JSON.stringify(v);
  return ` (got ${text === undefined ? String(v) : text.length > 60 ? `${text.slice(0, 57)}...` : text})`;
}

/** One problem per field (the first error TypeBox reports for it), at most `limit`. */
export function problemsOf(errors: Iterable<ValueError>, limit = 8): FieldProblem[] {
  const out: FieldProblem[] = [];
  const seen = new Set<string>();
  for (const e of errors) {
    const field = fieldOf(e.path);
    if (seen.has(field)) continue;
    seen.add(field);
    const schema = e.schema as Loose;
    let message: string;
    if (/unexpected property|additional/i.test(e.message) || schema[Kind] === 'Never') {
      message = `unknown field (allowed here: ${Object.keys(schema.properties ?? {}).join(', ')})`;
    } else if (/required property/i.test(e.message)) {
      message = `is required: ${describeSchema(e.schema)}`;
    } else {
      message = `must be ${describeSchema(e.schema)}${got(e.value)}`;
    }
    out.push({ field, message });
    if (out.length >= limit) break;
  }
  return out;
}
