/**
 * A live status line: rewritten in place on a terminal, one plain line per change in a CI log
 * (no escape codes where nobody can see them move).
 */
export interface ProgressLine {
  update(text: string): void;
  done(): void;
}

export function progressLine(out: NodeJS.WritableStream, isTty = (out as { isTTY?: boolean }).isTTY === true): ProgressLine {
  let last = '';
  const started = Date.now();
  const stamp = (): string => `[${((Date.now() - started) / 1000).toFixed(1).padStart(5)}s]`;
  return {
    update(text) {
      if (text === last) return;
      last = text;
      if (isTty) out.write(`\r\x1b[2K${stamp()} ${text}`);
      else out.write(`${stamp()} ${text}\n`);
    },
    done() {
      if (isTty && last !== '') out.write('\r\x1b[2K');
      last = '';
    },
  };
}
