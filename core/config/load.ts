/**
 * One typed, validated, frozen config per process. Layers, lowest first:
 *   schema defaults < config file (JSON or YAML) < environment < command-line flags.
 * Unknown keys and bad values are refused with the key, the layer it came from and the rule.
 * This is the only module that reads process.env (through the env object the caller passes in).
 */
import { extname } from 'node:path';
import { Kind, type TObject, type TSchema, type Static } from '@sinclair/typebox';
import { TypeCompiler } from '@sinclair/typebox/compiler';
import { parse as parseYaml } from 'yaml';
import { V2xError } from '../errors.js';
import { readTextFile } from '../text-file.js';

export type Env = Readonly<Record<string, string | undefined>>;

export interface ConfigSources {
  /** Defaults computed at run time (a cache folder under the home directory); above schema defaults. */
  readonly defaults?: Readonly<Record<string, unknown>>;
  /** Path of a JSON or YAML config file; also taken from V2X_CONFIG. */
  readonly file?: string | undefined;
  /** The environment (process.env in a main, a literal object in tests). */
  readonly env?: Env;
  /** Flag values already mapped to dotted config paths, e.g. { 'kafka.brokers': 'a:9092' }. */
  readonly flags?: Readonly<Record<string, unknown>>;
}

/** Environment variables with well-known names outside the V2X_ namespace. */
export const envAliases: Readonly<Record<string, string>> = {
  KAFKA_BROKERS: 'kafka.brokers',
  LOG_LEVEL: 'log.level',
};

const ENV_PREFIX = 'V2X_';
const ENV_IGNORED = new Set(['V2X_CONFIG']);

export function loadConfig<T extends TObject>(schema: T, sources: ConfigSources = {}): DeepReadonly<Static<T>> {
  const origins = new Map<string, string>();
  const value = defaultsOf(schema) as Record<string, unknown>;
  if (sources.defaults) mergeInto(value, structuredClone(sources.defaults) as Record<string, unknown>, [], () => {});

  const file = sources.file ?? sources.env?.V2X_CONFIG;
  if (file !== undefined && file !== '') {
    const fromFile = readConfigFile(file);
    mergeInto(value, fromFile, [], (path) => origins.set(path, `file ${file}`));
  }

  for (const [name, raw] of Object.entries(sources.env ?? {})) {
    if (raw === undefined) continue;
    const path = envNameToPath(name);
    if (path === undefined) continue;
    setPath(schema, value, path, raw, `environment ${name}`, origins);
  }

  for (const [path, raw] of Object.entries(sources.flags ?? {})) {
    if (raw === undefined) continue;
    setPath(schema, value, path, raw, `flag --${path}`, origins);
  }

  validate(schema, value, origins);
  return deepFreeze(value) as DeepReadonly<Static<T>>;
}

/** Maps V2X_KAFKA__BROKERS to kafka.brokers and V2X_LOG__LEVEL to log.level; aliases as listed. */
export function envNameToPath(name: string): string | undefined {
  const alias = envAliases[name];
  if (alias !== undefined) return alias;
  if (!name.startsWith(ENV_PREFIX) || ENV_IGNORED.has(name)) return undefined;
  return name
    .slice(ENV_PREFIX.length)
    .split('__')
    .map((part) => part.toLowerCase().replace(/_([a-z0-9])/g, (_m, c: string) => c.toUpperCase()))
    .join('.');
}

function readConfigFile(file: string): Record<string, unknown> {
  const text = readTextFile(file, 'CONFIG_FILE_UNREADABLE');
  let parsed: unknown;
  try {
    parsed = extname(file) === '.json' ? JSON.parse(text) : parseYaml(text);
  } catch (err) {
    throw new V2xError('CONFIG_INVALID', `${file} is not valid ${extname(file) === '.json' ? 'JSON' : 'YAML'}: ${(err as Error).message}`, {
      cause: err,
    });
  }
  if (parsed === null || parsed === undefined) return {};
  if (typeof parsed !== 'object' || Array.isArray(parsed)) {
    throw new V2xError('CONFIG_INVALID', `${file} must hold an object at the top level`);
  }
  return parsed as Record<string, unknown>;
}

function defaultsOf(schema: TSchema): unknown {
  if (schema[Kind] === 'Object') {
    const out: Record<string, unknown> = {};
    for (const [key, sub] of Object.entries((schema as TObject).properties)) {
      const d = defaultsOf(sub);
      if (d !== undefined) out[key] = d;
    }
    return out;
  }
  return schema.default === undefined ? undefined : structuredClone(schema.default);
}

function mergeInto(target: Record<string, unknown>, source: Record<string, unknown>, path: string[], mark: (path: string) => void): void {
  for (const [key, v] of Object.entries(source)) {
    const here = [...path, key];
    const cur = target[key];
    if (isPlainObject(v) && isPlainObject(cur)) mergeInto(cur, v, here, mark);
    else {
      target[key] = v;
      mark(here.join('.'));
    }
  }
}

function setPath(
  schema: TObject,
  value: Record<string, unknown>,
  path: string,
  raw: unknown,
  origin: string,
  origins: Map<string, string>,
): void {
  const keys = path.split('.');
  let sub: TSchema | undefined = schema;
  let obj: Record<string, unknown> = value;
  for (let i = 0; i < keys.length; i++) {
    const key = keys[i] as string;
    const props: Record<string, TSchema> | undefined = sub?.[Kind] === 'Object' ? (sub as TObject).properties : undefined;
    sub = props?.[key];
    if (sub === undefined) {
      const known = props ? Object.keys(props).join(', ') : '(none)';
      throw new V2xError('CONFIG_INVALID', `${origin}: unknown key "${keys.slice(0, i + 1).join('.')}" (known keys here: ${known})`, {
        details: { key: path, origin },
      });
    }
    if (i === keys.length - 1) {
      obj[key] = coerce(sub, raw);
      origins.set(path, origin);
    } else {
      const next = obj[key];
      if (!isPlainObject(next)) obj[key] = {};
      obj = obj[key] as Record<string, unknown>;
    }
  }
}

/** Strings from the environment and flags become the schema's type; anything else passes as is. */
function coerce(schema: TSchema, raw: unknown): unknown {
  if (typeof raw !== 'string') return raw;
  switch (schema[Kind]) {
    case 'Number':
    case 'Integer':
      return raw.trim() === '' || Number.isNaN(Number(raw)) ? raw : Number(raw);
    case 'Boolean':
      if (/^(true|1|yes|on)$/i.test(raw)) return true;
      if (/^(false|0|no|off)$/i.test(raw)) return false;
      return raw;
    case 'Union': {
      // a union of literals (1 | 3, 'a' | 'b'): the literal whose text matches
      const literal = (schema as TSchema & { anyOf: TSchema[] }).anyOf.find((s) => s[Kind] === 'Literal' && String(s.const) === raw);
      return literal === undefined ? raw : literal.const;
    }
    case 'Array': {
      const items = (schema as TSchema & { items: TSchema }).items;
      return raw.trim() === '' ? [] : raw.split(',').map((s) => coerce(items, s.trim()));
    }
    default:
      return raw;
  }
}

const compiled = new WeakMap<TSchema, ReturnType<typeof TypeCompiler.Compile>>();

function validate(schema: TObject, value: unknown, origins: Map<string, string>): void {
  let check = compiled.get(schema);
  if (check === undefined) {
    check = TypeCompiler.Compile(schema);
    compiled.set(schema, check);
  }
  if (check.Check(value)) return;
  const problems: string[] = [];
  for (const e of check.Errors(value)) {
    const key = e.path.replace(/^\//, '').replaceAll('/', '.') || '(root)';
    const origin = originOf(key, origins);
    const got = e.value === undefined ? '' : ` (got ${JSON.stringify(e.value)})`;
    const rule = literalChoices(e.schema) ?? e.message.replace(/^Expected/, 'expected');
    const msg = e.schema[Kind] === 'Never' || /additional|Unexpected property/i.test(e.message) ? 'unknown key' : rule;
    problems.push(`${key}: ${msg}${got}${origin ? ` [from ${origin}]` : ''}`);
    if (problems.length >= 5) break;
  }
  throw new V2xError('CONFIG_INVALID', problems.join('; '), { details: { problems } });
}

/** 'expected one of a, b, c' for a union of literals (`kafka.client`, `kafka.nodes`), else undefined. */
function literalChoices(schema: TSchema): string | undefined {
  if (schema[Kind] !== 'Union') return undefined;
  const options = (schema as TSchema & { anyOf: TSchema[] }).anyOf;
  if (!options.every((s) => s[Kind] === 'Literal')) return undefined;
  return `expected one of ${options.map((s) => String(s.const)).join(', ')}`;
}

function originOf(key: string, origins: Map<string, string>): string | undefined {
  for (let k = key; k !== ''; k = k.includes('.') ? k.slice(0, k.lastIndexOf('.')) : '') {
    const o = origins.get(k);
    if (o !== undefined) return o;
  }
  return undefined;
}

function isPlainObject(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

export type DeepReadonly<T> = T extends (infer U)[]
  ? readonly DeepReadonly<U>[]
  : T extends object
    ? { readonly [K in keyof T]: DeepReadonly<T[K]> }
    : T;

function deepFreeze<T>(v: T): T {
  if (typeof v === 'object' && v !== null) {
    for (const child of Object.values(v)) deepFreeze(child);
    Object.freeze(v);
  }
  return v;
}
