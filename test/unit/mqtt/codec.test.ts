import { test } from 'node:test';
import assert from 'node:assert/strict';
import { generate, parser } from 'mqtt-packet';
import type { IPublishPacket, Packet } from 'mqtt-packet';
import { EncodedTopic, encodePublish, markDuplicate, publishQos, writePacketId } from '../../../mqtt/encode.js';
import { Framer, decodeWhole } from '../../../mqtt/framer.js';
import { InflightKind, InflightTable } from '../../../mqtt/inflight.js';
import { PacketQueue } from '../../../mqtt/packet-queue.js';

test('hand-encoded PUBLISH equals mqtt-packet generate() (3.1.1 and 5, QoS 0-2, properties)', () => {
  const topic = new EncodedTopic('v2x/v1/WVWZZZ1JZXW000001/telemetry');
  const payload = Buffer.alloc(300, 7);
  for (const qos of [0, 1, 2] as const) {
    const mine = encodePublish(4, topic, payload, qos, { retain: qos === 1 });
    if (qos > 0) writePacketId(mine, 4242);
    const ref = generate({
      cmd: 'publish',
      topic: topic.name,
      payload,
      qos,
      retain: qos === 1,
      dup: false,
      ...(qos > 0 ? { messageId: 4242 } : {}),
    });
    assert.deepEqual(mine, ref, `3.1.1 QoS ${qos}`);
    assert.equal(publishQos(mine), qos);
  }
  const props = {
    responseTopic: 'r/t',
    correlationData: Buffer.from([1, 2, 3]),
    messageExpiryInterval: 30,
    contentType: 'application/json',
  };
  const mine = encodePublish(5, topic, payload, 1, props);
  writePacketId(mine, 7);
  const decoded = decodeWhole(5, mine) as IPublishPacket;
  assert.equal(decoded.messageId, 7);
  assert.equal(decoded.topic, topic.name);
  assert.deepEqual(decoded.payload, payload);
  assert.deepEqual(decoded.properties, props);
  markDuplicate(mine);
  assert.equal((decodeWhole(5, mine) as IPublishPacket).dup, true);
});

test('the framer splits packets cut anywhere across reads', () => {
  const packets: Buffer[] = [
    generate({ cmd: 'puback', messageId: 1 }),
    generate({ cmd: 'pingresp' }),
    generate({ cmd: 'publish', topic: 'a/b', payload: Buffer.alloc(200, 1), qos: 1, messageId: 9, retain: false, dup: false }),
    generate({ cmd: 'puback', messageId: 2 }),
  ];
  const all = Buffer.concat(packets);
  for (let cut = 1; cut < all.length; cut += 3) {
    const framer = new Framer();
    const got: number[] = [];
    const sink = {
      onFrame: (first: number, buf: Buffer, start: number, _body: number, end: number) => {
        got.push(first, end - start);
      },
    };
    assert.equal(framer.push(all.subarray(0, cut), sink), undefined);
    assert.equal(framer.push(all.subarray(cut), sink), undefined);
    assert.deepEqual(
      got,
      packets.flatMap((p) => [p[0]!, p.length]),
      `cut at ${cut}`,
    );
  }
  assert.match(new Framer().push(Buffer.from([0x30, 0xff, 0xff, 0xff, 0xff, 0x01]), { onFrame: () => undefined }) ?? '', /malformed/);
});

test('the shared parser decodes whole packets one at a time with no state left behind', () => {
  const p1 = generate({ cmd: 'publish', topic: 'x', payload: Buffer.from('1'), qos: 0, retain: false, dup: false });
  const p2 = generate({ cmd: 'connack', returnCode: 0, sessionPresent: true });
  assert.equal((decodeWhole(4, p1) as IPublishPacket).payload.toString(), '1');
  assert.equal(decodeWhole(4, p2).cmd, 'connack');
  const ref: Packet[] = [];
  parser()
    .on('packet', (p: Packet) => ref.push(p))
    .parse(p1);
  assert.equal(ref.length, 1);
});

test('the in-flight window hands out ids, finds them by slot, and refuses when full', () => {
  const t = new InflightTable(4);
  const ids = [1, 2, 3, 4].map((i) => t.allocate(InflightKind.PUBACK, undefined, i * 10));
  assert.deepEqual(ids, [1, 2, 3, 4]);
  assert.equal(t.allocate(InflightKind.PUBACK, undefined, 0), 0, 'full');
  const slot = t.find(2, InflightKind.PUBACK);
  assert.ok(slot >= 0);
  assert.equal(t.sentAt(slot), 20);
  assert.equal(t.find(2, InflightKind.PUBREC), -1, 'wrong kind');
  t.transition(slot, InflightKind.PUBCOMP, undefined);
  assert.equal(t.find(2, InflightKind.PUBCOMP), slot);
  t.release(slot);
  assert.equal(t.size, 3);
  assert.equal(t.allocate(InflightKind.PUBACK, undefined, 0), 6, 'next id whose slot is free (5 -> slot 1 busy)');
  assert.deepEqual(
    t.slotsInOrder().map((s) => t.packetId(s)),
    [1, 3, 4, 6],
  );
});

test('the in-flight table starts with 4 slots and doubles up to its capacity, keeping every packet findable', () => {
  const t = new InflightTable(18); // a window of 16 with headroom: up to 32 slots
  assert.equal(t.capacity, 32);
  assert.equal(t.slots, 0, 'nothing allocated before the first packet');
  const packets = new Map<number, Buffer>();
  const first = t.allocate(InflightKind.PUBACK, Buffer.from([0]), 0);
  packets.set(first, Buffer.from([0]));
  assert.equal(t.slots, 4);
  // free a few so that the ids in flight are not consecutive when the table grows
  for (let i = 1; i < 40; i++) {
    const id = t.allocate(i % 3 === 0 ? InflightKind.SUBACK : InflightKind.PUBACK, Buffer.from([i]), i);
    assert.ok(id > 0, `allocation ${i}`);
    packets.set(id, Buffer.from([i]));
    if (i % 4 === 1) {
      const kind = i % 3 === 0 ? InflightKind.SUBACK : InflightKind.PUBACK;
      t.release(t.find(id, kind));
      packets.delete(id);
    }
  }
  assert.equal(t.size, packets.size);
  assert.equal(t.slots, 32);
  for (const [id, packet] of packets) {
    const slot = t.find(id, InflightKind.PUBACK) >= 0 ? t.find(id, InflightKind.PUBACK) : t.find(id, InflightKind.SUBACK);
    assert.ok(slot >= 0, `id ${id} found after growing`);
    assert.equal(t.packet(slot)?.[0], packet[0]);
  }
  const order = t.slotsInOrder().map((s) => t.sentAt(s));
  assert.deepEqual(
    order,
    [...order].sort((a, b) => a - b),
    'send order kept across growth',
  );
  while (t.size < 32) assert.ok(t.allocate(InflightKind.PUBACK, undefined, 0) > 0);
  assert.equal(t.allocate(InflightKind.PUBACK, undefined, 0), 0, 'full at capacity');
  assert.equal(t.slots, 32);
});

test('packet ids wrap from 65535 to 1', () => {
  const t = new InflightTable(2);
  let last = 0;
  for (let i = 0; i < 70_000; i++) {
    last = t.allocate(InflightKind.PUBACK, undefined, 0);
    assert.ok(last >= 1 && last <= 65535);
    t.release(t.find(last, InflightKind.PUBACK));
  }
  assert.equal(last, 70_000 - 65535);
});

test('the packet queue grows past its first 8 slots up to its limit in order, and starts afresh once empty', () => {
  const q = new PacketQueue(20);
  const b = (n: number) => Buffer.from([n]);
  const out: number[] = [];
  for (let i = 0; i < 5; i++) q.pushDroppingOldest(b(i));
  out.push(q.shift()![0]!, q.shift()![0]!); // the ring's head moves before it grows
  let dropped = 0;
  for (let i = 5; i < 30; i++) if (q.pushDroppingOldest(b(i))) dropped++;
  assert.equal(q.length, 20);
  assert.equal(dropped, 8, '3 + 25 packets into 20 slots');
  assert.ok(q.full);
  while (q.length > 0) out.push(q.shift()![0]!);
  assert.deepEqual(out, [0, 1, ...Array.from({ length: 20 }, (_, i) => i + 10)]);
  assert.equal(q.peek(), undefined);
  q.pushDroppingOldest(b(99));
  assert.equal(q.peek()?.[0], 99);
  assert.equal(q.clear(), 1);
});

test('the packet queue drops the oldest when full and keeps order', () => {
  const q = new PacketQueue(3);
  const b = (n: number) => Buffer.from([n]);
  assert.equal(q.pushDroppingOldest(b(1)), false);
  q.pushDroppingOldest(b(2));
  q.pushDroppingOldest(b(3));
  assert.equal(q.pushDroppingOldest(b(4)), true, 'one dropped');
  assert.deepEqual(
    [q.shift(), q.shift(), q.shift(), q.shift()].map((x) => x?.[0]),
    [2, 3, 4, undefined],
  );
});

test('a text payload is encoded into the PUBLISH as UTF-8, the same bytes as its Buffer', () => {
  const topic = new EncodedTopic('v2x/v1/WAUZZZC74PD929912/telemetry');
  for (const text of ['{"a":1}', '', 'Müller → 東京 🚗']) {
    for (const version of [4, 5] as const) {
      const fromText = encodePublish(version, topic, text, 1, { retain: true });
      const fromBytes = encodePublish(version, topic, Buffer.from(text, 'utf8'), 1, { retain: true });
      assert.deepEqual(fromText, fromBytes);
      const p = decodeWhole(version, fromText) as IPublishPacket;
      assert.equal(p.payload.toString(), text);
    }
  }
});
