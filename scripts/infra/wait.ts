/**
 * Readiness: a service counts as up only when it answers a real request (an open socket is not
 * enough: Kafka accepts connections before it serves requests).
 */
import { connect } from 'node:net';
import { sleep } from './proc.js';

export interface WaitOptions {
  /** What is being waited for, for the error message ("kafka on 127.0.0.1:9092"). */
  what: string;
  timeoutMs: number;
  intervalMs?: number;
  /** Appended to the timeout error: where to look next. */
  hint?: string;
  /** Checked before each attempt; a returned reason stops the wait at once (e.g. the process died). */
  abortIf?: () => string | undefined;
}

/** Retries probe until it resolves, the deadline passes or abortIf fires. */
export async function waitFor<T>(probe: () => Promise<T>, options: WaitOptions): Promise<T> {
  const deadline = Date.now() + options.timeoutMs;
  const intervalMs = options.intervalMs ?? 250;
  let lastError: unknown;
  for (;;) {
    const abort = options.abortIf?.();
    if (abort !== undefined) throw new Error(`${options.what}: ${abort}${options.hint ? `\n${options.hint}` : ''}`);
    try {
      return await probe();
    } catch (error) {
      lastError = error;
    }
    if (Date.now() + intervalMs > deadline) break;
    await sleep(intervalMs);
  }
  const why = lastError instanceof Error ? lastError.message : String(lastError);
  throw new Error(
    `${options.what} did not answer within ${Math.round(options.timeoutMs / 1000)}s (last error: ${why})` +
      (options.hint ? `\n${options.hint}` : ''),
  );
}

/** Whether something accepts TCP connections on host:port. */
export function isPortOpen(host: string, port: number, timeoutMs = 500): Promise<boolean> {
  return new Promise((resolvePort) => {
    const socket = connect({ host, port });
    const done = (open: boolean) => {
      socket.destroy();
      resolvePort(open);
    };
    socket.setTimeout(timeoutMs, () => done(false));
    socket.once('connect', () => done(true));
    socket.once('error', () => done(false));
  });
}

/** "3.4s" since start. */
export function since(startMs: number): string {
  return `${((Date.now() - startMs) / 1000).toFixed(1)}s`;
}
