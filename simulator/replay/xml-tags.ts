/**
 * A small streaming scanner for regular, machine-written XML (SUMO outputs): it turns text chunks
 * into start, end and empty-element tags with their line numbers, skipping text, comments,
 * processing instructions, CDATA and DOCTYPE. It does not check well-formedness beyond finding
 * where each tag ends (a '>' outside quotes), nor keep more than one unfinished tag of text.
 */

export interface XmlTag {
  readonly name: string;
  /** The raw attribute text; read it with `xmlAttributes`. */
  readonly attrs: string;
  /** `</name>` */
  readonly closing: boolean;
  /** `<name ... />` */
  readonly empty: boolean;
  /** 1-based line of the '<'. */
  readonly line: number;
}

export class XmlScanError extends Error {
  readonly line: number;
  constructor(message: string, line: number) {
    super(message);
    this.line = line;
  }
}

const SKIPS: readonly (readonly [open: string, close: string, what: string])[] = [
  ['<!--', '-->', 'comment'],
  ['<![CDATA[', ']]>', 'CDATA section'],
  ['<?', '?>', 'processing instruction'],
  ['<!', '>', 'declaration'],
];

function countLines(s: string, from: number, to: number): number {
  let n = 0;
  for (let i = s.indexOf('\n', from); i !== -1 && i < to; i = s.indexOf('\n', i + 1)) n++;
  return n;
}

/** Index of the '>' ending the tag that starts at `lt`, or -1 when the text ends first. */
function tagEnd(s: string, lt: number): number {
  let quote = 0;
  for (let i = lt + 1; i < s.length; i++) {
    const c = s.charCodeAt(i);
    if (quote !== 0) {
      if (c === quote) quote = 0;
    } else if (c === 34 /* " */ || c === 39 /* ' */) quote = c;
    else if (c === 62 /* > */) return i;
  }
  return -1;
}

export async function* scanXmlTags(chunks: AsyncIterable<string> | Iterable<string>): AsyncGenerator<XmlTag> {
  let buf = '';
  let line = 1;
  for await (const chunk of chunks) {
    buf = buf === '' ? chunk : buf + chunk;
    let pos = 0;
    for (;;) {
      const lt = buf.indexOf('<', pos);
      if (lt === -1) {
        line += countLines(buf, pos, buf.length);
        pos = buf.length;
        break;
      }
      line += countLines(buf, pos, lt);
      pos = lt;
      const skip = SKIPS.find(([open]) => buf.startsWith(open, lt));
      let end: number;
      if (skip !== undefined) {
        const close = buf.indexOf(skip[1], lt + skip[0].length);
        // not there yet (an unfinished '<!' may also become '<!--' with the next chunk): wait for more
        if (close === -1) break;
        end = close + skip[1].length - 1;
      } else {
        end = tagEnd(buf, lt);
        if (end === -1) break;
        const body = buf.slice(lt + 1, end);
        const closing = body.startsWith('/');
        const empty = !closing && body.endsWith('/');
        const inner = body.slice(closing ? 1 : 0, empty ? -1 : undefined);
        const m = /^[^\s/>]+/.exec(inner);
        if (m === null) throw new XmlScanError('a tag without a name', line);
        yield { name: m[0], attrs: inner.slice(m[0].length), closing, empty, line };
      }
      line += countLines(buf, lt, end);
      pos = end + 1;
    }
    buf = buf.slice(pos);
  }
  if (buf.trim() !== '') {
    const skip = SKIPS.find(([open]) => buf.startsWith(open));
    throw new XmlScanError(`the file ends inside a ${skip?.[2] ?? 'tag'} (truncated?)`, line);
  }
}

const ENTITIES: Readonly<Record<string, string>> = { amp: '&', lt: '<', gt: '>', quot: '"', apos: "'" };

function decode(v: string): string {
  if (!v.includes('&')) return v;
  return v.replace(/&(#x[0-9a-f]+|#\d+|\w+);/gi, (all, e: string) => {
    if (e.startsWith('#x') || e.startsWith('#X')) return String.fromCodePoint(parseInt(e.slice(2), 16));
    if (e.startsWith('#')) return String.fromCodePoint(parseInt(e.slice(1), 10));
    return ENTITIES[e] ?? all;
  });
}

/** The attributes of a tag, entities decoded. */
export function xmlAttributes(attrs: string): Map<string, string> {
  const out = new Map<string, string>();
  const re = /([^\s=]+)\s*=\s*(?:"([^"]*)"|'([^']*)')/g;
  for (let m = re.exec(attrs); m !== null; m = re.exec(attrs)) out.set(m[1] as string, decode(m[2] ?? m[3] ?? ''));
  return out;
}
