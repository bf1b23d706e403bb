/**
 * What the launchers of Debian daemons (redis-server, haproxy, mosquitto) share: a TCP probe, and
 * "spawn under the guard in a temp dir, poll until ready within a deadline, stop once and remove
 * the dir". Each launcher keeps its own arguments, readiness check and error code.
 */
import { rmSync } from 'node:fs';
import { connect } from 'node:net';
import { V2xError, type ErrorCode } from '../core/errors.js';
import { spawnGuarded, type GuardedProcess } from './guarded-process.js';

/** True when something accepts a TCP connection on host:port. */
export function acceptsConnections(host: string, port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const s = connect({ host, port });
    s.once('connect', () => {
      s.destroy();
      resolve(true);
    });
    s.once('error', () => resolve(false));
  });
}

export interface DaemonSpec {
  readonly binary: string;
  readonly args: readonly string[];
  /** Program name, for the guard and the messages. */
  readonly what: string;
  /** Temp dir owned by the daemon, removed when it stops. */
  readonly dir: string;
  readonly errorCode: ErrorCode;
  readonly readyTimeoutMs: number;
  readonly isReady: () => Promise<boolean>;
  /** e.g. `exited at start`; the log is appended. */
  readonly exitedMessage: string;
  /** e.g. `did not accept connections on host:port in time`; the log is appended. */
  readonly timeoutMessage: string;
}

export interface StartedDaemon {
  readonly proc: GuardedProcess;
  /** Idempotent: stops the process and removes its dir. */
  readonly stop: () => Promise<void>;
}

/** Spawns the daemon under the guard and resolves once `isReady`; on failure stops it and throws `errorCode`. */
export async function startDaemon(spec: DaemonSpec): Promise<StartedDaemon> {
  const proc = await spawnGuarded(spec.binary, spec.args, spec.what);
  let stopped = false;
  const stop = async (): Promise<void> => {
    if (stopped) return;
    stopped = true;
    await proc.stop();
    rmSync(spec.dir, { recursive: true, force: true });
  };
  const deadline = Date.now() + spec.readyTimeoutMs;
  for (;;) {
    if (proc.exited()) {
      await stop();
      throw new V2xError(spec.errorCode, `${spec.what} ${spec.exitedMessage}:\n${proc.log()}`);
    }
    if (await spec.isReady()) break;
    if (Date.now() > deadline) {
      await stop();
      throw new V2xError(spec.errorCode, `${spec.what} ${spec.timeoutMessage}:\n${proc.log()}`);
    }
    await new Promise((r) => setTimeout(r, 50)); // poll interval, bounded by the deadline
  }
  return { proc, stop };
}
