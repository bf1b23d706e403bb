/**
 * A real Mosquitto for tests: the launcher of infra/mosquitto/launcher.ts, killed in t.after.
 * A missing binary is an error that says how to install it, never a silent skip.
 */
import { spawnMosquitto as launch, type Mosquitto, type MosquittoOptions } from '../../infra/mosquitto/launcher.js';

export { findMosquitto, freePort, type Mosquitto, type MosquittoOptions } from '../../infra/mosquitto/launcher.js';

/** A Mosquitto without a test context (the caller stops it). */
export function spawnMosquitto(options: MosquittoOptions = {}): Promise<Mosquitto> {
  return launch({ searchPath: process.env['PATH'] ?? '', ...options });
}

/** A Mosquitto for one test: killed in t.after. */
export async function startMosquitto(
  t: { after(fn: () => Promise<void> | void): void },
  options: MosquittoOptions = {},
): Promise<Mosquitto> {
  const broker = await spawnMosquitto(options);
  t.after(() => broker.dispose());
  return broker;
}
