/**
 * HAProxy (Debian package `haproxy`) in front of the edges: the one MQTT address real devices are
 * given (decision 0026, docs/scale-out.md). The config is rendered from haproxy.cfg.template (TCP
 * mode, least connections, health checks that take a failed edge out of the rotation and close
 * its sessions). Started on a free loopback port, ready when it accepts connections, stopped by its
 * owner and never outliving it (infra/guarded-process.ts).
 */
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { existsSync } from 'node:fs';
import { V2xError } from '../../core/errors.js';
import { freePorts } from '../kafka/ports.js';
import { acceptsConnections, startDaemon } from '../daemon.js';
import { findProgram } from '../redis/launcher.js';

export interface Upstream {
  readonly host: string;
  readonly port: number;
}

export interface LocalHaproxy {
  readonly url: string;
  readonly port: number;
  log(): string;
  stop(): Promise<void>;
}

/** Finds haproxy.cfg.template next to this module in the sources (up from dist/). */
function templatePath(): string {
  let dir = dirname(fileURLToPath(import.meta.url));
  for (let i = 0; i < 5; i++) {
    for (const c of [join(dir, 'haproxy.cfg.template'), join(dir, 'infra', 'haproxy', 'haproxy.cfg.template')]) if (existsSync(c)) return c;
    dir = dirname(dir);
  }
  throw new V2xError('HAPROXY_START_FAILED', 'haproxy.cfg.template not found near the launcher; is the package complete?');
}

/**
 * The config for `bind` (host:port) in front of `edges`, for at most `maxconn` cars at once (HAProxy
 * needs two file descriptors per connection: 9,000 fits this machine's limit of 20,000 open files).
 * Pure but for reading the template.
 */
export function renderHaproxyConfig(
  bind: string,
  edges: readonly Upstream[],
  maxconn = 9000,
  template = readFileSync(templatePath(), 'utf8'),
): string {
  if (edges.length === 0) throw new V2xError('CONFIG_INVALID', 'HAProxy needs at least one edge behind it');
  const servers = edges.map((e, i) => `    server edge-${i + 1} ${e.host}:${e.port} check`).join('\n');
  return template.replace('{{BIND}}', bind).replace('{{SERVERS}}', servers).replace('{{MAXCONN}}', String(maxconn));
}

export async function startHaproxy(
  edges: readonly Upstream[],
  options: { readonly searchPath?: string; readonly port?: number; readonly maxconn?: number } = {},
): Promise<LocalHaproxy> {
  const binary = findProgram('haproxy', 'haproxy', options.searchPath);
  const host = '127.0.0.1';
  const port = options.port ?? (await freePorts(1))[0];
  if (port === undefined) throw new V2xError('HAPROXY_START_FAILED', 'no free port for haproxy');
  const dir = mkdtempSync(join(tmpdir(), 'v2x-haproxy-'));
  const file = join(dir, 'haproxy.cfg');
  writeFileSync(file, renderHaproxyConfig(`${host}:${port}`, edges, options.maxconn));
  // -db: foreground, no daemon; -W would fork a master: not wanted under the guard
  const { proc, stop } = await startDaemon({
    binary,
    args: ['-db', '-f', file],
    what: 'haproxy',
    dir,
    errorCode: 'HAPROXY_START_FAILED',
    readyTimeoutMs: 10_000,
    isReady: () => acceptsConnections(host, port),
    exitedMessage: 'exited at start',
    timeoutMessage: `did not accept connections on ${host}:${port} in time`,
  });
  return { url: `mqtt://${host}:${port}`, port, log: proc.log, stop };
}
