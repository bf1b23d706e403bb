/**
 * The live view on a stream (stderr): on a terminal the multi-line block redrawn in place each
 * second; in a CI log one plain status line every `everyMs` (5 s by default), no escape codes.
 * Event lines (chaos, ramp-to-break levels) are written as they come, above the block.
 */
import { liveView, statusLine, type LiveStatus } from '../report/live.js';

export interface LiveOutput {
  status(s: LiveStatus): void;
  event(text: string): void;
  /** Ends the live block (the next output starts below it). */
  done(): void;
}

export function liveOutput(
  out: NodeJS.WritableStream,
  tty: boolean,
  options: { readonly everyMs?: number; readonly columns?: number } = {},
): LiveOutput {
  const everyMs = options.everyMs ?? 5000;
  let drawn = 0; // lines of the block on screen
  let lastLineAt = Number.NEGATIVE_INFINITY;
  let lastStage = -1;
  const clear = (): void => {
    if (drawn > 0) out.write(`\x1b[${drawn}A\x1b[J`);
    drawn = 0;
  };
  return {
    status(s) {
      if (tty) {
        clear();
        const block = liveView(s, options.columns ?? 100);
        out.write(`${block}\n`);
        drawn = block.split('\n').length;
        return;
      }
      if (s.elapsedMs - lastLineAt < everyMs && s.stage === lastStage) return;
      lastLineAt = s.elapsedMs;
      lastStage = s.stage;
      out.write(`${statusLine(s)}\n`);
    },
    event(text) {
      clear();
      out.write(`${text}\n`);
    },
    done() {
      drawn = 0;
    },
  };
}
