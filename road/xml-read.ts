/**
 * Reading the XML road network files (SUMO `.net.xml`, OpenStreetMap `.osm`, each optionally
 * `.gz`) with saxes, a streaming parser: elements are handed out one at a time, the document is
 * never held as a tree. Malformed XML fails with ROAD_NETWORK_INVALID naming the file and line.
 */
import { readFileSync } from 'node:fs';
import { gunzipSync } from 'node:zlib';
import { SaxesParser } from 'saxes';
import { V2xError } from '../core/errors.js';

export type XmlAttrs = Readonly<Record<string, string>>;

export interface XmlHandlers {
  open(name: string, attrs: XmlAttrs, line: number): void;
  close?(name: string): void;
}

/** Reads a file as text, gunzipping a `.gz` name or gzip magic bytes. */
export function readNetworkText(path: string): string {
  let buf: Buffer;
  try {
    buf = readFileSync(path);
  } catch (err) {
    throw new V2xError('ROAD_NETWORK_UNREADABLE', `${path}: ${(err as Error).message}`, { cause: err });
  }
  if (path.endsWith('.gz') || (buf[0] === 0x1f && buf[1] === 0x8b)) {
    try {
      buf = gunzipSync(buf);
    } catch (err) {
      throw new V2xError('ROAD_NETWORK_UNREADABLE', `${path}: not a readable gzip file: ${(err as Error).message}`, { cause: err });
    }
  }
  return buf.toString('utf8');
}

/** Streams `text` through saxes, calling the handlers per element. `where` names the source in errors. */
export function parseXml(text: string, where: string, handlers: XmlHandlers): void {
  const parser = new SaxesParser({ position: true });
  let failure: Error | undefined;
  parser.on('error', (err) => {
    failure ??= err;
  });
  parser.on('opentag', (tag) => {
    if (failure !== undefined) return;
    try {
      handlers.open(tag.name, tag.attributes as XmlAttrs, parser.line);
    } catch (err) {
      failure = err as Error;
    }
  });
  if (handlers.close !== undefined) {
    const close = handlers.close;
    parser.on('closetag', (tag) => {
      if (failure === undefined) close(tag.name);
    });
  }
  const CHUNK = 1 << 20;
  for (let i = 0; i < text.length && failure === undefined; i += CHUNK) parser.write(text.slice(i, i + CHUNK));
  if (failure === undefined) parser.close();
  if (failure instanceof V2xError) throw failure;
  if (failure !== undefined)
    throw new V2xError('ROAD_NETWORK_INVALID', `${where}: not well-formed XML: ${failure.message}`, { cause: failure });
}
