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
