import { test } from 'node:test';
import assert from 'node:assert/strict';
import { decode, detectCodec, encode, tryDecode, CODECS } from '../../../protocol/codec/index.js';
import { decodeBinaryUnchecked, encodeBinary } from '../../../protocol/codec/binary.js';
import { examples, telemetryExamples } from '../../../protocol/examples.js';
import { MAX_PAYLOAD_BYTES, MESSAGE_KINDS, type MessageKind } from '../../../protocol/kinds.js';
import { validateMessage, type MessageMap } from '../../../protocol/messages.js';
import { isV2xError } from '../../../core/errors.js';
import { generateMessage, prng } from './gen.js';

function roundTrip<K extends MessageKind>(kind: K, m: MessageMap[K], label: string): void {
  const valid = validateMessage(kind, m);
  assert.ok(valid.ok, `${label}: generated message is invalid: ${valid.ok ? '' : valid.issue.message}`);
  for (const codec of CODECS) {
    const bytes = encode(kind, m, codec);
    assert.equal(detectCodec(bytes), codec, `${label}: detected codec`);
    assert.deepStrictEqual(decode(kind, bytes), m, `${label}: ${codec} round trip`);
  }
}

test('every example round-trips through both codecs', () => {
  for (const kind of MESSAGE_KINDS) {
    examples[kind].forEach((m, i) => roundTrip(kind, m, `${kind}[${i}]`));
  }
});

test('property: 500 generated messages per kind round-trip exactly (seeded)', () => {
  for (const kind of MESSAGE_KINDS) {
    const rng = prng(0xc0ffee + kind.length);
    for (let i = 0; i < 500; i++) roundTrip(kind, generateMessage(kind, rng), `${kind} #${i}`);
  }
});

test('edge cases: every bound at its minimum and maximum, all and no optional fields', () => {
  for (const kind of MESSAGE_KINDS) {
    const rng = prng(7);
    for (const mode of ['min', 'max'] as const) {
      for (const optionals of ['all', 'none'] as const) {
        for (let i = 0; i < 20; i++) roundTrip(kind, generateMessage(kind, rng, mode, optionals), `${kind} ${mode}/${optionals} #${i}`);
      }
    }
  }
});

test('binary telemetry is small: a full combustion car under 80 bytes, 6x smaller than JSON', () => {
  const full = telemetryExamples[0];
  assert.ok(full);
  const bin = encode('telemetry', full, 'binary');
  const json = encode('telemetry', full, 'json');
  assert.ok(bin.length <= 80, `binary is ${bin.length} bytes`);
  assert.ok(json.length / bin.length > 5, `json ${json.length} vs binary ${bin.length}`);
  const everything = generateMessage('telemetry', prng(1), 'max', 'all');
  assert.ok(encode('telemetry', everything, 'binary').length <= 80);
});

test('precision: scaled numbers come back within half a step, and exactly when on the grid', () => {
  const base = telemetryExamples[1];
  assert.ok(base);
  const rng = prng(42);
  const steps = { lat: 1e-7, lon: 1e-7, heading: 0.01, speedKmh: 0.01 } as const;
  for (let i = 0; i < 2000; i++) {
    const gps = { lat: -90 + rng() * 180, lon: -180 + rng() * 360, heading: rng() * 360, speedKmh: rng() * 500 };
    const back = decodeBinaryUnchecked('telemetry', encodeBinary('telemetry', { ...base, gps })) as MessageMap['telemetry'];
    for (const [k, step] of Object.entries(steps) as [keyof typeof steps, number][]) {
      const err = Math.abs(back.gps[k] - gps[k]);
      assert.ok(err <= step / 2 + 1e-12, `${k}: ${gps[k]} came back as ${back.gps[k]}`);
      // decoding the decoded value again is a fixed point
      const again = decodeBinaryUnchecked('telemetry', encodeBinary('telemetry', back)) as MessageMap['telemetry'];
      assert.equal(again.gps[k], back.gps[k]);
    }
  }
});

test('JSON with leading whitespace is still detected; anything else is undecodable', () => {
  const ex = telemetryExamples[0];
  assert.ok(ex);
  const spaced = Buffer.concat([Buffer.from(' \n\t'), encode('telemetry', ex, 'json')]);
  assert.equal(detectCodec(spaced), 'json');
  assert.deepStrictEqual(decode('telemetry', spaced), ex);
  for (const bad of [Buffer.alloc(0), Buffer.from('[1,2]'), Buffer.from('hello'), Buffer.from([0x00, 0x01])]) {
    const r = tryDecode('telemetry', bad);
    assert.equal(r.ok, false);
    if (!r.ok) assert.equal(r.issue.code, 'PAYLOAD_UNDECODABLE');
  }
});

test('undecodable: broken JSON, a JSON array, wrong binary kind, unknown binary version, truncated and trailing bytes', () => {
  const ex = telemetryExamples[0];
  assert.ok(ex);
  const bin = encode('telemetry', ex, 'binary');
  const cases: [string, Uint8Array, RegExp][] = [
    ['broken JSON', Buffer.from('{"vin":'), /not valid JSON/],
    ['binary of another kind', bin, /holds a telemetry, expected a status/],
    ['binary version 2', Buffer.from([0xb2, 1, 0]), /layout version 2 is not supported/],
    ['truncated', bin.subarray(0, bin.length - 3), /truncated/],
    ['trailing', Buffer.concat([bin, Buffer.from([0])]), /1 trailing bytes/],
    ['only a header', Buffer.from([0xb1]), /too short/],
  ];
  for (const [label, bytes, re] of cases) {
    const kind = label === 'binary of another kind' ? 'status' : 'telemetry';
    const r = tryDecode(kind, bytes);
    assert.equal(r.ok, false, label);
    if (r.ok) continue;
    assert.equal(r.issue.code, 'PAYLOAD_UNDECODABLE', label);
    assert.match(r.issue.message, re, label);
    assert.throws(
      () => decode(kind, bytes),
      (e: unknown) => isV2xError(e, 'PAYLOAD_UNDECODABLE'),
      label,
    );
  }
});

test('every truncation of every example binary payload is refused, never crashes', () => {
  for (const kind of MESSAGE_KINDS) {
    for (const m of examples[kind]) {
      const bin = encode(kind, m, 'binary');
      for (let n = 0; n < bin.length; n++) {
        const r = tryDecode(kind, bin.subarray(0, n));
        assert.equal(r.ok, false, `${kind} cut at ${n}`);
      }
    }
  }
});

test('random byte flips give a clean Result, never an exception', () => {
  const rng = prng(99);
  for (const kind of MESSAGE_KINDS) {
    for (const m of examples[kind]) {
      for (const codec of CODECS) {
        const bytes = encode(kind, m, codec);
        for (let i = 0; i < 50; i++) {
          const copy = Buffer.from(bytes);
          copy[Math.floor(rng() * copy.length)] = Math.floor(rng() * 256);
          const r = tryDecode(kind, copy);
          if (r.ok) assert.ok(validateMessage(kind, r.value).ok);
          else assert.match(r.issue.code, /^PAYLOAD_|^COMMAND_/);
        }
      }
    }
  }
});

test('size limit: payloads over MAX_PAYLOAD_BYTES are refused before parsing, and not produced', () => {
  const big = Buffer.alloc(MAX_PAYLOAD_BYTES + 1, 0x20);
  big[0] = 0x7b;
  const r = tryDecode('telemetry', big);
  assert.equal(r.ok, false);
  if (!r.ok) {
    assert.equal(r.issue.code, 'PAYLOAD_TOO_LARGE');
    assert.equal(r.issue.value, MAX_PAYLOAD_BYTES + 1);
  }
  assert.throws(
    () => decode('telemetry', big),
    (e: unknown) => isV2xError(e, 'PAYLOAD_TOO_LARGE'),
  );
  const huge = { ...(examples.status[0] as MessageMap['status']), firmware: 'x'.repeat(MAX_PAYLOAD_BYTES) } as MessageMap['status'];
  for (const codec of CODECS)
    assert.throws(
      () => encode('status', huge, codec),
      (e: unknown) => isV2xError(e, 'PAYLOAD_TOO_LARGE'),
      codec,
    );
  // the binary writer is still usable after refusing
  roundTrip('status', examples.status[0] as MessageMap['status'], 'after too large');
});

test('binary encode refuses values it cannot represent, naming the field', () => {
  const ex = telemetryExamples[0];
  assert.ok(ex);
  const cases: [unknown, RegExp][] = [
    [{ ...ex, gps: { ...ex.gps, speedKmh: 1000 } }, /gps\.speedKmh: must fit u16 after x100/],
    [{ ...ex, gps: { ...ex.gps, lat: Number.NaN } }, /gps\.lat/],
    [{ ...ex, gear: 'X' }, /gear: must be one of P, R, N, D, S, M/],
    [{ ...ex, ignition: 'yes' }, /ignition: must be a boolean/],
    [{ ...ex, seq: -1 }, /seq: must fit u32/],
    [{ ...ex, seq: 1.5 }, /seq: must fit u32/],
    [{ ...ex, vin: 'SHORT' }, /vin: must be a 17-character VIN/],
    [{ ...ex, gps: undefined }, /gps: must be an object/],
  ];
  for (const [m, re] of cases) {
    assert.throws(
      () => encode('telemetry', m as MessageMap['telemetry'], 'binary'),
      (e: unknown) => isV2xError(e, 'PAYLOAD_INVALID') && re.test(e.message),
      String(re),
    );
  }
  assert.throws(
    () =>
      encode(
        'commandRequest',
        {
          ...(examples.commandRequest[0] as MessageMap['commandRequest']),
          type: 'self_destruct',
        } as unknown as MessageMap['commandRequest'],
        'binary',
      ),
    (e: unknown) => isV2xError(e, 'COMMAND_UNKNOWN'),
  );
});

test('decoding validates: a well-formed payload breaking a rule is PAYLOAD_INVALID naming the field', () => {
  const ex = telemetryExamples[0];
  assert.ok(ex);
  // heading 600 fits the u16 wire type but breaks the schema's maximum of 360
  const bad = { ...ex, gps: { ...ex.gps, heading: 600 } };
  for (const codec of CODECS) {
    const r = tryDecode('telemetry', encode('telemetry', bad, codec));
    assert.equal(r.ok, false);
    if (!r.ok) {
      assert.equal(r.issue.code, 'PAYLOAD_INVALID');
      assert.equal(r.issue.field, 'telemetry.gps.heading');
      assert.equal(r.issue.rule, 'must be <= 360');
      assert.equal(r.issue.value, 600);
    }
  }
});

test('golden bytes: the binary layout v1 of the first example of each kind does not change by accident', () => {
  // A change here is a wire-format change: give it a new layout version (byte 0), keep v1 decodable.
  const golden: Record<MessageKind, string> = {
    telemetry:
      'b101bf430f314d3847444d3941584b5030343237383800001267e8bfbdc2ab331cb12b1406e647a10000144a221512fc002300075b5903073a037f186a101b092e093d08fc08f7022b00dd',
    status:
      'b1020001314d3847444d3941584b5030343237383894b8bdc2ab3380b8bdc2ab3305342e322e310e47656e65726963204d6f746f727308526f61647374657207e30001',
    event:
      'b1030002314d3847444d3941584b503034323738380000000a88dfbdc2ab33055030333031011b43796c696e6465722031206d697366697265206465746563746564',
    commandRequest: 'b1040006632d30303031314d3847444d3941584b503034323738389086bec2ab33c0f0bfc2ab33',
    commandResult: 'b1050006632d30303031314d3847444d3941584b5030343237383800c286bec2ab33',
    warning:
      'b106070a772d6a616d2d30303432314d3847444d3941584b5030343237383800011cb194c006e6f7c000000320087365672d3132303704e21a536c6f7720747261666669632061686561642c20312e32206b6de08cc1c2ab33a0dce5c2ab33',
  };
  for (const kind of MESSAGE_KINDS) {
    const m = examples[kind][0];
    assert.ok(m);
    const hex = golden[kind];
    assert.equal(encode(kind, m, 'binary').toString('hex'), hex, kind);
    assert.deepStrictEqual(decode(kind, Buffer.from(hex, 'hex')), m, kind);
  }
});
