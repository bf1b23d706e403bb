/**
 * One Java process of a local Kafka: a broker node (kafka.Kafka) or a tool run (StorageTool).
 *
 * Guarded (the default): the JVM runs ParentWatch, which exits when its stdin pipe from this
 * process closes, so the broker dies with its parent even on SIGKILL. Detached (the dev instance of
 * `v2x kafka start`): no guard, stdin ignored, its own session, so it outlives the command.
 * Either way it runs in its own process group: a terminal's Ctrl-C reaches the Node parent only,
 * whose lifecycle cleanups then stop things in order (producers flush before Kafka goes).
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { closeSync, openSync, statSync } from 'node:fs';
import { open } from 'node:fs/promises';
import { connect } from 'node:net';
import { setTimeout as delay } from 'node:timers/promises';
import { V2xError } from '../../core/errors.js';
import { LOOPBACK, READY_LINE, logConfigFlag } from './properties.js';
import type { KafkaInstallation } from './provision.js';
import { isPidAlive, signal, waitForPidExit } from './procs.js';
import { WATCHDOG_MAIN } from './watchdog.js';

export interface JavaLaunch {
  readonly install: KafkaInstallation;
  readonly heapMb: number;
  readonly logConfigFile: string;
  /** -Djava.io.tmpdir: writable and exec-allowed (zstd-jni and snappy unpack native code there). */
  readonly javaTmpDir: string;
  readonly guarded: boolean;
}

export function javaArgs(l: JavaLaunch, mainClass: string, mainArgs: readonly string[], kind: 'server' | 'tool'): string[] {
  const sep = process.platform === 'win32' ? ';' : ':';
  const cp = [`${l.install.libsDir}/*`, ...(l.guarded ? [l.install.watchdogDir] : [])].join(sep);
  const jvm =
    kind === 'server'
      ? [`-Xms${Math.min(256, l.heapMb)}m`, `-Xmx${l.heapMb}m`, '-XX:+UseG1GC', '-XX:MaxGCPauseMillis=20']
      : ['-Xmx256m', '-XX:+UseSerialGC', '-XX:TieredStopAtLevel=1'];
  return [
    ...jvm,
    '-Djava.awt.headless=true',
    logConfigFlag(l.install.logging, l.logConfigFile),
    `-Djava.io.tmpdir=${l.javaTmpDir}`,
    '-cp',
    cp,
    ...(l.guarded ? [WATCHDOG_MAIN] : []),
    mainClass,
    ...mainArgs,
  ];
}

/** Runs a Java tool to completion (guarded); resolves with its output, throws with it on failure. */
export async function runJavaTool(l: JavaLaunch, mainClass: string, args: readonly string[], what: string): Promise<string> {
  const child = spawn(l.install.java, javaArgs({ ...l, guarded: true }, mainClass, args, 'tool'), {
    stdio: ['pipe', 'pipe', 'pipe'],
    detached: true,
  });
  let out = '';
  child.stdout?.on('data', (d: Buffer) => (out += d.toString()));
  child.stderr?.on('data', (d: Buffer) => (out += d.toString()));
  const code = await new Promise<number>((resolve) => {
    child.on('error', (err) => {
      out += err.message;
      resolve(-1);
    });
    child.on('close', (c) => resolve(c ?? -1));
  });
  child.stdin?.destroy();
  if (code !== 0) throw new V2xError('KAFKA_START_FAILED', `${what} failed (exit ${code}):\n${tailLines(out, 20)}`);
  return out;
}

export interface BrokerLaunch extends JavaLaunch {
  readonly propertiesFile: string;
  /** stdout and stderr of the JVM are appended here. */
  readonly logFile: string;
  readonly brokerPort: number;
  readonly nodeId: number;
}

/** A running broker node. */
export class BrokerProcess {
  readonly pid: number;
  readonly launch: BrokerLaunch;
  /** Where this run's output starts in the log file (it is appended to across restarts). */
  readonly logOffset: number;
  #child: ChildProcess | undefined;
  #exitCode: number | null | undefined;

  private constructor(launch: BrokerLaunch, pid: number, logOffset: number, child: ChildProcess | undefined) {
    this.launch = launch;
    this.pid = pid;
    this.logOffset = logOffset;
    this.#child = child;
    child?.once('exit', (code, sig) => (this.#exitCode = code ?? (sig !== null ? -1 : null)));
  }

  static spawn(launch: BrokerLaunch): BrokerProcess {
    let offset = 0;
    try {
      offset = statSync(launch.logFile).size;
    } catch {
      // a new file
    }
    const fd = openSync(launch.logFile, 'a');
    let child: ChildProcess;
    try {
      child = spawn(launch.install.java, javaArgs(launch, 'kafka.Kafka', [launch.propertiesFile], 'server'), {
        stdio: [launch.guarded ? 'pipe' : 'ignore', fd, fd],
        detached: true,
      });
    } finally {
      closeSync(fd);
    }
    if (child.pid === undefined) throw new V2xError('KAFKA_START_FAILED', `could not start ${launch.install.java}`);
    child.on('error', () => {});
    // Never keep the parent alive for the broker: a parent that ends without stopping it closes
    // the guard's pipe and the broker follows.
    child.unref();
    (child.stdin as (NodeJS.WritableStream & { unref?: () => void }) | null)?.unref?.();
    return new BrokerProcess(launch, child.pid, offset, launch.guarded ? child : undefined);
  }

  /** A broker started by another process (the dev instance), known by pid only. */
  static adopt(launch: BrokerLaunch, pid: number): BrokerProcess {
    return new BrokerProcess(launch, pid, 0, undefined);
  }

  get running(): boolean {
    return this.#exitCode === undefined && isPidAlive(this.pid);
  }

  /** Waits for the ready line and an open broker port; throws with the log tail if it exits or times out. */
  async waitReady(deadline: number): Promise<void> {
    let pos = this.logOffset;
    let seen = '';
    for (;;) {
      const chunk = await readFrom(this.launch.logFile, pos);
      pos += chunk.length;
      seen = (seen + chunk.toString('utf8')).slice(-200_000);
      if (seen.includes(READY_LINE) && (await canConnect(this.launch.brokerPort))) return;
      if (!this.running) {
        // its last words may have reached the log after the read above: read what is left
        const rest = await readFrom(this.launch.logFile, pos);
        seen = (seen + rest.toString('utf8')).slice(-200_000);
        throw new V2xError(
          'KAFKA_START_FAILED',
          `node ${this.launch.nodeId} (pid ${this.pid}) exited before it was ready; last lines of ${this.launch.logFile}:\n${tailLines(seen, 25)}`,
        );
      }
      if (Date.now() >= deadline) {
        throw new V2xError(
          'KAFKA_START_FAILED',
          `node ${this.launch.nodeId} (pid ${this.pid}) was not ready in time; last lines of ${this.launch.logFile}:\n${tailLines(seen, 25)}`,
        );
      }
      await delay(100);
    }
  }

  /** SIGTERM (clean shutdown), then SIGKILL after `graceMs`; resolves when the process is gone. */
  async stop(graceMs: number): Promise<void> {
    if (!this.running) return;
    signal(this.pid, 'SIGTERM');
    if (await this.#waitExit(graceMs)) return;
    signal(this.pid, 'SIGKILL');
    await this.#waitExit(10_000);
  }

  /** SIGKILL at once (a crash, for fault tests). */
  async kill(): Promise<void> {
    if (!this.running) return;
    signal(this.pid, 'SIGKILL');
    await this.#waitExit(10_000);
  }

  async #waitExit(ms: number): Promise<boolean> {
    const child = this.#child;
    if (child !== undefined && this.#exitCode === undefined) {
      const exited = new Promise<boolean>((resolve) => child.once('exit', () => resolve(true)));
      let timer: NodeJS.Timeout | undefined;
      const timeout = new Promise<boolean>((resolve) => (timer = setTimeout(() => resolve(false), ms)));
      const r = await Promise.race([exited, timeout]);
      clearTimeout(timer);
      return r || !isPidAlive(this.pid);
    }
    return waitForPidExit(this.pid, ms);
  }
}

async function readFrom(file: string, pos: number): Promise<Buffer> {
  try {
    const fh = await open(file, 'r');
    try {
      const { size } = await fh.stat();
      if (size <= pos) return Buffer.alloc(0);
      const buf = Buffer.alloc(size - pos);
      const { bytesRead } = await fh.read(buf, 0, buf.length, pos);
      return buf.subarray(0, bytesRead);
    } finally {
      await fh.close();
    }
  } catch {
    return Buffer.alloc(0);
  }
}

export function canConnect(port: number, host = LOOPBACK, timeoutMs = 1000): Promise<boolean> {
  return new Promise((resolve) => {
    const sock = connect({ host, port });
    const done = (ok: boolean): void => {
      sock.destroy();
      resolve(ok);
    };
    sock.setTimeout(timeoutMs, () => done(false));
    sock.once('connect', () => done(true));
    sock.once('error', () => done(false));
  });
}

export function tailLines(text: string, n: number): string {
  return text.trimEnd().split('\n').slice(-n).join('\n');
}
