/**
 * A folder that is built once and then only read (the Kafka jars, the compiled parent-watch guard).
 * It is built in a temporary sibling and renamed into place with a marker file written last, so a
 * folder at its final path is always complete and an interrupted build is simply redone. A lock
 * file keeps concurrent builders (two test processes) from downloading twice; if two still race
 * (a stale lock taken over by both), the first rename wins and the loser discards its copy.
 */
import { randomBytes } from 'node:crypto';
import { existsSync } from 'node:fs';
import { mkdir, readdir, rename, rm, writeFile } from 'node:fs/promises';
import { basename, dirname, join } from 'node:path';
import { acquireLock } from './lock.js';
import { isPidAlive } from './procs.js';

export const MARKER = 'complete.json';

export interface AtomicDirOptions {
  /** Gives up waiting for another builder after this long (it may be downloading). */
  readonly waitTimeoutMs: number;
  /** Called once when another process holds the lock. */
  readonly onWait?: (holderPid: number) => void;
  /** Extra fields for the marker file. */
  readonly markerInfo?: Record<string, unknown>;
}

export type AtomicDirResult = 'cached' | 'built' | 'built-by-other';

export function isComplete(dir: string): boolean {
  return existsSync(join(dir, MARKER));
}

/** Makes sure `finalDir` exists and is complete, building it with `build(tmpDir)` if needed. */
export async function ensureAtomicDir(
  finalDir: string,
  build: (tmpDir: string) => Promise<void>,
  opts: AtomicDirOptions,
): Promise<AtomicDirResult> {
  if (isComplete(finalDir)) return 'cached';
  await mkdir(dirname(finalDir), { recursive: true });
  const release = await acquireLock(`${finalDir}.lock`, {
    timeoutMs: opts.waitTimeoutMs,
    done: () => isComplete(finalDir),
    ...(opts.onWait ? { onWait: opts.onWait } : {}),
  });
  if (release === undefined) return 'built-by-other';

  const tmp = `${finalDir}.tmp-${process.pid}-${randomBytes(4).toString('hex')}`;
  try {
    if (isComplete(finalDir)) return 'built-by-other';
    await sweepStaleTemps(finalDir);
    await mkdir(tmp, { recursive: true });
    await build(tmp);
    await writeFile(
      join(tmp, MARKER),
      `${JSON.stringify({ completedAt: new Date().toISOString(), pid: process.pid, ...opts.markerInfo }, null, 2)}\n`,
    );
    if (existsSync(finalDir) && !isComplete(finalDir)) await rm(finalDir, { recursive: true, force: true });
    try {
      await rename(tmp, finalDir);
    } catch (err) {
      const code = (err as NodeJS.ErrnoException).code;
      if ((code === 'ENOTEMPTY' || code === 'EEXIST') && isComplete(finalDir)) {
        await rm(tmp, { recursive: true, force: true });
        return 'built-by-other';
      }
      throw err;
    }
    return 'built';
  } catch (err) {
    await rm(tmp, { recursive: true, force: true }).catch(() => {});
    throw err;
  } finally {
    await release();
  }
}

/** Removes `<final>.tmp-<pid>-*` folders left by builders that died. */
async function sweepStaleTemps(finalDir: string): Promise<void> {
  const prefix = `${basename(finalDir)}.tmp-`;
  let names: string[];
  try {
    names = await readdir(dirname(finalDir));
  } catch {
    return;
  }
  for (const name of names) {
    if (!name.startsWith(prefix)) continue;
    const pid = Number(name.slice(prefix.length).split('-')[0]);
    if (Number.isInteger(pid) && pid !== process.pid && !isPidAlive(pid)) {
      await rm(join(dirname(finalDir), name), { recursive: true, force: true }).catch(() => {});
    }
  }
}
