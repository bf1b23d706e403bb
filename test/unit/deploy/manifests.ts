/**
 * Helpers of the deploy manifests' tests: finding helm and rendering the chart, and checking a
 * container's settings (environment, config file, arguments) against the product's own config
 * schema and the backend's role checks, so a manifest cannot ask for a setting v2x refuses.
 */
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { delimiter, join } from 'node:path';
import { parseArgs } from 'node:util';
import { parseAllDocuments } from 'yaml';
import { configSchema, type Config } from '../../../app/config-schema.js';
import { createBackend } from '../../../backend/app.js';
import { createKafkaClient } from '../../../backend/kafka/index.js';
import { simOptions } from '../../../cli/commands/sim.js';
import { loadConfig, type DeepReadonly } from '../../../core/config/load.js';
import { resolveSimSettings, type SimSettings } from '../../../simulator/config.js';

/** The fields of a Kubernetes object the tests read. */
export interface K8sObject {
  readonly apiVersion: string;
  readonly kind: string;
  readonly metadata: { readonly name: string; readonly labels?: Record<string, string>; readonly annotations?: Record<string, string> };
  readonly spec?: Record<string, unknown>;
  readonly stringData?: Record<string, string>;
}

export interface EnvVar {
  readonly name: string;
  readonly value?: string;
  readonly valueFrom?: { readonly fieldRef?: { readonly fieldPath: string } };
}

export interface Probe {
  readonly httpGet?: { readonly path: string; readonly port: string | number };
  readonly exec?: { readonly command: readonly string[] };
}

export interface Container {
  readonly name: string;
  readonly image: string;
  readonly command?: readonly string[];
  readonly args?: readonly string[];
  readonly env?: readonly EnvVar[];
  readonly ports?: readonly { readonly name?: string; readonly containerPort: number }[];
  readonly readinessProbe?: Probe;
  readonly livenessProbe?: Probe;
  readonly startupProbe?: Probe;
  readonly resources?: {
    readonly requests?: Readonly<Record<string, string | number>>;
    readonly limits?: Readonly<Record<string, string | number>>;
  };
}

export interface PodTemplate {
  readonly metadata?: { readonly labels?: Record<string, string>; readonly annotations?: Record<string, string> };
  readonly spec: { readonly containers: readonly Container[]; readonly initContainers?: readonly Container[] };
}

/** helm on PATH, else in $(go env GOPATH)/bin where `go install` puts it; undefined when neither. */
export function findHelm(path: string): string | undefined {
  for (const dir of path.split(delimiter)) {
    if (dir !== '' && existsSync(join(dir, 'helm'))) return join(dir, 'helm');
  }
  const go = spawnSync('go', ['env', 'GOPATH'], { encoding: 'utf8' });
  if (go.status !== 0) return undefined;
  const candidate = join(go.stdout.trim(), 'bin', 'helm');
  return existsSync(candidate) ? candidate : undefined;
}

/** `helm template` of the chart with the given arguments (-f FILE, --set k=v), as objects. */
export function renderChart(helm: string, chartDir: string, args: readonly string[]): K8sObject[] {
  const r = spawnSync(helm, ['template', 'v2x', chartDir, '--namespace', 'v2x', ...args], {
    encoding: 'utf8',
    maxBuffer: 64 * 1024 * 1024,
  });
  if (r.status !== 0) throw new Error(`helm template ${args.join(' ')} failed: ${r.stderr}`);
  return parseAllDocuments(r.stdout)
    .map((d) => d.toJS() as K8sObject | null)
    .filter((o): o is K8sObject => o !== null);
}

/** The pod template of a Deployment, StatefulSet or Job. */
export function podTemplate(o: K8sObject): PodTemplate {
  const t = o.spec?.template as PodTemplate | undefined;
  if (t === undefined) throw new Error(`${o.kind} ${o.metadata.name} has no pod template`);
  return t;
}

/** A container's literal environment; fieldRef values become `fieldRefs` (the pod's name, say). */
export function literalEnv(c: Container, fieldRefs: Readonly<Record<string, string>> = {}): Record<string, string> {
  const env: Record<string, string> = {};
  for (const e of c.env ?? []) {
    if (e.value !== undefined) env[e.name] = e.value;
    else if (e.valueFrom?.fieldRef !== undefined) {
      const v = fieldRefs[e.valueFrom.fieldRef.fieldPath];
      if (v === undefined) throw new Error(`${c.name}: no value given for fieldRef ${e.valueFrom.fieldRef.fieldPath}`);
      env[e.name] = v;
    }
  }
  return env;
}

/** Kubernetes' $(VAR) expansion of an argument from the container's environment. */
export function expand(arg: string, env: Readonly<Record<string, string>>): string {
  return arg.replace(/\$\(([A-Za-z_][A-Za-z0-9_]*)\)/g, (m, name: string) => env[name] ?? m);
}

function withConfigFile<T>(configYaml: string, fn: (file: string) => T): T {
  const dir = mkdtempSync(join(tmpdir(), 'v2x-deploy-'));
  try {
    const file = join(dir, 'config.yaml');
    writeFileSync(file, configYaml);
    return fn(file);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

/**
 * The config a `v2x backend` process would load from this environment and config file (the file
 * stands in for the path V2X_CONFIG names), after createBackend's own checks of its roles. Throws
 * what v2x would refuse.
 */
export function backendConfig(env: Readonly<Record<string, string>>, configYaml: string): DeepReadonly<Config> {
  return withConfigFile(configYaml, (file) => {
    const { V2X_CONFIG: _named, ...rest } = env;
    const config = loadConfig(configSchema, { env: rest, file });
    // builds the backend without starting it: the role and bridge checks run, nothing connects
    createBackend({ config, kafka: createKafkaClient({ brokers: config.kafka.brokers, clientId: config.kafka.clientId }) });
    return config;
  });
}

/** The simulator settings `v2x sim <args>` would run with (flags mapped as cli/main.ts maps them). */
export function simSettings(args: readonly string[], env: Readonly<Record<string, string>>, configYaml: string): SimSettings {
  const [command, ...rest] = args;
  if (command !== 'sim') throw new Error(`expected "sim" as the first argument, got ${String(command)}`);
  const parsed = parseArgs({
    args: [...rest],
    strict: true,
    allowPositionals: false,
    options: Object.fromEntries(Object.entries(simOptions).map(([name, o]) => [name, { type: o.type }])),
  });
  const flags: Record<string, unknown> = {};
  for (const [name, value] of Object.entries(parsed.values)) {
    const spec = simOptions[name];
    if (spec?.config !== undefined) flags[spec.config] = spec.negate === true ? value !== true : value;
  }
  return withConfigFile(configYaml, (file) => {
    const { V2X_CONFIG: _named, ...restEnv } = env;
    return resolveSimSettings(loadConfig(configSchema, { env: restEnv, file, flags }).sim);
  });
}
