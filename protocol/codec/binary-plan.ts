/**
 * Compiles a TypeBox schema, once, into a binary writer and reader (generated JavaScript, as
 * TypeCompiler does for checks: straight-line code with constant property names, which V8 keeps
 * monomorphic) and a layout table for the docs.
 *
 * The layout follows the schema: properties in declaration order; one bit area per record (the
 * message, a union variant, an array item) holding a presence bit per optional field and a value
 * bit per boolean, nested objects included; integers as fixed-width ints sized by the schema's
 * bounds or by the `wire` hint; scaled numbers as round(value * scale); enums as one byte (index);
 * unions of objects as a one-byte variant index, then the variant's record (its discriminator
 * takes no bytes); strings and arrays with a uvarint length; other numbers as float64.
 */
import { Kind, OptionalKind, type TSchema } from '@sinclair/typebox';
import { V2xError, type ErrorCode } from '../../core/errors.js';
import type { WireHint, WireInt } from '../schemas/common.js';
import type { Reader, Writer } from './binary-io.js';

export interface LayoutRow {
  readonly field: string;
  readonly wire: string;
  /** Bytes, or a description when variable. */
  readonly size: string;
  readonly note: string;
}

export interface Plan {
  /** Writes the message after the header; throws V2xError when a value does not fit. */
  readonly write: (w: Writer, message: unknown) => void;
  /** Reads the message after the header; throws RangeError/TruncatedError on short input. */
  readonly read: (r: Reader) => unknown;
  readonly layout: readonly LayoutRow[];
  /** The generated code, for debugging. */
  readonly source: { readonly write: string; readonly read: string };
}

const INT_RANGE: Record<WireInt, readonly [number, number, number]> = {
  u8: [0, 0xff, 1],
  i8: [-0x80, 0x7f, 1],
  u16: [0, 0xffff, 2],
  i16: [-0x8000, 0x7fff, 2],
  u32: [0, 0xffffffff, 4],
  i32: [-0x80000000, 0x7fffffff, 4],
  uvarint: [0, Number.MAX_SAFE_INTEGER, 0],
};

export function encodeError(code: ErrorCode, field: string, rule: string, value: unknown): V2xError {
  return new V2xError(code, `${field}: ${rule} (cannot encode ${JSON.stringify(value) ?? String(value)})`, {
    details: { field, rule, value },
  });
}

function intFor(schema: TSchema): WireInt | undefined {
  const min = schema.minimum as number | undefined;
  const max = schema.maximum as number | undefined;
  if (min === undefined || max === undefined) return min !== undefined && min >= 0 ? 'uvarint' : undefined;
  for (const t of ['u8', 'i8', 'u16', 'i16', 'u32', 'i32'] as const) {
    const [lo, hi] = INT_RANGE[t];
    if (min >= lo && max <= hi) return t;
  }
  return min >= 0 ? 'uvarint' : undefined;
}

function enumValues(schema: TSchema): string[] | undefined {
  const anyOf = schema.anyOf as TSchema[] | undefined;
  if (schema[Kind] !== 'Union' || anyOf === undefined || !anyOf.every((s) => s[Kind] === 'Literal' && typeof s.const === 'string'))
    return undefined;
  return anyOf.map((s) => s.const as string);
}

/** The property that tells the variants of a union of objects apart (a string literal in each). */
export function discriminatorOf(variants: readonly TSchema[]): string | undefined {
  const first = variants[0];
  if (first === undefined || first[Kind] !== 'Object') return undefined;
  for (const [key, prop] of Object.entries(first.properties as Record<string, TSchema>)) {
    if (prop[Kind] !== 'Literal') continue;
    const ok = variants.every((v) => v[Kind] === 'Object' && (v.properties as Record<string, TSchema>)[key]?.[Kind] === 'Literal');
    if (ok) return key;
  }
  return undefined;
}

interface Scope {
  readonly bits: string;
  nbits: number;
}

/** State of one code generation: fresh names, constants, and the layout rows (writer side). */
class Gen {
  private n = 0;
  readonly consts: unknown[] = [];
  readonly rows: LayoutRow[] = [];
  constructor(
    readonly record: boolean,
    readonly unknownCode: ErrorCode,
  ) {}
  name(prefix: string): string {
    return `${prefix}${this.n++}`;
  }
  konst(value: unknown): string {
    this.consts.push(value);
    return `K[${this.consts.length - 1}]`;
  }
  row(field: string, wire: string, size: string, note: string): void {
    if (this.record) this.rows.push({ field, wire, size, note });
  }
  /** Statement throwing an encode error for `field` breaking `rule` with value `expr`. */
  fail(field: string, rule: string, expr: string, code: ErrorCode = 'PAYLOAD_INVALID'): string {
    return `throw E(${JSON.stringify(code)}, ${JSON.stringify(field)}, ${JSON.stringify(rule)}, ${expr});`;
  }
}

const prop = (expr: string, key: string): string => `${expr}[${JSON.stringify(key)}]`;
const setBit = (scope: Scope, bit: number): string => `w.buf[${scope.bits} + ${bit >> 3}] |= ${1 << (bit & 7)};`;
const getBit = (scope: Scope, bit: number): string => `((r.buf[${scope.bits} + ${bit >> 3}] & ${1 << (bit & 7)}) !== 0)`;

// ---- writer -------------------------------------------------------------------------------

function wRecord(g: Gen, field: string, schema: TSchema, expr: string, out: string[]): void {
  const scope: Scope = { bits: g.name('b'), nbits: 0 };
  const at = g.rows.length;
  const body: string[] = [];
  wObject(g, field, schema, expr, scope, body);
  const nbytes = (scope.nbits + 7) >> 3;
  if (g.record && nbytes > 0)
    g.rows.splice(at, 0, {
      field: field === '' ? '(bits)' : `${field} (bits)`,
      wire: 'bits',
      size: String(nbytes),
      note: `${scope.nbits} bits: presence of optional fields, boolean values`,
    });
  out.push(`const ${scope.bits} = w.zeros(${nbytes});`, ...body);
}

function wObject(g: Gen, path: string, schema: TSchema, expr: string, scope: Scope, out: string[]): void {
  out.push(`if (typeof ${expr} !== 'object' || ${expr} === null) ${g.fail(path || '(message)', 'must be an object', expr)}`);
  for (const [key, sub] of Object.entries(schema.properties as Record<string, TSchema>)) {
    const field = path === '' ? key : `${path}.${key}`;
    const v = g.name('v');
    out.push(`const ${v} = ${prop(expr, key)};`);
    if (sub[OptionalKind] === 'Optional') {
      const bit = scope.nbits++;
      g.row(`${field}?`, 'bit', '-', `presence bit ${bit}`);
      const inner: string[] = [];
      wValue(g, field, sub, v, scope, inner);
      out.push(`if (${v} !== undefined) {`, setBit(scope, bit), ...inner, '}');
    } else {
      wValue(g, field, sub, v, scope, out);
    }
  }
}

function wInt(g: Gen, field: string, int: WireInt, scale: number, v: string, out: string[], note: string): void {
  const [lo, hi, size] = INT_RANGE[int];
  g.row(field, scale === 1 ? int : `${int} x${scale}`, size === 0 ? '1-8' : String(size), note);
  const n = g.name('n');
  const rule = `must fit ${int}${scale === 1 ? '' : ` after x${scale}`}`;
  if (scale === 1) out.push(`const ${n} = ${v};`, `if (!Number.isInteger(${n}) || ${n} < ${lo} || ${n} > ${hi}) ${g.fail(field, rule, v)}`);
  else out.push(`const ${n} = Math.round(${v} * ${scale});`, `if (!(${n} >= ${lo} && ${n} <= ${hi})) ${g.fail(field, rule, v)}`);
  out.push(`w.${int}(${n});`);
}

function wValue(g: Gen, field: string, schema: TSchema, v: string, scope: Scope, out: string[]): void {
  const wire = schema.wire as WireHint | undefined;
  const desc = typeof schema.description === 'string' ? schema.description : '';
  switch (schema[Kind]) {
    case 'Boolean': {
      const bit = scope.nbits++;
      g.row(field, 'bit', '-', `value bit ${bit}`);
      out.push(`if (${v} === true) ${setBit(scope, bit)} else if (${v} !== false) ${g.fail(field, 'must be a boolean', v)}`);
      return;
    }
    case 'Integer':
    case 'Number': {
      if (typeof wire === 'object') return wInt(g, field, wire.int, wire.scale, v, out, desc);
      const int = schema[Kind] === 'Integer' ? intFor(schema) : undefined;
      if (int !== undefined) return wInt(g, field, int, 1, v, out, desc);
      g.row(field, 'f64', '8', desc);
      out.push(`if (typeof ${v} !== 'number') ${g.fail(field, 'must be a number', v)}`, `w.f64(${v});`);
      return;
    }
    case 'String':
      if (wire === 'vin') {
        g.row(field, 'ascii[17]', '17', desc);
        out.push(
          `if (typeof ${v} !== 'string' || ${v}.length !== 17) ${g.fail(field, 'must be a 17-character VIN', v)}`,
          `w.ascii(${v}, 17);`,
        );
      } else {
        g.row(field, 'string', 'uvarint + UTF-8', desc);
        out.push(`if (typeof ${v} !== 'string') ${g.fail(field, 'must be a string', v)}`, `w.str(${v});`);
      }
      return;
    case 'Literal':
      g.row(field, 'none', '0', `always ${JSON.stringify(schema.const)}`);
      return;
    case 'Object':
      return wObject(g, field, schema, v, scope, out);
    case 'Array': {
      g.row(field, 'uvarint count', '1+', 'then each item');
      const item = schema.items as TSchema;
      const x = g.name('x');
      const inner: string[] = [];
      if (item[Kind] === 'Object') wRecord(g, `${field}[]`, item, x, inner);
      else wValue(g, `${field}[]`, item, x, scope, inner);
      out.push(
        `if (!Array.isArray(${v})) ${g.fail(field, 'must be an array', v)}`,
        `w.uvarint(${v}.length);`,
        `for (const ${x} of ${v}) {`,
        'w.room(64);',
        ...inner,
        '}',
      );
      return;
    }
    case 'Union': {
      const values = enumValues(schema);
      if (values === undefined) return wUnion(g, field, schema, v, out, 'PAYLOAD_INVALID');
      g.row(field, 'u8 enum', '1', `${values.map((s, i) => `${i}=${s}`).join(' ')}${desc ? `; ${desc}` : ''}`);
      out.push(
        `switch (${v}) {`,
        ...values.map((s, i) => `case ${JSON.stringify(s)}: w.u8(${i}); break;`),
        `default: ${g.fail(field, `must be one of ${values.join(', ')}`, v)}`,
        '}',
      );
      return;
    }
    default:
      throw new Error(`binary codec: ${field}: unsupported schema kind ${String(schema[Kind])}`);
  }
}

function wUnion(g: Gen, field: string, schema: TSchema, v: string, out: string[], unknownCode: ErrorCode): void {
  const variants = schema.anyOf as TSchema[];
  const key = discriminatorOf(variants);
  if (key === undefined) throw new Error(`binary codec: ${field}: union without a discriminator`);
  const tags = variants.map((s) => (s.properties as Record<string, TSchema>)[key]?.const as string);
  const keyField = field === '' ? key : `${field}.${key}`;
  g.row(keyField, 'u8 variant', '1', tags.map((t, i) => `${i}=${t}`).join(' '));
  out.push(
    `if (typeof ${v} !== 'object' || ${v} === null) ${g.fail(field || '(message)', 'must be an object', v)}`,
    `switch (${prop(v, key)}) {`,
  );
  variants.forEach((s, i) => {
    const at = g.rows.length;
    const body: string[] = [];
    wRecord(g, field, s, v, body);
    if (g.record)
      for (let j = at; j < g.rows.length; j++)
        g.rows[j] = { ...(g.rows[j] as LayoutRow), field: `[${tags[i]}] ${(g.rows[j] as LayoutRow).field}` };
    out.push(`case ${JSON.stringify(tags[i])}: {`, `w.u8(${i});`, ...body, 'break;', '}');
  });
  out.push(`default: ${g.fail(keyField, `must be one of ${tags.join(', ')}`, prop(v, key), unknownCode)}`, '}');
}

// ---- reader -------------------------------------------------------------------------------

/** Emits statements reading a record; returns the name of the variable holding it. */
function rRecord(g: Gen, field: string, schema: TSchema, out: string[]): string {
  const scope: Scope = { bits: g.name('b'), nbits: 0 };
  const body: string[] = [];
  const o = rObject(g, field, schema, scope, body);
  out.push(`const ${scope.bits} = r.skip(${(scope.nbits + 7) >> 3});`, ...body);
  return o;
}

function rObject(g: Gen, path: string, schema: TSchema, scope: Scope, out: string[]): string {
  const o = g.name('o');
  out.push(`const ${o} = {};`);
  for (const [key, sub] of Object.entries(schema.properties as Record<string, TSchema>)) {
    const field = path === '' ? key : `${path}.${key}`;
    if (sub[OptionalKind] === 'Optional') {
      const bit = scope.nbits++;
      const inner: string[] = [];
      const e = rValue(g, field, sub, scope, inner);
      out.push(`if ${getBit(scope, bit)} {`, ...inner, `${prop(o, key)} = ${e};`, '}');
    } else {
      const e = rValue(g, field, sub, scope, out);
      out.push(`${prop(o, key)} = ${e};`);
    }
  }
  return o;
}

/** Emits what must run first and returns an expression for the value (evaluated next, in order). */
function rValue(g: Gen, field: string, schema: TSchema, scope: Scope, out: string[]): string {
  const wire = schema.wire as WireHint | undefined;
  switch (schema[Kind]) {
    case 'Boolean':
      return getBit(scope, scope.nbits++);
    case 'Integer':
    case 'Number': {
      if (typeof wire === 'object') return wire.scale === 1 ? `r.${wire.int}()` : `(r.${wire.int}() / ${wire.scale})`;
      const int = schema[Kind] === 'Integer' ? intFor(schema) : undefined;
      return int === undefined ? 'r.f64()' : `r.${int}()`;
    }
    case 'String':
      return wire === 'vin' ? 'r.ascii(17)' : 'r.str()';
    case 'Literal':
      return JSON.stringify(schema.const);
    case 'Object':
      return rObject(g, field, schema, scope, out);
    case 'Array': {
      const a = g.name('a');
      const n = g.name('n');
      const i = g.name('i');
      const item = schema.items as TSchema;
      const inner: string[] = [];
      const e = item[Kind] === 'Object' ? rRecord(g, `${field}[]`, item, inner) : rValue(g, `${field}[]`, item, scope, inner);
      out.push(
        `const ${n} = r.uvarint();`,
        `if (${n} > r.remaining) throw new RangeError(${JSON.stringify(`${field}: array count past the end`)});`,
        `const ${a} = [];`,
        `for (let ${i} = 0; ${i} < ${n}; ${i}++) {`,
        ...inner,
        `${a}.push(${e});`,
        '}',
      );
      return a;
    }
    case 'Union': {
      const values = enumValues(schema);
      if (values === undefined) return rUnion(g, field, schema, out);
      const t = g.name('t');
      out.push(
        `const ${t} = ${g.konst(values)}[r.u8()];`,
        `if (${t} === undefined) throw new RangeError(${JSON.stringify(`${field}: enum index out of range`)});`,
      );
      return t;
    }
    default:
      throw new Error(`binary codec: ${field}: unsupported schema kind ${String(schema[Kind])}`);
  }
}

function rUnion(g: Gen, field: string, schema: TSchema, out: string[]): string {
  const variants = schema.anyOf as TSchema[];
  const u = g.name('u');
  out.push(`let ${u};`, 'switch (r.u8()) {');
  variants.forEach((s, i) => {
    const body: string[] = [];
    const o = rRecord(g, field, s, body);
    out.push(`case ${i}: {`, ...body, `${u} = ${o};`, 'break;', '}');
  });
  out.push(`default: throw new RangeError(${JSON.stringify(`${field || 'message'}: variant index out of range`)});`, '}');
  return u;
}

// ---- plan ---------------------------------------------------------------------------------

function isObjectUnion(schema: TSchema): boolean {
  return schema[Kind] === 'Union' && enumValues(schema) === undefined;
}

/** The plan for a whole message: a record, or a union of records. */
export function compilePlan(schema: TSchema, unknownCode: ErrorCode = 'PAYLOAD_INVALID'): Plan {
  const wg = new Gen(true, unknownCode);
  const wOut: string[] = [];
  if (isObjectUnion(schema)) wUnion(wg, '', schema, 'm', wOut, unknownCode);
  else wRecord(wg, '', schema, 'm', wOut);
  const writeSrc = `return function write(w, m) {\n${wOut.join('\n')}\n};`;

  const rg = new Gen(false, unknownCode);
  const rOut: string[] = [];
  const result = isObjectUnion(schema) ? rUnion(rg, '', schema, rOut) : rRecord(rg, '', schema, rOut);
  const readSrc = `return function read(r) {\n${rOut.join('\n')}\nreturn ${result};\n};`;

  // generated from our own schemas (never from input), as TypeCompiler does
  const write = new Function('K', 'E', writeSrc)(wg.consts, encodeError) as Plan['write'];
  const read = new Function('K', readSrc)(rg.consts) as Plan['read'];
  return { write, read, layout: wg.rows, source: { write: writeSrc, read: readSrc } };
}
