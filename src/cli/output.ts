/**
 * Buffered writing to a stream with backpressure: many small lines become few large writes, and
 * a slow reader (a pipe to `head`, a full disk) pauses us instead of filling memory.
 */
import type { Writable } from 'node:stream';

const FLUSH_BYTES = 1 << 16;

export interface LineWriter {
  write(line: string): Promise<void> | void;
  /** Hand what is buffered to the stream now. */
  flush(): Promise<void>;
  close(): Promise<void>;
  /** The reader went away (EPIPE): stop producing output. */
  readonly closed: boolean;
}

export function createLineWriter(stream: Writable): LineWriter {
  let buffer = '';
  let closed = false;
  stream.on('error', (error: NodeJS.ErrnoException) => {
    // A reader that went away (`vpcflow parse | head`) is not an error of ours.
    if (error.code === 'EPIPE') closed = true;
  });
  const flush = async (): Promise<void> => {
    if (buffer === '' || closed) return;
    const chunk = buffer;
    buffer = '';
    if (!stream.write(chunk)) {
      await new Promise((resolve) => {
        stream.once('drain', resolve);
        stream.once('error', resolve);
      });
    }
  };
  return {
    get closed() {
      return closed;
    },
    write(line: string) {
      buffer += `${line}\n`;
      if (buffer.length >= FLUSH_BYTES) return flush();
    },
    flush,
    async close() {
      await flush();
    },
  };
}
