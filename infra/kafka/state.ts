/**
 * The state file of the dev instance that `v2x kafka start` leaves running:
 * <kafka.stateDir or <cacheDir>/kafka>/dev-instance.json. Parsing is pure and strict: a file that
 * is not exactly this shape is treated as absent (and replaced on the next start).
 */
import { join } from 'node:path';
import type { KafkaConfig } from './config.js';
import { kafkaRootDir } from './provision.js';

export const STATE_FILE = 'dev-instance.json';
export const STATE_FORMAT = 1;

export interface DevNodeState {
  readonly nodeId: number;
  readonly pid: number;
  readonly brokerPort: number;
  readonly controllerPort: number;
}

export interface DevInstanceState {
  readonly format: typeof STATE_FORMAT;
  readonly kafkaVersion: string;
  readonly clusterId: string;
  readonly brokers: readonly string[];
  /** The instance folder; every JVM of the instance mentions it on its command line. */
  readonly dataDir: string;
  readonly nodes: readonly DevNodeState[];
  readonly startedAt: string;
  /** Who started it (the `v2x kafka start` process, gone by now). */
  readonly startedBy: number;
}

export function stateDir(cfg: KafkaConfig): string {
  return cfg.stateDir !== '' ? cfg.stateDir : kafkaRootDir(cfg);
}

export function statePath(cfg: KafkaConfig): string {
  return join(stateDir(cfg), STATE_FILE);
}

export function renderState(s: DevInstanceState): string {
  return `${JSON.stringify(s, null, 2)}\n`;
}

/** The state, or an explanation of why the text is not a valid state file. */
export function parseState(text: string): { ok: true; state: DevInstanceState } | { ok: false; reason: string } {
  let v: unknown;
  try {
    v = JSON.parse(text);
  } catch (err) {
    return { ok: false, reason: `not JSON: ${(err as Error).message}` };
  }
  if (!isObject(v)) return { ok: false, reason: 'not an object' };
  if (v.format !== STATE_FORMAT) return { ok: false, reason: `format ${JSON.stringify(v.format)}, expected ${STATE_FORMAT}` };
  for (const key of ['kafkaVersion', 'clusterId', 'dataDir', 'startedAt'] as const) {
    if (typeof v[key] !== 'string' || v[key] === '') return { ok: false, reason: `${key} must be a non-empty string` };
  }
  if (!isPid(v.startedBy)) return { ok: false, reason: 'startedBy must be a pid' };
  if (
    !Array.isArray(v.brokers) ||
    v.brokers.length === 0 ||
    !v.brokers.every((b) => typeof b === 'string' && /^[^\s:,]+:\d{1,5}$/.test(b))
  ) {
    return { ok: false, reason: 'brokers must be a non-empty list of host:port' };
  }
  if (!Array.isArray(v.nodes) || v.nodes.length === 0) return { ok: false, reason: 'nodes must be a non-empty list' };
  for (const [i, n] of v.nodes.entries()) {
    if (!isObject(n) || !isPid(n.pid) || !isPid(n.nodeId) || !isPort(n.brokerPort) || !isPort(n.controllerPort)) {
      return { ok: false, reason: `nodes[${i}] must have nodeId, pid, brokerPort and controllerPort` };
    }
  }
  return { ok: true, state: v as unknown as DevInstanceState };
}

function isObject(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

function isPid(v: unknown): v is number {
  return typeof v === 'number' && Number.isInteger(v) && v > 0;
}

function isPort(v: unknown): v is number {
  return isPid(v) && v < 65536;
}
