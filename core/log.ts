/**
 * Structured logs (pino) with a component name. Logs go to stderr so that stdout stays for a
 * command's own output (ready lines, JSON summaries).
 *
 * Two shapes: JSON lines (files, pipes, log collectors; `--log-format json`) and readable lines for a
 * person at a terminal ("12:03:04 WARN  kafka  the message  key=value"), written by prettyLine below
 * (no pino-pretty: one small formatter is all a terminal needs). `auto` picks readable lines when
 * stderr is a terminal, and then shows warnings and errors only (a live status line says the rest).
 */
import { pino, type Logger, type Level } from 'pino';

export type { Logger };

export type LogFormat = 'auto' | 'pretty' | 'json';
type LevelName = Level | 'silent';

let root: Logger | undefined;

const LEVELS: readonly LevelName[] = ['trace', 'debug', 'info', 'warn', 'error', 'fatal', 'silent'];
const NAMES: Readonly<Record<number, string>> = { 10: 'TRACE', 20: 'DEBUG', 30: 'INFO', 40: 'WARN', 50: 'ERROR', 60: 'FATAL' };

/** The format and level a process logs with, from the configured ones and whether stderr is a terminal. */
export function resolveLogging(level: LevelName, format: LogFormat, isTty: boolean): { level: LevelName; format: 'pretty' | 'json' } {
  if (format === 'json' || (format === 'auto' && !isTty)) return { level, format: 'json' };
  if (format === 'pretty') return { level, format: 'pretty' };
  // auto on a terminal: warnings and errors, readable
  return { level: LEVELS.indexOf(level) < LEVELS.indexOf('warn') ? 'warn' : level, format: 'pretty' };
}

function scalar(v: unknown): string {
  if (typeof v === 'string') return /[\s"=]/.test(v) || v === '' ? JSON.stringify(v) : v;
  if (typeof v === 'number' || typeof v === 'boolean' || v === null) return String(v);
  return JSON.stringify(v);
}

/** One JSON log line as a person reads it: time, level, component, message, the other fields as key=value. */
export function prettyLine(json: string): string {
  let rec: Record<string, unknown>;
  try {
    rec = JSON.parse(json) as Record<string, unknown>;
  } catch {
    return json.endsWith('\n') ? json : `${json}\n`;
  }
  const { time, level, component, msg, err, ...rest } = rec;
  const t = typeof time === 'string' ? time.slice(11, 19) : '';
  const name = (NAMES[Number(level)] ?? String(level)).padEnd(5);
  const fields = Object.entries(rest)
    .filter(([, v]) => v !== undefined)
    .map(([k, v]) => `${k}=${scalar(v)}`);
  let line = `${t} ${name} ${typeof component === 'string' ? `${component}: ` : ''}${typeof msg === 'string' ? msg : ''}`;
  if (fields.length > 0) line += `  ${fields.join(' ')}`;
  if (err !== undefined && err !== null) {
    const e = err as { message?: unknown; type?: unknown; stack?: unknown };
    line += `  err=${scalar(typeof e.message === 'string' ? e.message : e)}`;
    // a stack only where something unexpected happened
    if (Number(level) >= 50 && typeof e.stack === 'string') line += `\n${e.stack}`;
  }
  return `${line}\n`;
}

/** The sink every logger writes through: switched by configureLogging, so loggers made before it follow. */
let sink: ((line: string) => void) | undefined;
let jsonDest: ((line: string) => void) | undefined;
/** One logger per component name, kept so that configureLogging can reach it. */
const children = new Map<string, Logger>();

function jsonSink(): (line: string) => void {
  if (jsonDest === undefined) {
    const dest = pino.destination({ fd: 2, sync: false });
    dest.on('error', () => undefined); // stderr's reader gone (EPIPE): nothing left to tell
    jsonDest = (line) => void dest.write(line);
  }
  return jsonDest;
}

function rootLogger(): Logger {
  root ??= pino(
    { level: 'info', base: undefined, timestamp: pino.stdTimeFunctions.isoTime },
    { write: (line: string) => (sink ??= jsonSink())(line) },
  );
  return root;
}

/**
 * Sets the level and the format of every logger of this process, those already made included
 * (modules make theirs when they load, before a command has read its config); `destination`
 * replaces stderr (tests that read the log).
 */
export function configureLogging(
  level: LevelName = 'info',
  format: LogFormat = 'json',
  destination?: { write(line: string): unknown },
): Logger {
  const r = rootLogger();
  if (format === 'auto') ({ level, format } = resolveLogging(level, format, process.stderr.isTTY === true));
  // through process.stderr, whose EPIPE core/lifecycle ignores (a reader that went away)
  // on a terminal, clear a live status line first (cli/progress.ts rewrites it after)
  const clear = process.stderr.isTTY === true ? '\r\x1b[2K' : '';
  if (destination !== undefined) sink = (line) => void destination.write(format === 'pretty' ? prettyLine(line) : line);
  else sink = format === 'pretty' ? (line) => void process.stderr.write(clear + prettyLine(line)) : jsonSink();
  r.level = level;
  for (const c of children.values()) c.level = level;
  return r;
}

export function logger(component: string): Logger {
  let c = children.get(component);
  if (c === undefined) {
    c = rootLogger().child({ component });
    children.set(component, c);
  }
  return c;
}
