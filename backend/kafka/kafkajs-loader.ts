/**
 * Loads kafkajs, first putting three faster internals in its module cache (decision 0020):
 * - the Produce request body (v3, which v4-v7 reuse) through produce-encoding.ts, for uncompressed
 *   batches; compressed ones keep kafkajs's encoder;
 * - the request frame, built in one exact buffer instead of two growing Encoders;
 * - the grouping of a batch's messages by partition, linear instead of copying the partition's list
 *   for every message (quadratic in the batch size).
 * Only for the kafkajs version whose internals these were written against; any other version, or a
 * kafkajs already loaded by someone else, runs unpatched and says so at debug level.
 */
import { createRequire } from 'node:module';
import type * as Kafkajs from 'kafkajs';
import { logger } from '../../core/log.js';
import { encodeProduceRequest, type ProduceRequestBody } from './produce-encoding.js';

const require = createRequire(import.meta.url);
const log = logger('kafka');
const SUPPORTED_VERSION = '2.2.4';

export type KafkajsModule = typeof Kafkajs;

export interface FastPathState {
  /** Which internals were replaced. */
  readonly patched: readonly ('produce-request' | 'request-frame' | 'partition-grouping')[];
  readonly reason?: string;
}

interface KafkajsEncoder {
  buf: Buffer;
  offset: number;
}
type EncoderClass = new (initialSize?: number) => KafkajsEncoder;
interface RequestSpec {
  readonly apiKey: number;
  readonly apiVersion: number;
  readonly encode: () => Promise<KafkajsEncoder>;
}
type ProduceArgs = ProduceRequestBody & { readonly compression?: number };
type ProduceRequestFactory = (args: ProduceArgs) => RequestSpec & Record<string, unknown>;

let loaded: { readonly kafkajs: KafkajsModule; readonly fastPath: FastPathState } | undefined;

/** kafkajs, patched on the first call when `fast` (the default); later calls get the same module. */
export function loadKafkajs(fast = true): { readonly kafkajs: KafkajsModule; readonly fastPath: FastPathState } {
  if (loaded !== undefined) return loaded;
  const fastPath = fast ? installFastPath() : { patched: [], reason: 'turned off (kafka.fastProduce=false)' };
  if (fastPath.reason !== undefined) log.debug({ patched: fastPath.patched, reason: fastPath.reason }, 'kafkajs fast produce path');
  loaded = { kafkajs: require('kafkajs') as KafkajsModule, fastPath };
  return loaded;
}

function installFastPath(): FastPathState {
  const version = (require('kafkajs/package.json') as { version: string }).version;
  if (version !== SUPPORTED_VERSION) return { patched: [], reason: `kafkajs ${version}, written for ${SUPPORTED_VERSION}` };
  const path = (p: string) => require.resolve(`kafkajs/src/${p}`);
  const patched: FastPathState['patched'][number][] = [];
  const skipped: string[] = [];
  const Encoder = require(path('protocol/encoder.js')) as EncoderClass;
  const asEncoder = (buf: Buffer): KafkajsEncoder => {
    const e = new Encoder(1);
    e.buf = buf;
    e.offset = buf.length;
    return e;
  };

  // Required lazily by kafkajs (produce/index.js), so replacing its exports is enough.
  const produceModule =
    require.cache[path('protocol/requests/produce/v3/request.js')] ?? loadModule(path('protocol/requests/produce/v3/request.js'));
  const stockProduce = produceModule.exports as ProduceRequestFactory;
  produceModule.exports = ((args: ProduceArgs) => {
    const request = stockProduce(args);
    if ((args.compression ?? 0) !== 0) return request;
    return { ...request, encode: async () => asEncoder(encodeProduceRequest(args)) };
  }) satisfies ProduceRequestFactory;
  patched.push('produce-request');

  // Captured at load time by network/connection.js and producer/sendMessages.js: only before those load.
  if (require.cache[path('network/connection.js')] === undefined) {
    const frame = loadModule(path('protocol/request.js'));
    frame.exports = async ({
      correlationId,
      clientId,
      request,
    }: {
      correlationId: number;
      clientId: string | null;
      request: RequestSpec;
    }) => {
      const payload = await request.encode();
      const clientIdLen = clientId === null ? 0 : Buffer.byteLength(clientId);
      const size = 2 + 2 + 4 + 2 + clientIdLen + payload.offset;
      const buf = Buffer.allocUnsafe(4 + size);
      let o = buf.writeInt32BE(size, 0);
      o = buf.writeInt16BE(request.apiKey, o);
      o = buf.writeInt16BE(request.apiVersion, o);
      o = buf.writeInt32BE(correlationId, o);
      o = buf.writeInt16BE(clientId === null ? -1 : clientIdLen, o);
      if (clientId !== null) o += buf.write(clientId, o, clientIdLen, 'utf8');
      payload.buf.copy(buf, o, 0, payload.offset);
      return asEncoder(buf);
    };
    patched.push('request-frame');
  } else skipped.push('request-frame (kafkajs network already loaded)');

  if (require.cache[path('producer/sendMessages.js')] === undefined) {
    const grouping = loadModule(path('producer/groupMessagesPerPartition.js'));
    grouping.exports = groupMessagesPerPartition;
    patched.push('partition-grouping');
  } else skipped.push('partition-grouping (kafkajs producer already loaded)');

  return skipped.length === 0 ? { patched } : { patched, reason: `not patched: ${skipped.join(', ')}` };
}

function loadModule(resolved: string): NodeJS.Module {
  require(resolved);
  return require.cache[resolved]!;
}

interface GroupArgs<M> {
  readonly topic: string;
  readonly partitionMetadata: readonly unknown[];
  readonly messages: readonly M[];
  readonly partitioner: (a: { topic: string; partitionMetadata: readonly unknown[]; message: M }) => number;
}

/** kafkajs's groupMessagesPerPartition, with one list per partition appended to in place. */
export function groupMessagesPerPartition<M>({ topic, partitionMetadata, messages, partitioner }: GroupArgs<M>): Record<number, M[]> {
  const result: Record<number, M[]> = {};
  if (partitionMetadata.length === 0) return result;
  for (const message of messages) {
    const partition = partitioner({ topic, partitionMetadata, message });
    const list = result[partition];
    if (list === undefined) result[partition] = [message];
    else list.push(message);
  }
  return result;
}
