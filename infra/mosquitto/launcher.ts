/**
 * A real Mosquitto for tests and benchmarks: generated config, a free port (bound on port 0 first),
 * ready when it accepts TCP connections (polled with a deadline), stopped by its owner.
 * test/helpers/mosquitto.ts wraps it for tests (killed in t.after); the benchmarks use it directly.
 * A missing binary is an error that says how to install it, never a silent skip.
 *
 * Each Mosquitto process holds at most as many connections as it may open files (20,000 here): run
 * one per ~18,000 sessions (`max_connections -1` is always set).
 */
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { delimiter, join } from 'node:path';
import { once } from 'node:events';
import { makeTestCertificates } from '../tls/test-certificates.js';
import { acceptsConnections } from '../daemon.js';

export interface MosquittoOptions {
  /** Address to listen on; 127.0.0.1 by default (0.0.0.0 to accept on every 127.0.0.x). */
  readonly bind?: string;
  /** The search path for the binary (the caller passes its PATH); /usr/sbin and friends are added. */
  readonly searchPath?: string;
  /** user -> password; when given, anonymous clients are refused. */
  readonly users?: Readonly<Record<string, string>>;
  /** Extra lines appended to the generated config. */
  readonly extraConfig?: readonly string[];
  /** A TLS listener with a throw-away CA and server certificate (made with the openssl CLI). */
  readonly tls?: boolean;
  /** ms to wait for the broker to accept connections; 10 s by default. */
  readonly readyTimeoutMs?: number;
}

export interface Mosquitto {
  readonly host: string;
  readonly port: number;
  readonly url: string;
  readonly pid: number | undefined;
  /** PEM file of the CA that signed the server certificate (with `tls`). */
  readonly caFile: string | undefined;
  /** Last lines the broker logged (for failure messages). */
  log(): string;
  /** Stops it (SIGTERM, then SIGKILL after 3 s); resolves when the process has exited. */
  stop(): Promise<void>;
  /** Starts it again on the same port and config (after stop()). */
  restart(): Promise<void>;
  /** Stops it and removes its files. Idempotent. */
  dispose(): Promise<void>;
}

export function findMosquitto(searchPath = ''): string {
  const dirs = [...searchPath.split(delimiter), '/usr/sbin', '/usr/local/sbin', '/sbin', '/usr/bin', '/usr/local/bin'];
  for (const dir of dirs) {
    if (dir === '') continue;
    const candidate = join(dir, 'mosquitto');
    if (existsSync(candidate)) return candidate;
  }
  throw new Error(
    'mosquitto is not installed (binary not found on PATH or in /usr/sbin): run `apt-get install mosquitto` (as root) and try again',
  );
}

export async function freePort(host = '127.0.0.1'): Promise<number> {
  const server = createServer();
  server.listen(0, host);
  await once(server, 'listening');
  const address = server.address();
  const port = typeof address === 'object' && address !== null ? address.port : 0;
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return port;
}

async function waitUntilAccepting(host: string, port: number, deadline: number, child: ChildProcess, log: () => string): Promise<void> {
  while (Date.now() < deadline) {
    if (child.exitCode !== null || child.signalCode !== null) {
      throw new Error(`mosquitto exited (${child.exitCode ?? child.signalCode}) before accepting connections:\n${log()}`);
    }
    if (await acceptsConnections(host, port)) return;
    await new Promise((r) => setTimeout(r, 25)); // poll interval, bounded by the deadline
  }
  throw new Error(`mosquitto did not accept connections on ${host}:${port} in time:\n${log()}`);
}

export async function spawnMosquitto(options: MosquittoOptions = {}): Promise<Mosquitto> {
  const binary = findMosquitto(options.searchPath);
  const host = '127.0.0.1';
  const bind = options.bind ?? host;
  const port = await freePort(bind);
  const dir = mkdtempSync(join(tmpdir(), 'v2x-mosquitto-'));
  const lines = [
    `listener ${port} ${bind}`,
    'max_connections -1',
    'persistence false',
    'log_dest stderr',
    'log_type error',
    'log_type warning',
  ];
  // Started as root, mosquitto drops to the 'mosquitto' user, which cannot read our 0700 temp dir.
  if (process.getuid?.() === 0) lines.push('user root');
  if (options.users !== undefined) {
    const passwordFile = join(dir, 'passwd');
    writeFileSync(passwordFile, '', { mode: 0o600 });
    for (const [user, password] of Object.entries(options.users)) {
      const r = spawnSync(join(binary, '..', '..', 'bin', 'mosquitto_passwd'), ['-b', passwordFile, user, password], { encoding: 'utf8' });
      const r2 = r.error === undefined ? r : spawnSync('mosquitto_passwd', ['-b', passwordFile, user, password], { encoding: 'utf8' });
      if (r2.status !== 0) throw new Error(`mosquitto_passwd failed: ${r2.stderr ?? r2.error?.message ?? ''}`);
    }
    lines.push('allow_anonymous false', `password_file ${passwordFile}`);
  } else {
    lines.push('allow_anonymous true');
  }
  let caFile: string | undefined;
  if (options.tls === true) {
    caFile = makeTestCertificates(dir).caFile;
    lines.push(`cafile ${caFile}`, `certfile ${join(dir, 'server.crt')}`, `keyfile ${join(dir, 'server.key')}`);
  }
  lines.push(...(options.extraConfig ?? []));
  const configFile = join(dir, 'mosquitto.conf');
  writeFileSync(configFile, lines.join('\n') + '\n');

  let child: ChildProcess | undefined;
  let logText = '';
  const log = (): string => logText.split('\n').slice(-20).join('\n');

  const start = async (): Promise<void> => {
    const c = spawn(binary, ['-c', configFile], { stdio: ['ignore', 'ignore', 'pipe'] });
    child = c;
    c.stderr?.setEncoding('utf8');
    c.stderr?.on('data', (text: string) => {
      logText = (logText + text).slice(-8000);
    });
    const spawned = await Promise.race([once(c, 'spawn').then(() => undefined), once(c, 'error').then(([err]) => err as Error)]);
    if (spawned instanceof Error) throw new Error(`cannot start ${binary}: ${spawned.message}`);
    await waitUntilAccepting(host, port, Date.now() + (options.readyTimeoutMs ?? 10_000), c, log);
  };

  const stop = async (): Promise<void> => {
    const c = child;
    child = undefined;
    if (c === undefined || c.exitCode !== null || c.signalCode !== null) return;
    const exited = once(c, 'exit');
    c.kill('SIGTERM');
    const timer = setTimeout(() => c.kill('SIGKILL'), 3000);
    await exited;
    clearTimeout(timer);
  };

  let disposed = false;
  const handle: Mosquitto = {
    host,
    port,
    url: `mqtt://${host}:${port}`,
    get pid() {
      return child?.pid;
    },
    caFile,
    log,
    stop,
    restart: start,
    async dispose() {
      if (disposed) return;
      disposed = true;
      await stop();
      rmSync(dir, { recursive: true, force: true });
    },
  };
  try {
    await start();
  } catch (err) {
    await handle.dispose();
    throw err;
  }
  return handle;
}
