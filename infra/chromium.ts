/**
 * The real browser of the end-to-end tests and the dashboard bench: Debian's chromium, driven by
 * playwright-core. One place for its path and the flags that keep a headless run quiet and offline.
 */
import { existsSync } from 'node:fs';

export const CHROMIUM_PATH = '/usr/bin/chromium';

export const CHROMIUM_ARGS: readonly string[] = [
  '--headless',
  '--no-sandbox',
  '--disable-gpu',
  '--disable-background-networking',
  '--disable-quic',
  '--no-first-run',
  '--disable-component-update',
  '--disable-sync',
];

/** The executable path, or an error that says what to install. */
export function chromiumPath(): string {
  if (!existsSync(CHROMIUM_PATH)) throw new Error(`${CHROMIUM_PATH} is missing: apt-get install -y chromium`);
  return CHROMIUM_PATH;
}
