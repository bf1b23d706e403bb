/**
 * Provisioning: Apache Kafka's jars from Maven Central into <cacheDir>/kafka/<version>/libs, once.
 * A throwaway pom.xml (in the cache, never in the repository) and `mvn dependency:copy-dependencies`
 * do the download; the folder appears atomically with a marker written last (atomic-dir.ts), so an
 * interrupted download is redone and concurrent provisioners do not corrupt it.
 */
import { spawn } from 'node:child_process';
import { readdirSync } from 'node:fs';
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { V2xError } from '../../core/errors.js';
import { onShutdown } from '../../core/lifecycle.js';
import { logger } from '../../core/log.js';
import { COPY_DEPENDENCIES_GOAL, kafkaArtifacts, renderPom, type LoggingKind } from './artifacts.js';
import { ensureAtomicDir, isComplete } from './atomic-dir.js';
import type { KafkaConfig } from './config.js';
import { requireJava, requireMaven } from './prereqs.js';
import { createProgress, formatBytes, silentProgress, type Progress } from './progress.js';
import { signal } from './procs.js';
import { ensureWatchdog } from './watchdog.js';

export interface KafkaInstallation {
  readonly version: string;
  /** <cacheDir>/kafka/<version> */
  readonly dir: string;
  readonly libsDir: string;
  readonly logging: LoggingKind;
  /** Folder holding ParentWatch.class. */
  readonly watchdogDir: string;
  readonly java: string;
  /** How long provisioning took in this call (0 when everything was cached). */
  readonly provisionMs: number;
}

export interface ProvisionOptions {
  /** Where the download progress goes (a live line on a TTY, plain lines otherwise); default stderr. */
  readonly progressStream?: NodeJS.WritableStream | null;
  /** Receives each progress message instead (download, format, start, ready); wins over progressStream. */
  readonly onProgress?: (message: string) => void;
}

export function kafkaRootDir(cfg: KafkaConfig): string {
  if (cfg.cacheDir === '')
    throw new V2xError('CONFIG_INVALID', 'kafka.cacheDir is empty (the CLI sets it to ~/.cache/v2x-fleet; library callers must set it)');
  return join(cfg.cacheDir, 'kafka');
}

/** Makes sure the jars and the guard are in the cache; downloads once. */
export async function ensureKafka(cfg: KafkaConfig, opts: ProvisionOptions = {}): Promise<KafkaInstallation> {
  const log = logger('kafka');
  const started = Date.now();
  const root = kafkaRootDir(cfg);
  const dir = join(root, cfg.version);
  const { java } = requireJava(cfg);
  const spec = kafkaArtifacts(cfg.version);

  if (!isComplete(dir)) {
    requireMaven();
    const label = `Apache Kafka ${cfg.version} from Maven Central`;
    const stream = opts.progressStream === undefined ? process.stderr : opts.progressStream;
    const onProgress = opts.onProgress;
    const progress: Progress =
      onProgress !== undefined
        ? { update: (t) => onProgress(`downloading ${label}: ${t}`), done: (t) => onProgress(`downloaded ${label}: ${t}`) }
        : stream === null
          ? silentProgress
          : createProgress({ stream, label });
    const result = await ensureAtomicDir(dir, (tmp) => download(cfg.version, tmp, progress), {
      waitTimeoutMs: 15 * 60_000,
      markerInfo: { version: cfg.version },
      onWait: (pid) => log.info({ pid, dir }, 'another process is downloading Kafka; waiting for it'),
    });
    log.info({ version: cfg.version, dir, result, ms: Date.now() - started }, 'kafka provisioned');
  }
  const watchdogDir = await ensureWatchdog(cfg, root);
  const libsDir = join(dir, 'libs');
  const present = new Set(readdirSync(libsDir));
  const absent = spec.mustHave.filter((f) => !present.has(f));
  if (absent.length > 0) {
    throw new V2xError('KAFKA_PROVISION_FAILED', `${libsDir} lacks ${absent.join(', ')}; delete ${dir} to download again`);
  }
  return { version: cfg.version, dir, libsDir, logging: spec.logging, watchdogDir, java, provisionMs: Date.now() - started };
}

async function download(version: string, tmp: string, progress: Progress): Promise<void> {
  const pom = join(tmp, 'pom.xml');
  await writeFile(pom, renderPom(version));
  // Not -q: the "Downloaded from" lines feed the progress line. Full output is kept for errors.
  const args = [
    '-B',
    '-Dstyle.color=never',
    '-f',
    pom,
    COPY_DEPENDENCIES_GOAL,
    '-DincludeScope=runtime',
    `-DoutputDirectory=${join(tmp, 'libs')}`,
  ];
  const child = spawn('mvn', args, { cwd: tmp, stdio: ['ignore', 'pipe', 'pipe'] });
  const unregister = onShutdown('kafka download', () => signal(child.pid ?? -1, 'SIGTERM'));
  let files = 0;
  let bytes = 0;
  const tail: string[] = [];
  const onLine = (line: string): void => {
    tail.push(line);
    if (tail.length > 60) tail.shift();
    const m = /^\[INFO\] Downloaded from [^:]+: \S+ \(([\d.]+) (B|kB|MB|GB)/.exec(line);
    if (m !== null) {
      files++;
      bytes += Number(m[1]) * ({ B: 1, kB: 1024, MB: 1024 ** 2, GB: 1024 ** 3 }[m[2] as 'B' | 'kB' | 'MB' | 'GB'] ?? 1);
      progress.update(`${files} files, ${formatBytes(bytes)} downloaded`);
    } else if (/^\[INFO\] Copying /.test(line)) {
      progress.update(`copying jars (${files} files downloaded)`);
    }
  };
  progress.update('resolving');
  const code = await new Promise<number>((resolve) => {
    let buf = '';
    const feed = (d: Buffer): void => {
      buf += d.toString();
      let nl: number;
      while ((nl = buf.indexOf('\n')) >= 0) {
        onLine(buf.slice(0, nl).replace(/\r$/, ''));
        buf = buf.slice(nl + 1);
      }
    };
    child.stdout.on('data', feed);
    child.stderr.on('data', feed);
    child.on('error', (err) => {
      tail.push(err.message);
      resolve(-1);
    });
    child.on('close', (c) => resolve(c ?? -1));
  });
  unregister();
  if (code !== 0) {
    progress.done('failed');
    const errors = tail.filter((l) => /ERROR|FATAL|Could not|error:/.test(l));
    throw new V2xError(
      'KAFKA_PROVISION_FAILED',
      `mvn exited with ${code} while downloading Kafka ${version}:\n${(errors.length > 0 ? errors : tail).slice(-15).join('\n')}`,
      {
        details: { version },
      },
    );
  }
  progress.done(`done: ${files} files (${formatBytes(bytes)}) downloaded, ${readdirSync(join(tmp, 'libs')).length} jars`);
}
