/**
 * startLocalKafka: a real Apache Kafka (KRaft, 1 or 3 combined broker+controller nodes) on free
 * loopback ports, data in a fresh folder removed on stop. Provisions the jars on first use.
 *
 *   instance folder (v2x-kafka-XXXXXX under kafka.dataDir or the system temp folder)
 *     instance.json            owner pid, ports (lets a later start sweep folders of dead owners)
 *     log4j-server.properties, log4j-tool.properties, jtmp/ (java.io.tmpdir)
 *     node-<id>/server.properties, node-<id>/server.log, node-<id>/data/
 */
import { mkdtemp, mkdir, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { V2xError, toV2xError } from '../../core/errors.js';
import { onShutdown } from '../../core/lifecycle.js';
import { logger } from '../../core/log.js';
import type { KafkaConfig } from './config.js';
import { BrokerProcess, runJavaTool, type BrokerLaunch, type JavaLaunch } from './java-process.js';
import { freePorts } from './ports.js';
import { bootstrapServers, newClusterId, renderLogConfig, renderServerProperties, type ClusterSpec, type NodeSpec } from './properties.js';
import { ensureKafka, type ProvisionOptions } from './provision.js';
import { sweepStaleInstances, INSTANCE_PREFIX } from './sweep.js';

export interface StartLocalOptions extends ProvisionOptions {
  /** 1 or 3 nodes; default the config's kafka.nodes. */
  readonly nodes?: 1 | 3;
  /**
   * true: the dev instance, which outlives this process (no parent-watch guard, not stopped on
   * exit). false (default): owned; dies with this process however it dies.
   */
  readonly detached?: boolean;
  /** Register stop() with core/lifecycle (Ctrl-C, SIGTERM, uncaught errors). Default: !detached. */
  readonly registerShutdown?: boolean;
  /** SIGTERM-to-SIGKILL grace when stopping a node; default 15 s. */
  readonly stopGraceMs?: number;
  /** Called once every node's JVM is spawned, before waiting for readiness (pids and ports known). */
  readonly onSpawned?: (nodes: readonly LocalKafkaNode[], dataDir: string) => Promise<void> | void;
}

export interface LocalKafkaNode {
  readonly nodeId: number;
  readonly broker: string;
  readonly brokerPort: number;
  readonly controllerPort: number;
  /** node-<id> folder: server.properties, server.log, data/ */
  readonly dir: string;
  readonly logFile: string;
  /** Current JVM pid (changes on restart). */
  readonly pid: number;
  readonly running: boolean;
}

export interface LocalKafka {
  readonly brokers: string[];
  readonly nodes: readonly LocalKafkaNode[];
  /** The instance folder (all nodes' data); removed by stop(). */
  readonly dataDir: string;
  readonly pids: number[];
  readonly clusterId: string;
  readonly version: string;
  /** Milliseconds from the call to ready, and the part of it spent provisioning. */
  readonly startMs: number;
  readonly provisionMs: number;
  /** Stops every node (SIGTERM, then SIGKILL after the grace) and removes the data. Idempotent. */
  stop(): Promise<void>;
  /** Stops one node cleanly (SIGTERM); its ports and data stay for restart(). */
  stopNode(nodeIndex: number): Promise<void>;
  /** Kills one node with SIGKILL (a crash); its ports and data stay for restart(). */
  kill(nodeIndex: number): Promise<void>;
  /** Starts a stopped or killed node again on the same ports and data; resolves when ready. */
  restart(nodeIndex: number): Promise<void>;
  /** Takes stop() off core/lifecycle's list: the caller (the dev instance) lets it outlive this process. */
  unregisterShutdown(): void;
}

export async function startLocalKafka(cfg: KafkaConfig, opts: StartLocalOptions = {}): Promise<LocalKafka> {
  const log = logger('kafka');
  const t0 = Date.now();
  const count = opts.nodes ?? cfg.nodes;
  const detached = opts.detached ?? false;
  const grace = opts.stopGraceMs ?? 15_000;
  const install = await ensureKafka(cfg, opts);

  const base = cfg.dataDir !== '' ? cfg.dataDir : tmpdir();
  await mkdir(base, { recursive: true });
  await sweepStaleInstances(base).catch((err: unknown) => log.warn({ err }, 'could not sweep old Kafka data folders'));
  const dataDir = await mkdtemp(join(base, INSTANCE_PREFIX));
  const jtmp = join(dataDir, 'jtmp');
  await mkdir(jtmp);

  const ports = await freePorts(count * 2);
  const specs: NodeSpec[] = Array.from({ length: count }, (_, i) => ({
    nodeId: i + 1,
    brokerPort: ports[i * 2] as number,
    controllerPort: ports[i * 2 + 1] as number,
    logDir: join(dataDir, `node-${i + 1}`, 'data'),
  }));
  const cluster: ClusterSpec = { version: cfg.version, nodes: specs };
  const clusterId = newClusterId();

  const serverLog = join(dataDir, 'log4j-server.properties');
  const toolLog = join(dataDir, 'log4j-tool.properties');
  await writeFile(serverLog, renderLogConfig(install.logging, 'server'));
  await writeFile(toolLog, renderLogConfig(install.logging, 'tool'));
  await writeFile(
    join(dataDir, 'instance.json'),
    `${JSON.stringify({ ownerPid: process.pid, detached, version: cfg.version, clusterId, brokers: bootstrapServers(cluster), createdAt: new Date().toISOString() }, null, 2)}\n`,
  );

  const common: JavaLaunch = { install, heapMb: cfg.heapMb, logConfigFile: serverLog, javaTmpDir: jtmp, guarded: !detached };
  const launches: BrokerLaunch[] = specs.map((s) => {
    const dir = join(dataDir, `node-${s.nodeId}`);
    return {
      ...common,
      propertiesFile: join(dir, 'server.properties'),
      logFile: join(dir, 'server.log'),
      brokerPort: s.brokerPort,
      nodeId: s.nodeId,
    };
  });
  const procs: (BrokerProcess | undefined)[] = launches.map(() => undefined);
  let stopped: Promise<void> | undefined;
  let unregister = (): void => {};

  const stopAll = (): Promise<void> =>
    (stopped ??= (async () => {
      unregister();
      await Promise.all(procs.map((p) => p?.stop(grace)));
      await rm(dataDir, { recursive: true, force: true, maxRetries: 5 });
      log.info({ dataDir }, 'local kafka stopped');
    })());

  if (opts.registerShutdown ?? !detached) unregister = onShutdown('local kafka', stopAll);

  const nodesNow = (): LocalKafkaNode[] =>
    specs.map((s, i) => ({
      nodeId: s.nodeId,
      broker: `127.0.0.1:${s.brokerPort}`,
      brokerPort: s.brokerPort,
      controllerPort: s.controllerPort,
      dir: join(dataDir, `node-${s.nodeId}`),
      logFile: launches[i]?.logFile ?? '',
      pid: procs[i]?.pid ?? -1,
      running: procs[i]?.running ?? false,
    }));
  const say = opts.onProgress ?? (() => {});
  try {
    say(`formatting Kafka ${cfg.version} storage (${count} node${count > 1 ? 's' : ''})`);
    await Promise.all(
      launches.map(async (l, i) => {
        await mkdir(join(dataDir, `node-${l.nodeId}`, 'data'), { recursive: true });
        await writeFile(l.propertiesFile, renderServerProperties(cluster, i));
        await runJavaTool(
          { ...common, logConfigFile: toolLog },
          'kafka.tools.StorageTool',
          ['format', '-t', clusterId, '-c', l.propertiesFile, '--ignore-formatted'],
          `formatting node ${l.nodeId}`,
        );
      }),
    );
    const formattedMs = Date.now() - t0;
    say(`starting Kafka ${cfg.version} on ${bootstrapServers(cluster).join(',')}`);
    launches.forEach((l, i) => (procs[i] = BrokerProcess.spawn(l)));
    await opts.onSpawned?.(nodesNow(), dataDir);
    const deadline = Date.now() + cfg.startTimeoutS * 1000;
    await Promise.all(procs.map((p) => p?.waitReady(deadline)));
    log.info(
      { brokers: bootstrapServers(cluster), nodes: count, ms: Date.now() - t0, formattedMs, provisionMs: install.provisionMs, detached },
      'local kafka ready',
    );
  } catch (err) {
    await stopAll().catch(() => {});
    throw toV2xError(err, 'KAFKA_START_FAILED');
  }

  const node = (i: number): number => {
    if (!Number.isInteger(i) || i < 0 || i >= count) throw new V2xError('INTERNAL', `node index ${i} out of range 0..${count - 1}`);
    return i;
  };
  const startMs = Date.now() - t0;

  return {
    brokers: bootstrapServers(cluster),
    get nodes(): LocalKafkaNode[] {
      return nodesNow();
    },
    dataDir,
    get pids(): number[] {
      return procs.filter((p): p is BrokerProcess => p !== undefined).map((p) => p.pid);
    },
    clusterId,
    version: cfg.version,
    startMs,
    provisionMs: install.provisionMs,
    stop: stopAll,
    unregisterShutdown: () => unregister(),
    async stopNode(i) {
      await procs[node(i)]?.stop(grace);
    },
    async kill(i) {
      await procs[node(i)]?.kill();
    },
    async restart(i) {
      const idx = node(i);
      if (stopped !== undefined) throw new V2xError('KAFKA_NOT_RUNNING', 'this local Kafka was stopped');
      await procs[idx]?.stop(grace);
      const launch = launches[idx] as BrokerLaunch;
      const p = BrokerProcess.spawn(launch);
      procs[idx] = p;
      await p.waitReady(Date.now() + cfg.startTimeoutS * 1000);
      log.info({ nodeId: launch.nodeId, pid: p.pid }, 'local kafka node restarted');
    },
  };
}
