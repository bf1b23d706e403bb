/**
 * The dev instance: a local Kafka that outlives the command that started it (`v2x kafka start`),
 * found again through its state file by `v2x kafka status|stop`, resolveKafka and other processes.
 * A recorded pid only counts while that process still mentions the instance folder on its command
 * line (pids are reused), and a broker port that answers.
 */
import { mkdir, readFile, rename, rm, writeFile } from 'node:fs/promises';
import { dirname } from 'node:path';
import { logger } from '../../core/log.js';
import type { KafkaConfig } from './config.js';
import { canConnect } from './java-process.js';
import { startLocalKafka, type LocalKafkaNode, type StartLocalOptions } from './local.js';
import { acquireLock } from './lock.js';
import { isOurProcess, javaProcessesMentioning, signal, waitForPidExit } from './procs.js';
import { parseState, renderState, statePath, STATE_FORMAT, type DevInstanceState } from './state.js';

export type DevStatus =
  | { readonly kind: 'running'; readonly state: DevInstanceState }
  /** A state file whose brokers are gone or only partly alive. */
  | { readonly kind: 'dead'; readonly state: DevInstanceState }
  | { readonly kind: 'none'; readonly reason?: string };

export async function devInstanceStatus(cfg: KafkaConfig): Promise<DevStatus> {
  let text: string;
  try {
    text = await readFile(statePath(cfg), 'utf8');
  } catch {
    return { kind: 'none' };
  }
  const parsed = parseState(text);
  if (!parsed.ok) return { kind: 'none', reason: `${statePath(cfg)} is not a valid state file (${parsed.reason})` };
  const { state } = parsed;
  const needle = `${state.dataDir}/`;
  const alive = state.nodes.every((n) => isOurProcess(n.pid, needle));
  if (!alive) return { kind: 'dead', state };
  const answers = await Promise.all(state.nodes.map((n) => canConnect(n.brokerPort)));
  return answers.every(Boolean) ? { kind: 'running', state } : { kind: 'dead', state };
}

export interface DevStartResult {
  readonly state: DevInstanceState;
  /** False when one was already running (nothing was started). */
  readonly started: boolean;
  readonly startMs?: number;
}

/** Starts the dev instance unless one is running. Concurrent starts are serialised by a lock. */
export async function startDevInstance(
  cfg: KafkaConfig,
  opts: Omit<StartLocalOptions, 'detached' | 'registerShutdown'> = {},
): Promise<DevStartResult> {
  const file = statePath(cfg);
  await mkdir(dirname(file), { recursive: true });
  const release = await acquireLock(`${file}.lock`, { timeoutMs: (cfg.startTimeoutS + 900) * 1000 });
  try {
    const before = await devInstanceStatus(cfg);
    if (before.kind === 'running') return { state: before.state, started: false };
    if (before.kind === 'dead') await cleanUp(before.state);

    // Until the state file is final, this command owns the instance: Ctrl-C stops it. A provisional
    // state file, written as soon as the JVMs exist, lets `v2x kafka stop` find them even if this
    // command is killed while waiting for readiness.
    const record = async (
      nodes: readonly LocalKafkaNode[],
      dataDir: string,
      extra: { clusterId: string; version: string },
    ): Promise<DevInstanceState> => {
      const state: DevInstanceState = {
        format: STATE_FORMAT,
        kafkaVersion: extra.version,
        clusterId: extra.clusterId,
        brokers: nodes.map((n) => n.broker),
        dataDir,
        nodes: nodes.map((n) => ({ nodeId: n.nodeId, pid: n.pid, brokerPort: n.brokerPort, controllerPort: n.controllerPort })),
        startedAt: new Date().toISOString(),
        startedBy: process.pid,
      };
      await writeFile(`${file}.tmp`, renderState(state));
      await rename(`${file}.tmp`, file);
      return state;
    };
    const kafka = await startLocalKafka(cfg, {
      ...opts,
      detached: true,
      registerShutdown: true,
      onSpawned: (nodes, dataDir) => record(nodes, dataDir, { clusterId: 'starting', version: cfg.version }).then(() => {}),
    }).catch(async (err: unknown) => {
      await rm(file, { force: true });
      throw err;
    });
    let state: DevInstanceState;
    try {
      state = await record(kafka.nodes, kafka.dataDir, { clusterId: kafka.clusterId, version: kafka.version });
    } catch (err) {
      await kafka.stop();
      await rm(file, { force: true });
      throw err;
    }
    kafka.unregisterShutdown();
    logger('kafka').info({ brokers: state.brokers, state: file }, 'dev kafka started');
    return { state, started: true, startMs: kafka.startMs };
  } finally {
    await release?.();
  }
}

/** Stops the dev instance and removes its data and state file; undefined if none was recorded. */
export async function stopDevInstance(
  cfg: KafkaConfig,
  graceMs = 15_000,
): Promise<{ state: DevInstanceState; wasRunning: boolean } | undefined> {
  const file = statePath(cfg);
  const release = await acquireLock(`${file}.lock`, { timeoutMs: (cfg.startTimeoutS + 900) * 1000 }).catch(() => undefined);
  try {
    const status = await devInstanceStatus(cfg);
    if (status.kind === 'none') {
      if (status.reason !== undefined) await rm(file, { force: true });
      return undefined;
    }
    await cleanUp(status.state, graceMs);
    await rm(file, { force: true });
    return { state: status.state, wasRunning: status.kind === 'running' };
  } finally {
    await release?.();
  }
}

/** SIGTERM every JVM of the instance (recorded, or found by its folder), SIGKILL after the grace; delete the data. */
async function cleanUp(state: DevInstanceState, graceMs = 15_000): Promise<void> {
  const needle = `${state.dataDir}/`;
  const pids = new Set<number>(state.nodes.map((n) => n.pid).filter((pid) => isOurProcess(pid, needle)));
  for (const p of javaProcessesMentioning(needle)) pids.add(p.pid);
  for (const pid of pids) signal(pid, 'SIGTERM');
  await Promise.all(
    [...pids].map(async (pid) => {
      if (await waitForPidExit(pid, graceMs)) return;
      signal(pid, 'SIGKILL');
      await waitForPidExit(pid, 10_000);
    }),
  );
  await rm(state.dataDir, { recursive: true, force: true, maxRetries: 5 });
}
