/**
 * Waiting between Kinesis calls: exponential backoff with full jitter after throttling or
 * failures (the AWS Architecture Blog's "full jitter": a random wait up to the capped exponential),
 * and sleeps that stop() cuts short.
 */
import { setTimeout as delay } from 'node:timers/promises';

export interface Backoff {
  /** The wait before the next attempt, growing with each call until reset(). */
  next(): number;
  reset(): void;
  readonly attempts: number;
}

export function createBackoff(options: { baseMs: number; maxMs: number; random?: () => number }): Backoff {
  const random = options.random ?? Math.random;
  let attempts = 0;
  return {
    next() {
      const cap = Math.min(options.maxMs, options.baseMs * 2 ** Math.min(attempts, 30));
      attempts++;
      return Math.floor(random() * cap);
    },
    reset() {
      attempts = 0;
    },
    get attempts() {
      return attempts;
    },
  };
}

/** Sleep, unless aborted; false when the signal cut it short. */
export async function sleep(ms: number, signal: AbortSignal): Promise<boolean> {
  if (signal.aborted) return false;
  if (ms <= 0) return true;
  try {
    await delay(ms, undefined, { signal });
    return true;
  } catch {
    return false;
  }
}
