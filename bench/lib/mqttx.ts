/**
 * MQTTX CLI, the peer of bench/sim-vs-mqttx.ts: where its build lives and how it is started. It is
 * built from its source by scripts/mqttx/build.sh into a cache folder outside the repository; nothing
 * of MQTTX is committed.
 */
import { existsSync, readFileSync } from 'node:fs';
import { homedir } from 'node:os';
import { join, resolve } from 'node:path';

export const MQTTX_VERSION = '1.13.0';

/** The cache folder build.sh installs into (the same rule as the script: V2X_CACHE_DIR, XDG_CACHE_HOME, ~/.cache). */
export function mqttxCacheDir(env: NodeJS.ProcessEnv = process.env): string {
  const base = env.V2X_CACHE_DIR ?? join(env.XDG_CACHE_HOME ?? join(homedir(), '.cache'), 'v2x-fleet');
  return join(base, `mqttx-cli-${MQTTX_VERSION}`);
}

export interface MqttxCli {
  /** bin/index.js of the built CLI (run with `node`). */
  readonly entry: string;
  readonly version: string;
}

/**
 * The built CLI at `path` (its folder or its bin/index.js) or, without one, in the cache folder.
 * Absent: an error that says how to build it.
 */
export function findMqttx(path: string | undefined, env: NodeJS.ProcessEnv = process.env): MqttxCli {
  const dir = path === undefined ? mqttxCacheDir(env) : resolve(path);
  const entry = dir.endsWith('.js') ? dir : join(dir, 'bin', 'index.js');
  const pkgFile = join(entry, '..', '..', 'package.json');
  if (!existsSync(entry) || !existsSync(join(entry, '..', '..', 'dist', 'src', 'index.js')) || !existsSync(pkgFile)) {
    throw new Error(
      `MQTTX CLI is not built at ${dir}${path === undefined ? ' (the default place)' : ''}: build it from its source with\n` +
        `  scripts/mqttx/build.sh PATH-TO-MQTTX   (a checkout of github.com/emqx/MQTTX, or its git dir)\n` +
        `which installs it into ${mqttxCacheDir(env)}; or pass --mqttx PATH to a built copy (a folder holding bin/index.js and dist/).`,
    );
  }
  const pkg = JSON.parse(readFileSync(pkgFile, 'utf8')) as { name?: string; version?: string };
  if (pkg.name !== 'mqttx-cli') throw new Error(`${pkgFile} is "${String(pkg.name)}", not mqttx-cli`);
  return { entry, version: pkg.version ?? 'unknown' };
}

export type MqttxMode = 'bench' | 'simulate';

export interface MqttxRun {
  readonly host: string;
  readonly port: number;
  readonly clients: number;
  readonly qos: number;
  readonly mqttVersion: 5 | 3;
  /** ms between two connections (MQTTX's -i). */
  readonly connectIntervalMs: number;
  /** ms between two messages of a client (MQTTX's -im). */
  readonly messageIntervalMs: number;
}

/** The argv (after `node`) of `mqttx bench pub` or `mqttx simulate -sc tesla` for `run`. */
export function mqttxArgs(cli: MqttxCli, mode: MqttxMode, run: MqttxRun): string[] {
  const common = [
    '-c',
    String(run.clients),
    '-i',
    String(run.connectIntervalMs),
    '-im',
    String(run.messageIntervalMs),
    '-q',
    String(run.qos),
    '-V',
    run.mqttVersion === 5 ? '5' : '3.1.1',
    '-h',
    run.host,
    '-p',
    String(run.port),
    '-I',
    `mqttx_${mode}_%i`,
  ];
  return mode === 'bench'
    ? [cli.entry, 'bench', 'pub', ...common, '-t', 'mqttx/bench/%i']
    : [cli.entry, 'simulate', '-sc', 'tesla', ...common];
}
