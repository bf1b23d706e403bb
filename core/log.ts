/**
 * Structured logs (pino) with a component name. Logs go to stderr so that stdout stays for a
 * command's own output (ready lines, JSON summaries).
 */
import { pino, type Logger, type Level } from 'pino';

export type { Logger };

let root: Logger | undefined;

export function configureLogging(level: Level | 'silent' = 'info'): Logger {
  root = pino({ level, base: undefined, timestamp: pino.stdTimeFunctions.isoTime }, pino.destination({ fd: 2, sync: false }));
  return root;
}

export function logger(component: string): Logger {
  root ??= configureLogging('info');
  return root.child({ component });
}
