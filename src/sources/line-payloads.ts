/**
 * Cutting a byte stream into self-contained payloads for the workers: each ends at a line end,
 * and when the stream starts with a header line (as S3 files do), each payload after the first
 * starts with that header again, so every worker reads its slice with the file's format. A JSON
 * document (a CloudWatch Logs envelope saved to a file) is passed whole.
 */
import { startsJsonObject } from '../decode/detect.js';
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

export async function* linePayloads(chunks: AsyncIterable<Uint8Array>, targetBytes: number, maxJsonBytes: number): AsyncGenerator<LinePayload> {
  // Chunks are collected and joined once per payload: joining on every chunk would copy each
  // byte many times over (gunzip hands out small chunks).
  let parts: Uint8Array[] = [];
  let size = 0;
  let header: Uint8Array | null = null;
  let sniffed = false;
  let json = false;
  let consumed = 0;
  let emitted = 0;

  const joined = (): Uint8Array => {
    if (parts.length > 1) parts = [Buffer.concat(parts, size)];
    return parts[0] ?? new Uint8Array(0);
  };
  const cut = (buffer: Uint8Array, end: number): LinePayload => {
    const body = buffer.subarray(0, end);
    const rest = buffer.subarray(end);
    parts = rest.length > 0 ? [rest] : [];
    size = rest.length;
    consumed += end;
    const payload = header !== null && emitted > 0 ? Buffer.concat([header, body]) : body;
    emitted++;
    return { payload, end: consumed };
  };

  for await (const chunk of chunks) {
    parts.push(chunk);
    size += chunk.length;
    if (!sniffed) {
      const buffer = joined();
      const newline = buffer.indexOf(LF);
      if (newline < 0 && size < targetBytes) continue;
      sniffed = true;
      json = startsJsonObject(buffer);
      const firstLine = newline < 0 ? buffer : buffer.subarray(0, newline + 1);
      if (!json && isHeaderLine(decoder.decode(firstLine))) header = firstLine.slice();
    }
    if (json && size <= maxJsonBytes) continue;
    while (size >= targetBytes) {
      const buffer = joined();
      const last = buffer.lastIndexOf(LF, targetBytes - 1);
      const next = last >= 0 ? last : buffer.indexOf(LF, targetBytes);
      if (next < 0 && size < MAX_OPEN_LINE_BYTES) break; // one long line, still open
      yield cut(buffer, next < 0 ? size : next + 1);
    }
  }
  if (size > 0) {
    const buffer = joined();
    yield cut(buffer, buffer.length);
  }
}
