/** A producer whose sends are settled by the test: a stand-in for Kafka in unit tests of the sinks' logic. */
import type { OutRecord, Producer } from '../../backend/kafka/types.js';

export class ScriptedProducer implements Producer {
  readonly sent: OutRecord[][] = [];
  readonly pending: { records: readonly OutRecord[]; ok: () => void; fail: (e: unknown) => void }[] = [];
  send(records: readonly OutRecord[]): Promise<void> {
    return new Promise((ok, fail) => this.pending.push({ records, ok: () => (this.sent.push([...records]), ok()), fail }));
  }
  async close(): Promise<void> {}
}
