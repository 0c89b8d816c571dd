/**
 * The parser most people write first: split the text on LF, each line on ' ', Number() the
 * numeric fields. The benchmarks' floor.
 */
import type { Format } from '../../src/index.js';

const NUMERIC = new Set(['u32', 'u64']);

export function parseNaive(text: string, format: Format): number {
  const numeric = format.fields.map((f) => NUMERIC.has(f.kind));
  let records = 0;
  for (const line of text.split('\n')) {
    if (line === '') continue;
    const parts = line.split(' ');
    const values: (string | number | null)[] = new Array(parts.length);
    for (let i = 0; i < parts.length; i++) {
      const part = parts[i]!;
      values[i] = part === '-' ? null : numeric[i] ? Number(part) : part;
    }
    if (values.length === numeric.length) records++;
  }
  return records;
}

/** CloudWatch Logs envelopes the common way: gunzipped bytes → JSON.parse → split each message. */
export function parseEnvelopeNaive(json: string, format: Format): number {
  const envelope = JSON.parse(json) as { logEvents: { message: string }[] };
  let records = 0;
  for (const event of envelope.logEvents) records += parseNaive(event.message, format);
  return records;
}
