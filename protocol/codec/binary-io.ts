/**
 * Byte-level writer and reader for the binary codec. Big-endian (network order). The writer owns
 * one scratch buffer reused across calls (encoding is synchronous, so no two encodes interleave)
 * and copies the finished bytes out; the reader works on a view of the input, no copy.
 */
import { V2xError } from '../../core/errors.js';
import { MAX_PAYLOAD_BYTES } from '../kinds.js';

/** Room past MAX_PAYLOAD_BYTES for fixed-size writes between two bound checks. */
const SLACK = 4096;

export class Writer {
  readonly buf: Buffer = Buffer.alloc(MAX_PAYLOAD_BYTES + SLACK);
  private readonly view = new DataView(this.buf.buffer, this.buf.byteOffset, this.buf.byteLength);
  pos = 0;

  /** The current position, then moves it `n` bytes on. */
  private advance(n: number): number {
    const at = this.pos;
    this.pos += n;
    return at;
  }
  reset(): void {
    this.pos = 0;
  }
  u8(v: number): void {
    this.buf[this.pos++] = v;
  }
  u16(v: number): void {
    this.view.setUint16(this.advance(2), v);
  }
  i16(v: number): void {
    this.view.setInt16(this.advance(2), v);
  }
  u32(v: number): void {
    this.view.setUint32(this.advance(4), v);
  }
  i32(v: number): void {
    this.view.setInt32(this.advance(4), v);
  }
  i8(v: number): void {
    this.view.setInt8(this.pos++, v);
  }
  f64(v: number): void {
    this.view.setFloat64(this.advance(8), v);
  }
  /** Unsigned LEB128 up to 2^53 (arithmetic, not bitwise, past 31 bits). */
  uvarint(v: number): void {
    while (v >= 0x80) {
      this.buf[this.pos++] = (v % 0x80) | 0x80;
      v = Math.floor(v / 0x80);
    }
    this.buf[this.pos++] = v;
  }
  /** Reserves `n` zeroed bytes (a bit area); returns their offset. */
  zeros(n: number): number {
    const at = this.pos;
    for (let i = 0; i < n; i++) this.buf[this.pos++] = 0;
    return at;
  }
  setBit(at: number, bit: number): void {
    const i = at + (bit >> 3);
    this.buf[i] = (this.buf[i] ?? 0) | (1 << (bit & 7));
  }
  /** Fixed-length ASCII (a VIN): one byte per char. */
  ascii(s: string, length: number): void {
    for (let i = 0; i < length; i++) this.buf[this.pos++] = s.charCodeAt(i);
  }
  /** uvarint byte length + UTF-8. Short ASCII strings (the usual case) skip the UTF-8 encoder. */
  str(s: string): void {
    const len = s.length;
    if (len < 0x80) {
      this.room(len + 1);
      const start = this.pos + 1;
      let i = 0;
      for (; i < len; i++) {
        const c = s.charCodeAt(i);
        if (c >= 0x80) break;
        this.buf[start + i] = c;
      }
      if (i === len) {
        this.buf[this.pos] = len;
        this.pos = start + len;
        return;
      }
    }
    const n = Buffer.byteLength(s, 'utf8');
    this.room(n + 8);
    this.uvarint(n);
    this.pos += this.buf.write(s, this.pos, n, 'utf8');
  }
  room(n: number): void {
    if (this.pos + n > MAX_PAYLOAD_BYTES) {
      throw new V2xError('PAYLOAD_TOO_LARGE', `binary payload would exceed ${MAX_PAYLOAD_BYTES} bytes`, {
        details: { limit: MAX_PAYLOAD_BYTES },
      });
    }
  }
  /** A copy of the bytes written. */
  finish(): Buffer {
    this.room(0);
    const out = Buffer.allocUnsafe(this.pos);
    this.buf.copy(out, 0, 0, this.pos);
    return out;
  }
}

/** Thrown inside the reader; decodeBinary turns it into PAYLOAD_UNDECODABLE. */
export class TruncatedError extends Error {}

export class Reader {
  readonly buf: Buffer;
  private readonly view: DataView;
  pos: number;

  constructor(bytes: Uint8Array, start = 0) {
    this.buf = Buffer.isBuffer(bytes) ? bytes : Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength);
    this.view = new DataView(this.buf.buffer, this.buf.byteOffset, this.buf.byteLength);
    this.pos = start;
  }
  get remaining(): number {
    return this.buf.length - this.pos;
  }
  // DataView reads throw a RangeError past the end; decodeBinary reports it as truncated.
  /** The current position, then moves it `n` bytes on. */
  private advance(n: number): number {
    const at = this.pos;
    this.pos += n;
    return at;
  }
  u8(): number {
    return this.view.getUint8(this.pos++);
  }
  i8(): number {
    return this.view.getInt8(this.pos++);
  }
  u16(): number {
    return this.view.getUint16(this.advance(2));
  }
  i16(): number {
    return this.view.getInt16(this.advance(2));
  }
  u32(): number {
    return this.view.getUint32(this.advance(4));
  }
  i32(): number {
    return this.view.getInt32(this.advance(4));
  }
  f64(): number {
    return this.view.getFloat64(this.advance(8));
  }
  uvarint(): number {
    let result = 0;
    let mul = 1;
    for (let i = 0; i < 8; i++) {
      const b = this.view.getUint8(this.pos++);
      result += (b & 0x7f) * mul;
      if (b < 0x80) return result;
      mul *= 0x80;
    }
    throw new TruncatedError('varint longer than 8 bytes');
  }
  /** Skips `n` bytes (a bit area); returns their offset. */
  skip(n: number): number {
    const at = this.pos;
    if (at + n > this.buf.length) throw new TruncatedError('truncated');
    this.pos += n;
    return at;
  }
  bit(at: number, bit: number): boolean {
    return ((this.buf[at + (bit >> 3)] ?? 0) & (1 << (bit & 7))) !== 0;
  }
  ascii(length: number): string {
    if (this.pos + length > this.buf.length) throw new TruncatedError('truncated');
    const s = this.buf.toString('latin1', this.pos, this.pos + length);
    this.pos += length;
    return s;
  }
  str(): string {
    const n = this.uvarint();
    if (this.pos + n > this.buf.length) throw new TruncatedError('string runs past the end');
    if (n <= 32) {
      // short ASCII: build in JS, cheaper than a call into the UTF-8 decoder
      let s = '';
      let i = 0;
      for (; i < n; i++) {
        const c = this.buf[this.pos + i] ?? 0x80;
        if (c >= 0x80) break;
        s += String.fromCharCode(c);
      }
      if (i === n) {
        this.pos += n;
        return s;
      }
    }
    const s = this.buf.toString('utf8', this.pos, this.pos + n);
    this.pos += n;
    return s;
  }
}
