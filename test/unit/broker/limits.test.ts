/** The broker's limits as pure logic: packet boundaries across chunks, refusal log rate and length, whose client id. */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { pino } from 'pino';
import { ManualClock } from '../../../core/clock.js';
import { FrameScanner } from '../../../backend/broker/connection-guard.js';
import { RefusalLog, truncate } from '../../../backend/broker/refusal-log.js';
import { clientIdProblem, serviceAccountProblem } from '../../../backend/broker/client-id.js';
import { completeVin } from '../../../protocol/index.js';
import { fixedHeader } from '../../helpers/mqtt-bytes.js';

const header = (type: number, length: number): number[] => [...fixedHeader(type, length)];

test('FrameScanner follows packets across chunks and stops an oversized one at its header', () => {
  const s = new FrameScanner(1000);
  // PINGREQ (no body), a 300-byte PUBLISH split over three chunks, a 2-byte-length header split in two
  const publish = Buffer.from([...header(0x30, 300), ...new Array<number>(300).fill(0)]);
  assert.equal(s.feed(Buffer.from([0xc0, 0x00])), undefined);
  assert.equal(s.feed(publish.subarray(0, 2)), undefined);
  assert.equal(s.feed(publish.subarray(2, 150)), undefined);
  assert.equal(s.feed(publish.subarray(150)), undefined);
  const exact = Buffer.from([...header(0x30, 997), ...new Array<number>(997).fill(0)]); // 1 + 2 + 997 = 1000 bytes
  assert.equal(s.feed(exact), undefined, 'a packet of exactly maxPacketSize is fine');
  const big = Buffer.from(header(0x10, 250 * 1024 * 1024));
  assert.equal(s.feed(big.subarray(0, 2)), undefined, 'not decided before the length is complete');
  assert.deepEqual(s.feed(big.subarray(2))?.reason, 'packet_too_large');
  assert.match(
    new FrameScanner(1000).feed(Buffer.from(header(0x30, 998)))?.detail ?? '',
    /1001 bytes announced \(mqtt\.maxPacketSize is 1000\)/,
  );
  assert.equal(new FrameScanner(1 << 30).feed(Buffer.from([0x10, 0xff, 0xff, 0xff, 0xff]))?.reason, 'malformed_length');
});

test('RefusalLog: one line per reason per interval, the rest counted, identifiers cut', () => {
  let out = '';
  const log = pino({ base: undefined }, { write: (s: string) => void (out += s) });
  const clock = new ManualClock(0);
  const r = new RefusalLog(log, { clock, intervalMs: 1000, maxChars: 8 });
  for (let i = 0; i < 50; i++)
    r.note('connect', 'bad_password', { client: 'c'.repeat(100), username: 'u'.repeat(100), reason: 'bad password' });
  r.note('connect', 'acl', { reason: 'no', topic: 't'.repeat(20) });
  const lines = (): Record<string, unknown>[] =>
    out
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l) as Record<string, unknown>);
  assert.equal(lines().length, 2, 'one line per reason');
  assert.equal(lines()[0]?.client, `${'c'.repeat(8)}... (100 chars)`);
  assert.equal(lines()[0]?.username, `${'u'.repeat(8)}... (100 chars)`);
  assert.equal(lines()[1]?.topic, `${'t'.repeat(8)}... (20 chars)`);
  clock.advance(1000);
  assert.equal(lines().length, 3, 'the interval ends: the suppressed count is logged');
  assert.deepEqual([lines()[2]?.reasonClass, lines()[2]?.suppressed], ['bad_password', 49]);
  clock.advance(5000);
  r.note('connect', 'bad_password', { reason: 'bad password' });
  assert.equal(lines().length, 4);
  assert.equal(lines()[3]?.suppressed, undefined, 'nothing left out since');
  assert.equal(r.logged + r.suppressed, 4 + 49);
  assert.equal(truncate('short', 64), 'short');
});

test("a car's client id is its VIN; a service account's is its username or starts with '<username>-'", () => {
  const vin = completeVin('1V2XT0S0XNA000001');
  const other = completeVin('1V2XT0S0XNA000002');
  assert.equal(clientIdProblem({ role: 'car', vin }, vin, vin), undefined);
  assert.match(clientIdProblem({ role: 'car', vin }, vin, other) ?? '', /must connect with its VIN as client id/);
  assert.ok(clientIdProblem({ role: 'car', vin }, vin, '') !== undefined);
  assert.equal(clientIdProblem({ role: 'backend' }, 'v2x-bridge', 'v2x-bridge'), undefined);
  assert.equal(clientIdProblem({ role: 'backend' }, 'v2x-bridge', 'v2x-bridge-1'), undefined);
  assert.ok(clientIdProblem({ role: 'backend' }, 'v2x-bridge', vin) !== undefined, "not a car's VIN");
  assert.ok(clientIdProblem({ role: 'backend' }, 'v2x-bridge', 'v2x-bridgeX') !== undefined);
  assert.match(serviceAccountProblem(vin) ?? '', /is a valid VIN/);
  assert.equal(serviceAccountProblem('v2x-bridge'), undefined);
});
