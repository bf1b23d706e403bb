/**
 * Data folders of local brokers whose owner died without stopping them (SIGKILL: the guard stops
 * the JVM, but nobody is left to delete the folder). Each start sweeps folders that no live
 * process owns and no java process mentions.
 */
import { readdir, readFile, rm, stat } from 'node:fs/promises';
import { join } from 'node:path';
import { logger } from '../../core/log.js';
import { isPidAlive, javaProcessesMentioning } from './procs.js';

export const INSTANCE_PREFIX = 'v2x-kafka-';
/** Younger folders are left alone: their owner may still be writing instance.json. */
const MIN_AGE_MS = 60_000;

export async function sweepStaleInstances(base: string, now = Date.now()): Promise<string[]> {
  const removed: string[] = [];
  let names: string[];
  try {
    names = (await readdir(base)).filter((n) => n.startsWith(INSTANCE_PREFIX));
  } catch {
    return removed;
  }
  for (const name of names) {
    const dir = join(base, name);
    try {
      const s = await stat(dir);
      if (!s.isDirectory() || now - s.mtimeMs < MIN_AGE_MS) continue;
      const info = JSON.parse(await readFile(join(dir, 'instance.json'), 'utf8').catch(() => '{}')) as {
        ownerPid?: unknown;
        detached?: unknown;
      };
      if (info.detached !== true && typeof info.ownerPid === 'number' && isPidAlive(info.ownerPid)) continue;
      if (javaProcessesMentioning(`${dir}/`).length > 0) continue;
      await rm(dir, { recursive: true, force: true });
      removed.push(dir);
    } catch {
      // raced with its owner; leave it
    }
  }
  if (removed.length > 0) logger('kafka').info({ removed }, 'removed data folders of local brokers whose owner is gone');
  return removed;
}
