/** An MQTT fixed header: packet type byte and the remaining length `length` (variable byte integer). */
export function fixedHeader(type: number, length: number): Buffer {
  const bytes = [type];
  let n = length;
  do {
    let b = n % 128;
    n = Math.floor(n / 128);
    if (n > 0) b |= 0x80;
    bytes.push(b);
  } while (n > 0);
  return Buffer.from(bytes);
}
