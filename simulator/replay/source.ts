/**
 * Reading a trace file as a stream of text: a file stream (gunzipped when the name ends in .gz),
 * as UTF-8 chunks or, through node:readline, as lines. Nothing is held beyond the current chunk.
 * A file that cannot be opened or read fails with TRACE_UNREADABLE naming the file and the cause.
 */
import { createReadStream } from 'node:fs';
import { stat } from 'node:fs/promises';
import { createInterface } from 'node:readline';
import type { Readable } from 'node:stream';
import { createGunzip } from 'node:zlib';
import { V2xError } from '../../core/errors.js';

function unreadable(path: string, err: unknown): V2xError {
  if (err instanceof V2xError) return err;
  const code = (err as { code?: unknown } | null)?.code;
  const why =
    code === 'ENOENT'
      ? 'no such file'
      : code === 'EACCES'
        ? 'permission denied'
        : code === 'EISDIR'
          ? 'is a directory'
          : err instanceof Error
            ? err.message
            : String(err);
  return new V2xError('TRACE_UNREADABLE', `${path}: ${why}`, { cause: err, details: { file: path } });
}

async function openText(path: string): Promise<Readable> {
  try {
    const s = await stat(path);
    if (s.isDirectory()) throw Object.assign(new Error('is a directory'), { code: 'EISDIR' });
  } catch (err) {
    throw unreadable(path, err);
  }
  const file = createReadStream(path);
  const stream: Readable = path.toLowerCase().endsWith('.gz') ? file.pipe(createGunzip()) : file;
  if (stream !== file) file.on('error', (err) => stream.destroy(err));
  stream.setEncoding('utf8');
  return stream;
}

/** The file's text in chunks. */
export async function* readChunks(path: string): AsyncGenerator<string> {
  const stream = await openText(path);
  try {
    for await (const chunk of stream) yield chunk as string;
  } catch (err) {
    throw unreadable(path, err);
  } finally {
    stream.destroy();
  }
}

/** The file's lines (without line ends; CRLF is accepted). */
export async function* readLines(path: string): AsyncGenerator<string> {
  const stream = await openText(path);
  let failure: unknown;
  stream.on('error', (err) => {
    failure = err;
  });
  const rl = createInterface({ input: stream, crlfDelay: Infinity });
  try {
    for await (const line of rl) yield line;
  } catch (err) {
    throw unreadable(path, err);
  } finally {
    rl.close();
    stream.destroy();
  }
  if (failure !== undefined) throw unreadable(path, failure);
}

/** The first non-blank character of the file (to tell XML from CSV), or '' for an empty file. */
export async function firstChar(path: string): Promise<string> {
  for await (const chunk of readChunks(path)) {
    const m = /[^\s\uFEFF]/.exec(chunk);
    if (m !== null) return m[0];
  }
  return '';
}
