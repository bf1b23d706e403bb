/** Reading a text file a user named: a file that cannot be read is a catalogue error naming it. */
import { readFileSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { V2xError, type ErrorCode } from './errors.js';

const unreadable = (path: string, code: ErrorCode, err: unknown): V2xError =>
  new V2xError(code, `${path}: ${(err as Error).message}`, { cause: err });

/** The UTF-8 text of `path`; throws `code` naming the file when it cannot be read. */
export function readTextFile(path: string, code: ErrorCode): string {
  try {
    return readFileSync(path, 'utf8');
  } catch (err) {
    throw unreadable(path, code, err);
  }
}

/** readTextFile, without blocking. */
export async function readTextFileAsync(path: string, code: ErrorCode): Promise<string> {
  try {
    return await readFile(path, 'utf8');
  } catch (err) {
    throw unreadable(path, code, err);
  }
}
