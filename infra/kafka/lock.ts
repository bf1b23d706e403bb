/**
 * A lock file between processes: created with O_EXCL, holding "<pid> <token>". A lock whose holder
 * is dead is taken over. Used around the one-time downloads and around the dev instance's state.
 */
import { randomBytes } from 'node:crypto';
import { open, readFile, stat, unlink } from 'node:fs/promises';
import { setTimeout as delay } from 'node:timers/promises';
import { V2xError } from '../../core/errors.js';
import { isPidAlive } from './procs.js';

export interface LockOptions {
  readonly timeoutMs: number;
  /** Called once when another live process holds the lock. */
  readonly onWait?: (holderPid: number) => void;
  /** Checked while waiting: true means the work the lock guards is done, stop waiting. */
  readonly done?: () => boolean;
}

/** Resolves with a release function, or with undefined when `done()` became true while waiting. */
export async function acquireLock(path: string, opts: LockOptions): Promise<(() => Promise<void>) | undefined> {
  const token = `${process.pid} ${randomBytes(6).toString('hex')}`;
  const deadline = Date.now() + opts.timeoutMs;
  let told = false;
  for (;;) {
    if (await tryCreate(path, token)) return () => release(path, token);
    if (opts.done?.() === true) return undefined;
    const holder = await holderOf(path);
    if (holder !== undefined && !isPidAlive(holder)) {
      await unlink(path).catch(() => {});
      continue;
    }
    if (holder !== undefined && !told) {
      told = true;
      opts.onWait?.(holder);
    }
    if (Date.now() > deadline) {
      throw new V2xError(
        'KAFKA_PROVISION_FAILED',
        `gave up waiting for process ${holder ?? '?'} that holds ${path}; delete the file if that process is gone`,
      );
    }
    await delay(200);
  }
}

async function tryCreate(path: string, token: string): Promise<boolean> {
  try {
    const fh = await open(path, 'wx');
    await fh.writeFile(token);
    await fh.close();
    return true;
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'EEXIST') return false;
    throw err;
  }
}

/** The holder's pid; -1 (dead) for an old empty file; undefined while unreadable or just created. */
async function holderOf(path: string): Promise<number | undefined> {
  try {
    const text = await readFile(path, 'utf8');
    const pid = Number(text.split(' ')[0]);
    if (Number.isInteger(pid) && pid > 0) return pid;
    const s = await stat(path);
    return Date.now() - s.mtimeMs > 10_000 ? -1 : undefined;
  } catch {
    return undefined;
  }
}

async function release(path: string, token: string): Promise<void> {
  try {
    if ((await readFile(path, 'utf8')) === token) await unlink(path);
  } catch {
    // already gone
  }
}
