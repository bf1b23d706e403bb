/**
 * Progress of a long step (the one-time Kafka download): a live status line rewritten in place on
 * a terminal, plain lines at most every few seconds in a CI log.
 */

export interface Progress {
  /** The current state, e.g. "12 files, 8.1 MB". Cheap to call often. */
  update(text: string): void;
  /** Ends the status line with a final message. */
  done(text: string): void;
}

export interface ProgressOptions {
  readonly stream: NodeJS.WritableStream & { isTTY?: boolean; columns?: number };
  readonly label: string;
  /** Minimum interval between plain lines when the stream is not a terminal. */
  readonly plainEveryMs?: number;
  readonly now?: () => number;
}

export function createProgress(opts: ProgressOptions): Progress {
  const { stream, label } = opts;
  const now = opts.now ?? (() => Date.now());
  const started = now();
  const tty = stream.isTTY === true;
  const every = opts.plainEveryMs ?? 5000;
  let lastPlain = -Infinity;
  let lastText = '';
  const elapsed = (): string => `${((now() - started) / 1000).toFixed(1)} s`;
  const line = (text: string): string => `${label}: ${text} (${elapsed()})`;

  return {
    update(text) {
      lastText = text;
      if (tty) {
        const width = Math.max(20, (stream.columns ?? 80) - 1);
        stream.write(`\r\x1b[2K${line(text).slice(0, width)}`);
      } else if (now() - lastPlain >= every) {
        lastPlain = now();
        stream.write(`${line(text)}\n`);
      }
    },
    done(text) {
      stream.write(`${tty ? '\r\x1b[2K' : ''}${line(text || lastText)}\n`);
    },
  };
}

/** No output at all (library callers that want silence). */
export const silentProgress: Progress = { update() {}, done() {} };

/** "12.3 MB" style sizes. */
export function formatBytes(n: number): string {
  if (n < 1024) return `${n} B`;
  if (n < 1024 * 1024) return `${(n / 1024).toFixed(1)} kB`;
  return `${(n / 1024 / 1024).toFixed(1)} MB`;
}
