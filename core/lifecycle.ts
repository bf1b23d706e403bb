/**
 * Process lifecycle: cleanups registered by whatever a process starts (a Kafka broker, an MQTT
 * listener), run once in reverse order on Ctrl-C, SIGTERM, an uncaught error or a normal exit.
 * A second Ctrl-C while cleaning up exits at once. Child processes that must not outlive a parent
 * killed with SIGKILL need their own guard as well (see infra/kafka/watchdog).
 */
import { logger } from './log.js';

type Cleanup = () => Promise<void> | void;

const cleanups: { name: string; fn: Cleanup }[] = [];
let installed = false;
let shuttingDown: Promise<void> | undefined;
const waiters: ((signal: string) => void)[] = [];

let pipesGuarded = false;

/**
 * A reader of stdout or stderr that went away (`v2x up | tee log` after Ctrl-C killed tee) makes
 * every later write fail with EPIPE, as an 'error' event that would otherwise be an uncaught
 * exception in the middle of a shutdown. There is nobody left to read: the output is dropped.
 */
export function ignoreBrokenPipes(): void {
  if (pipesGuarded) return;
  pipesGuarded = true;
  for (const stream of [process.stdout, process.stderr]) {
    stream.on('error', (err: NodeJS.ErrnoException) => {
      if (err.code !== 'EPIPE' && err.code !== 'ERR_STREAM_DESTROYED') throw err;
    });
  }
}

/** Registers a cleanup; returns a function that unregisters it (when the resource closed itself). */
export function onShutdown(name: string, fn: Cleanup): () => void {
  install();
  const entry = { name, fn };
  cleanups.push(entry);
  return () => {
    const i = cleanups.indexOf(entry);
    if (i >= 0) cleanups.splice(i, 1);
  };
}

/** Resolves with the signal name when the process is asked to stop (SIGINT or SIGTERM). */
export function shutdownRequested(): Promise<string> {
  install();
  return new Promise((resolve) => waiters.push(resolve));
}

/** Runs every registered cleanup once, newest first; later calls get the same promise. */
export function runCleanups(): Promise<void> {
  shuttingDown ??= (async () => {
    const log = logger('lifecycle');
    while (cleanups.length > 0) {
      const { name, fn } = cleanups.pop()!;
      try {
        await fn();
      } catch (err) {
        log.error({ err, cleanup: name }, 'cleanup failed');
      }
    }
  })();
  return shuttingDown;
}

function install(): void {
  if (installed) return;
  installed = true;
  ignoreBrokenPipes();
  const onSignal = (signal: NodeJS.Signals): void => {
    if (shuttingDown !== undefined && signal === 'SIGINT') {
      process.stderr.write('second Ctrl-C: exiting now\n');
      process.exit(130);
    }
    if (waiters.length > 0) {
      for (const w of waiters.splice(0)) w(signal);
      void runCleanups();
    } else {
      void runCleanups().finally(() => process.exit(signal === 'SIGINT' ? 130 : 143));
    }
  };
  process.on('SIGINT', onSignal);
  process.on('SIGTERM', onSignal);
  process.on('SIGHUP', onSignal);
  const onFatal = (err: unknown): void => {
    logger('lifecycle').fatal({ err }, 'uncaught error; stopping');
    process.stderr.write(`fatal: ${err instanceof Error ? (err.stack ?? err.message) : String(err)}\n`);
    void runCleanups().finally(() => process.exit(1));
  };
  process.on('uncaughtException', onFatal);
  process.on('unhandledRejection', onFatal);
}
