/**
 * A local Redis for the edges to cluster through (decision 0026), provisioned and started by the
 * project as Kafka is: Debian's redis-server on a free loopback port, its files in a temp dir, ready
 * when it answers PING (polled with a deadline), stopped by its owner and never outliving it
 * (infra/guarded-process.ts). A missing binary is a PREREQ_MISSING error naming the Debian package.
 * No persistence to disk: the sessions it holds live as long as the stack.
 */
import { existsSync, mkdtempSync } from 'node:fs';
import { connect } from 'node:net';
import { tmpdir } from 'node:os';
import { delimiter, join } from 'node:path';
import { V2xError } from '../../core/errors.js';
import { freePorts } from '../kafka/ports.js';
import { startDaemon } from '../daemon.js';

export interface LocalRedis {
  readonly url: string;
  readonly port: number;
  readonly pid: number | undefined;
  log(): string;
  /** Stops it and removes its files. Idempotent. */
  stop(): Promise<void>;
}

export interface RedisOptions {
  /** The search path for the binary (the caller passes its PATH); /usr/bin and /usr/sbin are added. */
  readonly searchPath?: string;
  /** ms to wait for PONG; 10 s by default. */
  readonly readyTimeoutMs?: number;
}

export function findProgram(name: string, debianPackage: string, searchPath = ''): string {
  const dirs = [...searchPath.split(delimiter), '/usr/bin', '/usr/sbin', '/usr/local/bin', '/usr/local/sbin', '/bin', '/sbin'];
  for (const dir of dirs) {
    if (dir === '') continue;
    const candidate = join(dir, name);
    if (existsSync(candidate)) return candidate;
  }
  throw new V2xError(
    'PREREQ_MISSING',
    `${name} not found on PATH or in /usr/bin, /usr/sbin. To fix: apt-get install ${debianPackage} (the Debian package), or point the stack at an existing one`,
    { details: { missing: name, package: debianPackage } },
  );
}

/** One PING on a fresh connection: true on +PONG. */
export function redisPing(host: string, port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = connect({ host, port });
    let reply = '';
    const end = (ok: boolean): void => {
      socket.destroy();
      resolve(ok);
    };
    socket.setTimeout(1000, () => end(false));
    socket.once('connect', () => socket.write('PING\r\n'));
    socket.on('data', (d: Buffer) => {
      reply += d.toString();
      if (reply.includes('\r\n')) end(reply.startsWith('+PONG'));
    });
    socket.once('error', () => end(false));
  });
}

export async function startLocalRedis(options: RedisOptions = {}): Promise<LocalRedis> {
  const binary = findProgram('redis-server', 'redis-server', options.searchPath);
  const host = '127.0.0.1';
  const [port] = await freePorts(1);
  if (port === undefined) throw new V2xError('REDIS_START_FAILED', 'no free port for redis-server');
  const dir = mkdtempSync(join(tmpdir(), 'v2x-redis-'));
  const { proc, stop } = await startDaemon({
    binary,
    args: [
      '--port',
      String(port),
      '--bind',
      host,
      '--dir',
      dir,
      '--save',
      '',
      '--appendonly',
      'no',
      '--protected-mode',
      'yes',
      '--loglevel',
      'warning',
    ],
    what: 'redis-server',
    dir,
    errorCode: 'REDIS_START_FAILED',
    readyTimeoutMs: options.readyTimeoutMs ?? 10_000,
    isReady: () => redisPing(host, port),
    exitedMessage: `exited before it answered on port ${port}`,
    timeoutMessage: `did not answer PING on ${host}:${port} in time`,
  });
  return { url: `redis://${host}:${port}`, port, pid: proc.child.pid, log: proc.log, stop };
}
