/**
 * Structured logs (pino) with a component name. Logs go to stderr so that stdout stays for a
 * command's own output (ready lines, JSON summaries).
 */
import { pino, type DestinationStream, type Logger, type Level } from 'pino';

export type { Logger };

let root: Logger | undefined;

/** Sets the level and, for tests that read the log, the destination (default: stderr, asynchronous). */
export function configureLogging(level: Level | 'silent' = 'info', destination?: DestinationStream): Logger {
  root = pino(
    { level, base: undefined, timestamp: pino.stdTimeFunctions.isoTime },
    destination ?? pino.destination({ fd: 2, sync: false }),
  );
  return root;
}

export function logger(component: string): Logger {
  root ??= configureLogging('info');
  return root.child({ component });
}
