/** Command-line flags of a benchmark script: `--name value`. A bad number is refused by name. */

export function numberFlag(name: string, fallback: number, argv: readonly string[] = process.argv): number {
  const i = argv.indexOf(`--${name}`);
  const v = i >= 0 ? Number(argv[i + 1]) : fallback;
  if (!Number.isFinite(v)) throw new Error(`--${name} needs a number (got ${String(argv[i + 1])})`);
  return v;
}

export function stringFlag(name: string, fallback: string, argv: readonly string[] = process.argv): string {
  const i = argv.indexOf(`--${name}`);
  return i >= 0 ? (argv[i + 1] ?? fallback) : fallback;
}

/** kebab-case flag name of a camelCase key: naiveSeconds -> naive-seconds. */
const kebab = (key: string): string => key.replace(/[A-Z]/g, (c) => `-${c.toLowerCase()}`);

/**
 * Several numeric flags at once, by camelCase key with their defaults:
 * `numberFlags({ cars: 1000, naiveSeconds: 10 })` reads --cars and --naive-seconds.
 */
export function numberFlags<const T extends Record<string, number>>(
  defaults: T,
  argv: readonly string[] = process.argv,
): { readonly [K in keyof T]: number } {
  const out: Record<string, number> = {};
  for (const [key, fallback] of Object.entries(defaults)) out[key] = numberFlag(kebab(key), fallback, argv);
  return out as { readonly [K in keyof T]: number };
}
