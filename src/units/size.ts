/** Byte sizes as people write them (`1048576`, `512KiB`, `64MiB`, `1GiB`, `1.5GB`) and as we print them. */

const UNITS: Record<string, number> = {
  '': 1,
  b: 1,
  k: 1024,
  kb: 1000,
  kib: 1024,
  m: 1024 ** 2,
  mb: 1000 ** 2,
  mib: 1024 ** 2,
  g: 1024 ** 3,
  gb: 1000 ** 3,
  gib: 1024 ** 3,
  t: 1024 ** 4,
  tb: 1000 ** 4,
  tib: 1024 ** 4,
};

export const SIZE_PATTERN = /^\s*(\d+(?:\.\d+)?)\s*([a-zA-Z]*)\s*$/;

/**
 * Parses a size; undefined when it is not one. KiB/MiB/GiB (and bare K/M/G) are powers of 1024,
 * kB/MB/GB powers of 1000.
 *
 * @example
 * parseSize('64MiB') // 67108864
 */
export function parseSize(input: string | number): number | undefined {
  if (typeof input === 'number') return Number.isSafeInteger(input) && input >= 0 ? input : undefined;
  const m = SIZE_PATTERN.exec(input);
  if (!m) return undefined;
  const unit = UNITS[m[2]!.toLowerCase()];
  if (unit === undefined) return undefined;
  const n = Math.floor(Number(m[1]) * unit);
  return Number.isSafeInteger(n) ? n : undefined;
}

/** 2048 -> "2 KiB", 1536 -> "1.5 KiB", 2047 -> "2047 bytes" (never rounded into a wrong limit). */
export function formatBytes(n: number): string {
  const units = ['bytes', 'KiB', 'MiB', 'GiB', 'TiB'];
  let i = 0;
  while (n >= 1024 ** (i + 1) && i < units.length - 1) i++;
  const v = n / 1024 ** i;
  if (i === 0 || Number.isInteger(v * 100)) return `${i === 0 ? n : v} ${units[i]}`;
  return n < 1024 * 1024 ? `${n} bytes` : `${Number(v.toFixed(2))} ${units[i]}`;
}
