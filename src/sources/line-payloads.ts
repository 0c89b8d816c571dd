/**
 * Cutting a byte stream into self-contained payloads for the workers: each ends at a line end,
 * and when the stream starts with a header line (as S3 files do), each payload after the first
 * starts with that header again, so every worker reads its slice with the file's format. A JSON
 * document (a CloudWatch Logs envelope saved to a file) is passed whole.
 *
 * Each payload is a buffer of its own (from the pipeline, which reuses them) filled once from the
 * incoming chunks (one copy per byte), which the pipeline then transfers to a worker without another.
 */
import { startsJson } from '../decode/detect.js';
import { isHeaderLine } from '../format/format.js';

const LF = 0x0a;
// A "line" longer than this is cut anyway; the tokenizer reports the pieces as bad records.
const MAX_OPEN_LINE_BYTES = 16 << 20;
const decoder = new TextDecoder();

export interface LinePayload {
  payload: Uint8Array;
  /** Bytes of the stream up to the end of this payload. */
  end: number;
}

/** The position of the last LF in the first `limit` bytes of `parts`, or -1. */
function lastNewline(parts: readonly Uint8Array[], limit: number): number {
  let start = 0;
  const starts = parts.map((part) => {
    const at = start;
    start += part.length;
    return at;
  });
  for (let i = parts.length - 1; i >= 0; i--) {
    if (starts[i]! >= limit) continue;
    const found = parts[i]!.lastIndexOf(LF, Math.min(parts[i]!.length, limit - starts[i]!) - 1);
    if (found >= 0) return starts[i]! + found;
  }
  return -1;
}

/** The position of the first LF at or after `from`, or -1. */
function nextNewline(parts: readonly Uint8Array[], from: number): number {
  let start = 0;
  for (const part of parts) {
    if (start + part.length > from) {
      const found = part.indexOf(LF, Math.max(0, from - start));
      if (found >= 0) return start + found;
    }
    start += part.length;
  }
  return -1;
}

/** Payloads of about `targetBytes`, each in a buffer from `allocate`. */
export async function* linePayloads(
  chunks: AsyncIterable<Uint8Array>,
  targetBytes: number,
  maxJsonBytes: number,
  allocate: (size: number) => Uint8Array = (size) => new Uint8Array(size),
): AsyncGenerator<LinePayload> {
  let parts: Uint8Array[] = [];
  let size = 0;
  let header: Uint8Array | null = null;
  let sniffed = false;
  let json = false;
  let consumed = 0;
  let emitted = 0;
  let broke: { error: unknown } | null = null;

  /** Move the first `end` bytes of the parts into a payload of their own. */
  const cut = (end: number): LinePayload => {
    const prefix = header !== null && emitted > 0 ? header : null;
    const payload = allocate((prefix?.length ?? 0) + end);
    let at = 0;
    if (prefix) {
      payload.set(prefix);
      at = prefix.length;
    }
    let left = end;
    while (left > 0) {
      const part = parts[0]!;
      const take = Math.min(left, part.length);
      payload.set(part.subarray(0, take), at);
      at += take;
      left -= take;
      if (take === part.length) parts.shift();
      else parts[0] = part.subarray(take);
    }
    size -= end;
    consumed += end;
    emitted++;
    return { payload, end: consumed };
  };

  try {
    for await (const chunk of chunks) {
      parts.push(chunk);
      size += chunk.length;
      if (!sniffed) {
        const newline = nextNewline(parts, 0);
        if (newline < 0 && size < targetBytes) continue;
        sniffed = true;
        const head = Buffer.concat(parts, Math.min(size, newline < 0 ? size : newline + 1));
        json = startsJson(head);
        if (!json && isHeaderLine(decoder.decode(head))) header = head;
      }
      if (json && size <= maxJsonBytes) continue;
      while (size >= targetBytes) {
        const last = lastNewline(parts, targetBytes);
        const next = last >= 0 ? last : nextNewline(parts, targetBytes);
        if (next < 0 && size < MAX_OPEN_LINE_BYTES) break; // one long line, still open
        yield cut(next < 0 ? size : next + 1);
      }
    }
  } catch (error) {
    broke = { error };
  }
  // Input that breaks off (a truncated gzip file) still yields what was read before the break:
  // its complete lines count, and the cut-off last one is reported as a bad record.
  if (size > 0) yield cut(size);
  parts = [];
  if (broke) throw broke.error;
}
