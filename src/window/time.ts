/**
 * Event time and window assignment. Windows are tumbling, aligned to the Unix epoch, and named by
 * their start; a window of `sizeSeconds` starting at s covers [s, s + size).
 */
export type WindowTime = 'end' | 'start' | 'prorate';

/** Above this a start/end value is taken as milliseconds (year 5138 in seconds; 1973 in ms). */
const MILLISECONDS_ABOVE = 100_000_000_000;

/** Unix seconds from a flow log start/end value, accepting the millisecond values some tools write. */
export function toSeconds(value: number): number {
  return value > MILLISECONDS_ABOVE ? Math.floor(value / 1000) : value;
}

export function windowStart(time: number, sizeSeconds: number): number {
  return time - (time % sizeSeconds);
}

/** Parse '1m', '10m', '90s', '1h' into seconds; null when the text is not a duration. */
export function parseDurationSeconds(text: string): number | null {
  const match = /^(\d+)\s*(s|m|h)?$/.exec(text.trim());
  if (!match) return null;
  const value = Number(match[1]);
  const unit = match[2] ?? 's';
  return value * (unit === 'h' ? 3600 : unit === 'm' ? 60 : 1);
}

/** The label a window size goes by in metrics and output: '1m', '10m', '90s', '1h'. */
export function windowLabel(sizeSeconds: number): string {
  if (sizeSeconds % 3600 === 0) return `${sizeSeconds / 3600}h`;
  if (sizeSeconds % 60 === 0) return `${sizeSeconds / 60}m`;
  return `${sizeSeconds}s`;
}
