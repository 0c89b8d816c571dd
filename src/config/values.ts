/**
 * Reading setting values written as text (flags, environment variables): durations, byte sizes,
 * lists, key=value pairs. Each returns undefined when the text is not such a value.
 */
const DURATION = /^(\d+(?:\.\d+)?)\s*(ms|s|m|h)?$/;
const BYTES = /^(\d+(?:\.\d+)?)\s*(b|kb|kib|mb|mib|gb|gib)?$/i;
const BYTE_UNITS: Record<string, number> = { b: 1, kb: 1e3, kib: 1024, mb: 1e6, mib: 1024 ** 2, gb: 1e9, gib: 1024 ** 3 };

/** Seconds in '90s', '5m', '1h', '250ms', or a bare number of seconds. */
export function parseDuration(text: string): number | undefined {
  const match = DURATION.exec(text.trim());
  if (!match) return undefined;
  const value = Number(match[1]);
  const unit = match[2] ?? 's';
  return unit === 'ms' ? value / 1000 : value * (unit === 'h' ? 3600 : unit === 'm' ? 60 : 1);
}

/** Bytes in '1MiB', '32MB', '4096'. */
export function parseBytes(text: string): number | undefined {
  const match = BYTES.exec(text.trim());
  if (!match) return undefined;
  return Math.round(Number(match[1]) * BYTE_UNITS[(match[2] ?? 'b').toLowerCase()]!);
}

/** 'a,b , c' → ['a', 'b', 'c']. */
export function parseList(text: string): string[] {
  return text
    .split(',')
    .map((item) => item.trim())
    .filter((item) => item !== '');
}

/** 'internet=0.09,cross_az=0.01' → { internet: '0.09', cross_az: '0.01' }; undefined if a pair has no '='. */
export function parsePairs(items: readonly string[]): Record<string, string> | undefined {
  const pairs: Record<string, string> = {};
  for (const item of items) {
    const at = item.indexOf('=');
    if (at <= 0) return undefined;
    pairs[item.slice(0, at).trim()] = item.slice(at + 1).trim();
  }
  return pairs;
}
