import { test } from 'node:test';
import assert from 'node:assert/strict';
import { encode } from '../../../protocol/index.js';
import { warningExamples } from '../../../protocol/examples.js';
import type { IncomingMessage } from '../../../mqtt/index.js';
import { emptyCounters } from '../../../simulator/runtime/counters.js';
import { receiveWarning, type WarningHost } from '../../../simulator/runtime/warning-receiver.js';
import type { SimWorld } from '../../../simulator/runtime/sim-world.js';
import type { CarSpec } from '../../../simulator/fleet/generate.js';
import type { ReceivedWarning } from '../../../simulator/traffic/warned-drivers.js';

const example = warningExamples[0] as (typeof warningExamples)[number];

function host(nowMs: number): { host: WarningHost; got: [number, ReceivedWarning][] } {
  const got: [number, ReceivedWarning][] = [];
  const world = { warn: (k: number, w: ReceivedWarning) => got.push([k, w]) } as unknown as SimWorld;
  return {
    got,
    host: { counters: emptyCounters(), world, car: () => ({ vin: example.vin }) as CarSpec, carNowMs: () => nowMs },
  };
}

const msg = (payload: Buffer): IncomingMessage => ({ topic: `v2x/v1/${example.vin}/warnings`, payload, qos: 1, retain: false, dup: false });

test('a valid warning goes to the world with what the driver needs', () => {
  const h = host(example.issuedAt + 1000);
  for (const codec of ['json', 'binary'] as const) receiveWarning(h.host, 3, msg(Buffer.from(encode('warning', example, codec))));
  assert.equal(h.host.counters.warningsReceived, 2);
  assert.equal(h.host.counters.warningsInvalid, 0);
  assert.deepEqual(h.got[0], [
    3,
    {
      vin: example.vin,
      warningId: example.warningId,
      warningType: 'traffic_jam',
      segmentId: example.segmentId,
      lat: example.position.lat,
      lon: example.position.lon,
      radiusM: example.radiusM,
      expired: false,
      validForS: (example.expiresAt - example.issuedAt - 1000) / 1000,
    },
  ]);
  assert.deepEqual(h.got[1], h.got[0], 'binary gives the same');
  const late = host(example.expiresAt);
  receiveWarning(late.host, 0, msg(Buffer.from(encode('warning', example, 'json'))));
  assert.equal(late.got[0]?.[1].expired, true);
  assert.equal(late.got[0]?.[1].validForS, 0);
});

test('bad payloads and warnings for another car are counted and dropped, never thrown', () => {
  const h = host(example.issuedAt);
  const bad = [
    Buffer.from('not json'),
    Buffer.alloc(0),
    Buffer.from(JSON.stringify({ ...example, radiusM: -1 })),
    Buffer.from(JSON.stringify({ ...example, position: 'here' })),
    Buffer.from(JSON.stringify({ ...example, vin: 'WVWZZZ1JZXW000001' })),
    Buffer.from([0xb1, 0x06, 0xff]),
  ];
  for (const p of bad) receiveWarning(h.host, 0, msg(p));
  assert.equal(h.host.counters.warningsReceived, bad.length);
  assert.equal(h.host.counters.warningsInvalid, bad.length);
  assert.equal(h.got.length, 0);
});
